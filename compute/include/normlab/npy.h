// NumPy .npy files: read versions 1.0, 2.0 and 3.0 with dtypes <f4 <f8 <i4 <i8 |b1 |u1 in
// C order; write version 1.0, little-endian, C order. Malformed input of any kind (bad
// magic, truncated header or data, unsupported dtype, Fortran order, absurd shape) is
// rejected with a message saying what is wrong; nothing is allocated before the shape has
// been checked against the bytes actually present.
#pragma once

#include "normlab/tensor.h"

#include <string>
#include <string_view>

namespace normlab {

// Largest element count NormLab will allocate for one tensor (2^31).
inline constexpr std::int64_t kMaxElements = std::int64_t(1) << 31;

struct NpyReadResult {
    Tensor tensor;
    std::string error; // empty on success
    bool ok() const { return error.empty(); }
};

NpyReadResult parseNpy(std::string_view bytes);
NpyReadResult readNpy(const std::string& path);

// The header (magic, version, dict, padding): the tensor's bytes follow it in the file.
std::string npyHeader(const Tensor& tensor);
std::string encodeNpy(const Tensor& tensor);
// Returns an error message, or empty on success.
std::string writeNpy(const std::string& path, const Tensor& tensor);

} // namespace normlab
