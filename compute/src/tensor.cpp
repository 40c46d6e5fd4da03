#include "normlab/tensor.h"

#include "buffer_cache.h"
#include "file_mapping.h"

#include "normlab/checked_int.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace normlab {

namespace {

// double -> integer without undefined behaviour: truncated toward zero, saturated at the
// type's range, NaN as 0 (a plain cast of an out-of-range double is undefined).
template <class I> I saturatingCast(double v) {
    if (std::isnan(v)) return 0;
    if (v <= double(std::numeric_limits<I>::min())) return std::numeric_limits<I>::min();
    if (v >= double(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
    return I(v);
}

} // namespace

std::int64_t numElements(const Shape& shape) {
    for (std::int64_t d : shape)
        if (d < 0) return 0;
    const CheckedInt n = checkedProduct(shape);
    return n.valid() ? n.get() : std::numeric_limits<std::int64_t>::max();
}

std::string shapeToString(const Shape& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(shape[i]);
    }
    return s + "]";
}

void detail::BufferRelease::operator()(std::byte* p) const {
    if (mapBase) {
        unmapFile(mapBase, mapLength);
        return;
    }
    releaseBuffer({p, capacity});
}

Tensor Tensor::adoptMapping(Shape shape, DType type, void* mapBase, std::size_t mapLength,
                            std::size_t offset) {
    Tensor t;
    t.shape_ = std::move(shape);
    t.dtype_ = type;
    t.numel_ = numElements(t.shape_);
    if (offset % 64 != 0 || offset + t.byteSize() > mapLength || int(t.shape_.size()) > kMaxRank) {
        detail::unmapFile(mapBase, mapLength);
        throw std::invalid_argument("adoptMapping: the data does not fit the mapping");
    }
    t.data_ = std::shared_ptr<std::byte>(static_cast<std::byte*>(mapBase) + offset,
                                         detail::BufferRelease{0, mapBase, mapLength});
    return t;
}

bool Tensor::isMapped() const {
    const auto* release = std::get_deleter<detail::BufferRelease>(data_);
    return release && release->mapBase;
}

Tensor Tensor::share() const {
    Tensor t;
    t.shape_ = shape_;
    t.dtype_ = dtype_;
    t.numel_ = numel_;
    t.data_ = data_;
    return t;
}

void Tensor::detach() {
    Tensor copy(shape_, dtype_);
    std::memcpy(copy.data_.get(), data_.get(), byteSize());
    data_ = std::move(copy.data_);
}

Tensor::Tensor(Shape shape, DType type)
    : shape_(std::move(shape))
    , dtype_(type)
    , numel_(numElements(shape_)) {
    if (static_cast<int>(shape_.size()) > kMaxRank)
        throw std::invalid_argument("tensor rank " + std::to_string(shape_.size()) +
                                    " exceeds the maximum of 5");
    // Never a null pointer, even for zero elements: null means "absent".
    const detail::Buffer buffer = detail::acquireBuffer(byteSize());
    data_ = std::shared_ptr<std::byte>(buffer.data, detail::BufferRelease{buffer.capacity});
}

Tensor Tensor::uninitialized(Shape shape, DType type) {
    return Tensor(std::move(shape), type);
}

Tensor Tensor::zeros(Shape shape, DType type) {
    Tensor t(std::move(shape), type);
    std::memset(t.raw(), 0, t.byteSize());
    return t;
}

Tensor Tensor::filled(Shape shape, DType type, double value) {
    Tensor t(std::move(shape), type);
    for (std::int64_t i = 0; i < t.size(); ++i) t.set(i, value);
    return t;
}

Tensor Tensor::fromValues(Shape shape, DType type, const std::vector<double>& values) {
    Tensor t(std::move(shape), type);
    if (static_cast<std::int64_t>(values.size()) != t.size())
        throw std::invalid_argument("fromValues: " + std::to_string(values.size()) +
                                    " values for shape " + shapeToString(t.shape()));
    for (std::int64_t i = 0; i < t.size(); ++i) t.set(i, values[std::size_t(i)]);
    return t;
}

Tensor::Tensor(const Tensor& other)
    : shape_(other.shape_)
    , dtype_(other.dtype_)
    , numel_(other.numel_) {
    if (other.data_) {
        Tensor copy(shape_, dtype_);
        std::memcpy(copy.data_.get(), other.data_.get(), byteSize());
        data_ = std::move(copy.data_);
    }
}

Tensor& Tensor::operator=(const Tensor& other) {
    if (this != &other) {
        Tensor copy(other);
        *this = std::move(copy);
    }
    return *this;
}

double Tensor::at(std::int64_t i) const {
    switch (dtype_) {
    case DType::Float32:
        return data<float>()[i];
    case DType::Float64:
        return data<double>()[i];
    case DType::Int32:
        return data<std::int32_t>()[i];
    case DType::Int64:
        return double(data<std::int64_t>()[i]);
    case DType::Bool:
    case DType::UInt8:
        return data<std::uint8_t>()[i];
    }
    return 0;
}

void Tensor::set(std::int64_t i, double v) {
    switch (dtype_) {
    case DType::Float32:
        data<float>()[i] = float(v);
        break;
    case DType::Float64:
        data<double>()[i] = v;
        break;
    case DType::Int32:
        data<std::int32_t>()[i] = saturatingCast<std::int32_t>(v);
        break;
    case DType::Int64:
        data<std::int64_t>()[i] = saturatingCast<std::int64_t>(v);
        break;
    case DType::Bool:
        data<std::uint8_t>()[i] = v != 0 ? 1 : 0;
        break;
    case DType::UInt8:
        data<std::uint8_t>()[i] = saturatingCast<std::uint8_t>(v);
        break;
    }
}

std::vector<double> Tensor::toVector() const {
    std::vector<double> v(static_cast<std::size_t>(size()));
    for (std::int64_t i = 0; i < size(); ++i) v[std::size_t(i)] = at(i);
    return v;
}

Tensor Tensor::castTo(DType type) const {
    if (type == dtype_) return *this;
    Tensor t(shape_, type);
    if (dtype_ == DType::Float32 && type == DType::Float64) {
        const float* s = data<float>();
        double* d = t.data<double>();
        for (std::int64_t i = 0; i < numel_; ++i) d[i] = s[i];
    } else if (dtype_ == DType::Float64 && type == DType::Float32) {
        const double* s = data<double>();
        float* d = t.data<float>();
        for (std::int64_t i = 0; i < numel_; ++i) d[i] = float(s[i]);
    } else {
        for (std::int64_t i = 0; i < numel_; ++i) t.set(i, at(i));
    }
    return t;
}

void Tensor::reshape(Shape shape) {
    if (numElements(shape) != numel_ || int(shape.size()) > kMaxRank)
        throw std::invalid_argument("cannot reshape " + shapeToString(shape_) + " to " +
                                    shapeToString(shape));
    shape_ = std::move(shape);
}

Tensor Tensor::reshaped(Shape shape) const {
    Tensor t(*this);
    t.reshape(std::move(shape));
    return t;
}

} // namespace normlab
