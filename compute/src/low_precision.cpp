#include "normlab/low_precision.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace normlab {

double roundToFloat16(double x) {
    if (!std::isfinite(x) || x == 0) return x;
    constexpr double kLargest = 65504.0, kOverflow = 65520.0; // halfway to 2^16
    if (std::fabs(x) >= kOverflow) return std::copysign(INFINITY, x);
    int exponent = 0;
    std::frexp(x, &exponent); // |x| = m * 2^exponent, 0.5 <= m < 1
    // Spacing of float16 values around x: 2^(exponent - 11) for normal numbers, 2^-24 below
    // the smallest normal 2^-14.
    const int spacingExponent = exponent - 1 >= -14 ? exponent - 11 : -24;
    const double spacing = std::ldexp(1.0, spacingExponent);
    const double rounded = std::nearbyint(x / spacing) * spacing; // ties to even
    return std::fabs(rounded) > kLargest ? std::copysign(INFINITY, x) : rounded;
}

double roundToBfloat16(double x) {
    const float f = float(x);
    if (std::isnan(f)) return double(f);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    // Round the low 16 bits away, to nearest with ties to even (an overflow of the mantissa
    // carries into the exponent, up to infinity, as it should).
    bits += 0x7FFFu + ((bits >> 16) & 1u);
    bits &= 0xFFFF0000u;
    float r = 0;
    std::memcpy(&r, &bits, sizeof r);
    return double(r);
}

} // namespace normlab
