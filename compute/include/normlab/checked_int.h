// Checked 64-bit arithmetic for sizes that come from untrusted input (model text, shapes on
// the command line, JSON, session files, .npy headers): one helper, used wherever such a size
// is added, multiplied or divided, instead of raw int64 `*` and `/`.
//
// A CheckedInt either holds an exact value or is invalid; every operation on an invalid
// operand, and any that overflows int64 (GCC/Clang __builtin_*_overflow), divides by zero or
// computes INT64_MIN / -1, gives an invalid result. Division rounds toward negative infinity
// (Python's //, which PyTorch's shape formulas use).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>

namespace normlab {

class CheckedInt {
  public:
    constexpr CheckedInt(std::int64_t v) // NOLINT: implicit, so formulas read as formulas
        : value_(v)
        , valid_(true) {}
    static constexpr CheckedInt invalid() { return CheckedInt(); }
    // A double (e.g. a scale factor's product) converted by floor; invalid when it is NaN,
    // infinite or outside int64.
    static CheckedInt floorOf(double v) {
        if (!std::isfinite(v)) return invalid();
        const double f = std::floor(v);
        if (f < -9223372036854775808.0 || f >= 9223372036854775808.0) return invalid();
        return std::int64_t(f);
    }

    constexpr bool valid() const { return valid_; }
    // The value; only meaningful when valid().
    constexpr std::int64_t get() const { return value_; }
    std::optional<std::int64_t> value() const {
        return valid_ ? std::optional<std::int64_t>(value_) : std::nullopt;
    }

    friend CheckedInt operator+(CheckedInt a, CheckedInt b) {
        std::int64_t r = 0;
        if (!a.valid_ || !b.valid_ || __builtin_add_overflow(a.value_, b.value_, &r))
            return invalid();
        return r;
    }
    friend CheckedInt operator-(CheckedInt a, CheckedInt b) {
        std::int64_t r = 0;
        if (!a.valid_ || !b.valid_ || __builtin_sub_overflow(a.value_, b.value_, &r))
            return invalid();
        return r;
    }
    friend CheckedInt operator*(CheckedInt a, CheckedInt b) {
        std::int64_t r = 0;
        if (!a.valid_ || !b.valid_ || __builtin_mul_overflow(a.value_, b.value_, &r))
            return invalid();
        return r;
    }
    // Floor division (toward negative infinity).
    friend CheckedInt floorDiv(CheckedInt a, CheckedInt b) {
        if (!a.valid_ || !b.valid_ || b.value_ == 0 || (b.value_ == -1 && a.value_ == INT64_MIN))
            return invalid();
        std::int64_t q = a.value_ / b.value_;
        if ((a.value_ % b.value_ != 0) && ((a.value_ < 0) != (b.value_ < 0))) --q;
        return q;
    }
    // Remainder with the divisor's sign (Python's %); invalid for a zero divisor.
    friend CheckedInt floorMod(CheckedInt a, CheckedInt b) {
        const CheckedInt q = floorDiv(a, b);
        return q.valid_ ? a - q * b : invalid();
    }

  private:
    constexpr CheckedInt() = default;
    std::int64_t value_ = 0;
    bool valid_ = false;
};

// The product of `sizes`, invalid when it overflows or any size is negative.
template <class Sizes> CheckedInt checkedProduct(const Sizes& sizes) {
    CheckedInt p = 1;
    for (std::int64_t s : sizes) p = s < 0 ? CheckedInt::invalid() : p * s;
    return p;
}

} // namespace normlab
