// Input tensors a learner builds from a recipe: shape, distribution, seed. Deterministic
// for a given recipe (std::mt19937_64 engines, see generateInput), so sessions can store
// the recipe, not the data.
#pragma once

#include "normlab/tensor.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

namespace normlab {

enum class Generator { Normal, Uniform, Constant, Ramp, SinePerChannel, Outliers, Checkerboard };

inline constexpr std::array<Generator, 7> kAllGenerators = {
    Generator::Normal,         Generator::Uniform,  Generator::Constant,     Generator::Ramp,
    Generator::SinePerChannel, Generator::Outliers, Generator::Checkerboard,
};
// "normal", "uniform", "constant", "ramp", "sine", "outliers", "checkerboard".
std::string_view generatorName(Generator g);
std::optional<Generator> generatorFromName(std::string_view name);

struct InputRecipe {
    Shape shape{4, 8, 16};
    Generator generator = Generator::Normal;
    double mean = 0.0;   // normal: mean; uniform/ramp: centre; constant: the value
    double spread = 1.0; // normal: std; uniform: half-width; ramp: half-range; sine: amplitude
    std::uint64_t seed = 1;
    DType dtype = DType::Float32;

    bool operator==(const InputRecipe&) const = default;
};

// Element (n, c, ...) with flat index i:
//   normal        mean + spread * N(0, 1)
//   uniform       mean + spread * U(-1, 1)
//   constant      mean
//   ramp          mean + spread * (2 i / (size - 1) - 1)
//   sine          mean + spread * sin(2 pi (l + 1) k / L) along the last axis (k its index,
//                 L its size), one frequency per channel c (l = c)
//   outliers      normal, and 1% of the elements (at least one) are mean + 20 * spread
//   checkerboard  mean +/- spread by the parity of the sum of all indices
// The random draws come in chunks of 2^20 elements, each from its own engine (the first
// seeded with the seed, as a single engine drew every element before inputs of more than
// 2^20 elements were filled in parallel): the tensor depends on the recipe alone.
// Returns a null tensor (and sets *error) for an empty, negative or too large shape, and
// where `cancel` (may be null) was set meanwhile ("cancelled").
Tensor generateInput(const InputRecipe& recipe, std::string* error = nullptr,
                     const std::atomic<bool>* cancel = nullptr);

} // namespace normlab
