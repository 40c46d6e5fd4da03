// Emulated 16-bit floating point, for the precision lab: a double rounded to the nearest
// value of the format (ties to even), as the hardware's conversion would give it.
//   float16 (IEEE binary16): 11 significant bits, largest finite value 65504; magnitudes of
//     65520 and more round to infinity; subnormals down to 2^-24.
//   bfloat16: float32's 8 exponent bits with 8 significant bits (7 stored); computed by
//     rounding to float32 first, then to bfloat16.
#pragma once

namespace normlab {

double roundToFloat16(double x);
double roundToBfloat16(double x);

} // namespace normlab
