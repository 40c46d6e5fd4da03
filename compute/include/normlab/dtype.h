// Element types understood by NormLab. Computation happens in Float32 or Float64;
// the integer and boolean types exist for lengths and masks read from .npy files.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace normlab {

enum class DType { Float32, Float64, Int32, Int64, Bool, UInt8 };

std::size_t dtypeSize(DType type);
bool isFloating(DType type);
// "float32", "float64", "int32", "int64", "bool", "uint8".
std::string_view dtypeName(DType type);
std::optional<DType> dtypeFromName(std::string_view name);

// Machine epsilon of the accumulation type PyTorch uses for `type`
// (float32 -> 1.1920929e-07, float64 -> 2.220446e-16).
double machineEpsilon(DType type);

} // namespace normlab
