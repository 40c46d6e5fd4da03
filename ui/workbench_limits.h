// What the workbench can honour, in one place: the ranges of the input panel's editors, the
// size of input it computes, and the check that sessions, the Debugger's "open layer",
// .npy files and --measure-latency go through. A state outside these is refused with the
// reason, never clamped into something else.
#pragma once

#include "normlab/dtype.h"
#include "normlab/generators.h"
#include "normlab/tensor.h"

#include <QString>

#include <cstdint>

namespace normlab::ui {

inline constexpr std::int64_t kMaxEditorSize = std::int64_t(1) << 20; // one size editor
inline constexpr std::int64_t kMaxSeed = std::int64_t(1) << 30;       // the seed editor
inline constexpr double kMaxAbsMean = 1e9; // the mean editor (the precision lesson goes to 1e8)
inline constexpr double kMaxSpread = 1e6;  // the spread editor

// Bytes the workbench holds per input byte while it shows a result (input, output, the
// upstream gradient and dx, the inverse, float64 statistics, the slice map and the views'
// series): measured at 24 with --measure-latency, so refuse what this would not fit.
inline constexpr std::int64_t kResidentBytesPerInputByte = 24;

// Memory the system can still give this process (MemAvailable), or -1 when unknown.
std::int64_t availableMemoryBytes();

// Empty when an input of `shape` and `dtype` fits the workbench and this machine's
// memory; else why not (the shape and the memory it would need).
QString inputSizeRefusal(const Shape& shape, DType dtype);

// Empty when the recipe's values fit the editors (sizes, seed, mean, spread) and its size
// fits the machine; else the first reason it cannot be shown as it is. `fromFile`: the data
// comes from a tensor, so the size editors are not its limit.
QString recipeRefusal(const InputRecipe& recipe, bool fromFile);

} // namespace normlab::ui
