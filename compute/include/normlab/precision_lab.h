// The precision lab, for teaching: the same slices' variance computed seven ways, and the
// same normalization run in float32 and float64, each against a float64 two-pass reference
// (normalize()'s own batch statistics at float64 on the data as given).
//
// Each method reads the data in its own dtype: the float64 methods the data as given (exact
// for float32 data too), the float32 methods the data rounded to float32. So on float64 data
// whose mean is large against its spread, float32 loses the spread before any algorithm
// runs (at 10⁸, float32 holds only multiples of 8).
//
//   naive float32    E[x²] − E[x]² with float sums: what a careless kernel does. On data whose
//                    mean is large against its spread the two terms cancel and the result is
//                    wrong, even negative.
//   naive float64    the same formula with double sums on the float64 data: later, but the
//                    same failure (at a mean of 10⁸, x² ≈ 10¹⁶, where doubles are 2 apart).
//   two-pass float32 the mean in float, then the float sum of squared deviations from it: the
//                    stable algorithm with float32 accumulators, for a fair comparison.
//   Welford float32  the running-update algorithm in float: stable without a wide accumulator.
//   NormLab float32  normalize()'s own batch statistics at float32 (two-pass, float64
//                    accumulation); NaN for RMSNorm, whose statistic is a mean square.
//   naive float16    E[x²] − E[x]² with every value and every sum rounded to float16
//                    (normlab/low_precision.h): x² overflows to infinity once |x| reaches 256
//                    (256² = 65536 > 65504, float16's largest value).
//   two-pass bfloat16 the stable algorithm with every value and sum rounded to bfloat16: the
//                    range of float32, but 8 significant bits, so the sums round coarsely.
// Elements are accumulated in flat order; masked-out elements take no part.
#pragma once

#include "normlab/normalize.h"

namespace normlab {

struct PrecisionReport {
    std::string error; // the configuration is invalid (PyTorch's message); nothing else set
    Tensor reference;  // float64 two-pass variance per slice (the stats grid, flattened);
                       // for RMSNorm the variance of its slices (as LayerNorm's)
    Tensor naive32, naive64, twoPass32, welford32, normlab32; // float64, the same size
    Tensor naive16, twoPassBf16;                              // emulated 16-bit formats
    // max |y_float32 − y_float64| over each slice's elements.
    Tensor outputGap;
    std::int64_t negativeNaive32 = 0, negativeNaive64 = 0; // slices with a variance below 0
};

// Runs on the CPU backend. `inputs.input` may be float32 or float64; it is taken as it is
// (exactly, as float64) for the reference and the float64 method, and rounded to float32 for
// the float32 methods. Batch-Channel Norm
// reports its batch stage.
PrecisionReport precisionReport(NormSpec spec, const NormInputs& inputs);

} // namespace normlab
