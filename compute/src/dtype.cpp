#include "normlab/dtype.h"

#include "normlab/name_table.h"

#include <array>
#include <limits>
#include <utility>

namespace normlab {

namespace {
constexpr NameTable<DType, 6> kNames{{{
    {DType::Float32, "float32"},
    {DType::Float64, "float64"},
    {DType::Int32, "int32"},
    {DType::Int64, "int64"},
    {DType::Bool, "bool"},
    {DType::UInt8, "uint8"},
}}};
} // namespace

std::size_t dtypeSize(DType type) {
    switch (type) {
    case DType::Float32:
    case DType::Int32:
        return 4;
    case DType::Float64:
    case DType::Int64:
        return 8;
    case DType::Bool:
    case DType::UInt8:
        return 1;
    }
    return 1;
}

bool isFloating(DType type) {
    return type == DType::Float32 || type == DType::Float64;
}

std::string_view dtypeName(DType type) {
    return kNames.nameOf(type);
}

std::optional<DType> dtypeFromName(std::string_view name) {
    return kNames.find(name);
}

double machineEpsilon(DType type) {
    return type == DType::Float64 ? std::numeric_limits<double>::epsilon()
                                  : double(std::numeric_limits<float>::epsilon());
}

} // namespace normlab
