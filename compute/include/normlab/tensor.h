// A dense, contiguous (C order) tensor of rank 0..5 owning its storage.
// Value semantics: copies are deep, except share(), which hands out the same storage
// copy-on-write (a writer through a non-const accessor gets its own copy first). Storage is
// 64-byte aligned. The storage is either a
// buffer of the buffer cache or a private memory mapping of a file (readNpy): the pages of
// a mapped tensor are read on first touch and written copy-on-write, never to the file.
#pragma once

#include "normlab/dtype.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace normlab {

using Shape = std::vector<std::int64_t>;

namespace detail {
// Returns tensor storage to the buffer cache (src/buffer_cache.h).
struct BufferRelease {
    std::size_t capacity = 0;
    void* mapBase = nullptr; // a memory mapping to unmap instead (base, length)
    std::size_t mapLength = 0;
    void operator()(std::byte* p) const;
};
} // namespace detail

inline constexpr int kMaxRank = 5;

// Product of the sizes; 1 for rank 0. Saturates at INT64_MAX instead of overflowing.
std::int64_t numElements(const Shape& shape);
// PyTorch's spelling of a size list: "[2, 4, 8, 8]".
std::string shapeToString(const Shape& shape);

class Tensor {
  public:
    Tensor() = default;
    // Zero-filled.
    static Tensor zeros(Shape shape, DType type);
    // Contents unspecified: for outputs that a kernel overwrites completely.
    static Tensor uninitialized(Shape shape, DType type);
    static Tensor filled(Shape shape, DType type, double value);
    // Values are converted to `type` (rounded for floats; for integers truncated toward
    // zero and saturated at the type's range, NaN as 0).
    static Tensor fromValues(Shape shape, DType type, const std::vector<double>& values);
    // Takes over a private mapping (mmap MAP_PRIVATE) of `mapLength` bytes at `mapBase`
    // whose data starts `offset` bytes in (a multiple of 64) and holds the elements of
    // `shape` in C order; the tensor unmaps it when destroyed.
    static Tensor adoptMapping(Shape shape, DType type, void* mapBase, std::size_t mapLength,
                               std::size_t offset);
    // True when the storage is a file mapping (its untouched pages are not resident).
    bool isMapped() const;
    // The same storage, without copying it: copy-on-write, so the value semantics hold for
    // every access made after this call (a non-const raw()/data()/set() on any holder copies
    // first while the storage is shared). Pointers taken for writing before share() are not
    // covered: write through them before sharing, never after. Thread-safe for holders on
    // different threads (the share count is atomic; shared storage is only read).
    Tensor share() const;
    // Whether another tensor holds this storage too (a write would copy it first).
    bool isShared() const { return data_ && data_.use_count() > 1; }

    Tensor(const Tensor& other);
    Tensor& operator=(const Tensor& other);
    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;

    // A default-constructed tensor is "absent" (used for optional inputs).
    bool isNull() const { return !data_; }
    const Shape& shape() const { return shape_; }
    int rank() const { return static_cast<int>(shape_.size()); }
    DType dtype() const { return dtype_; }
    std::int64_t size() const { return numel_; }
    std::size_t byteSize() const { return static_cast<std::size_t>(numel_) * dtypeSize(dtype_); }

    void* raw() {
        if (isShared()) detach();
        return data_.get();
    }
    const void* raw() const { return data_.get(); }
    // Typed access; the caller must have checked dtype().
    template <class T> T* data() { return static_cast<T*>(raw()); }
    template <class T> const T* data() const { return static_cast<const T*>(raw()); }

    // Converting element access (any dtype), for tests, small tensors and conversions.
    double at(std::int64_t index) const;
    void set(std::int64_t index, double value);
    std::vector<double> toVector() const;

    Tensor castTo(DType type) const;
    // Same data, new shape with the same element count (throws otherwise).
    Tensor reshaped(Shape shape) const;
    void reshape(Shape shape);

  private:
    Tensor(Shape shape, DType type);
    void detach(); // a private copy of shared storage

    Shape shape_;
    DType dtype_ = DType::Float32;
    std::int64_t numel_ = 0;
    std::shared_ptr<std::byte> data_; // deleter: detail::BufferRelease
};

} // namespace normlab
