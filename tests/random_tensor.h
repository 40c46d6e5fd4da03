// Test inputs: a tensor of normal(mean, stddev) values drawn in float64 from `rng` (the same
// sequence whatever the stored type), stored as `type`.
#pragma once

#include "normlab/tensor.h"

#include <random>

namespace normlab {

inline Tensor randomTensor(const Shape& shape, std::mt19937_64& rng, double mean = 0.0,
                           double stddev = 1.0, DType type = DType::Float64) {
    std::normal_distribution<double> normal(mean, stddev);
    Tensor t = Tensor::uninitialized(shape, DType::Float64);
    for (std::int64_t i = 0; i < t.size(); ++i) t.set(i, normal(rng));
    return type == DType::Float64 ? t : t.castTo(type);
}

} // namespace normlab
