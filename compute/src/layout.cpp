#include "normlab/layout.h"

#include <cstring>

namespace normlab {

namespace {

// Copies between input order and the order `permutation` lists the input's axes in.
// toLayout: dst[layout index] = src[input index]; otherwise the reverse.
void permuteCopy(const std::byte* src, std::byte* dst, const Shape& inputShape,
                 const std::vector<int>& permutation, std::size_t elementSize, bool toLayout) {
    const int rank = static_cast<int>(inputShape.size());
    std::vector<std::int64_t> inputStride(std::size_t(rank), 1);
    for (int a = rank - 2; a >= 0; --a)
        inputStride[std::size_t(a)] =
            inputStride[std::size_t(a) + 1] * inputShape[std::size_t(a) + 1];
    std::vector<std::int64_t> size(static_cast<std::size_t>(rank)),
        stride(static_cast<std::size_t>(rank));
    for (int k = 0; k < rank; ++k) {
        size[std::size_t(k)] = inputShape[std::size_t(permutation[std::size_t(k)])];
        stride[std::size_t(k)] = inputStride[std::size_t(permutation[std::size_t(k)])];
    }
    std::vector<std::int64_t> index(std::size_t(rank), 0);
    const std::int64_t total = numElements(inputShape);
    std::int64_t inputOffset = 0;
    for (std::int64_t layoutOffset = 0; layoutOffset < total; ++layoutOffset) {
        if (toLayout)
            std::memcpy(dst + layoutOffset * elementSize, src + inputOffset * elementSize,
                        elementSize);
        else
            std::memcpy(dst + inputOffset * elementSize, src + layoutOffset * elementSize,
                        elementSize);
        for (int k = rank - 1; k >= 0; --k) {
            const std::size_t kk = std::size_t(k);
            inputOffset += stride[kk];
            if (++index[kk] < size[kk]) break;
            inputOffset -= stride[kk] * size[kk];
            index[kk] = 0;
        }
    }
}

} // namespace

Shape permutedShape(const Shape& shape, const std::vector<int>& permutation) {
    if (permutation.empty()) return shape;
    Shape out;
    for (int a : permutation) out.push_back(shape[std::size_t(a)]);
    return out;
}

std::vector<std::int64_t> inputIndicesInLayoutOrder(const Shape& shape,
                                                    const std::vector<int>& permutation) {
    const std::size_t rank = shape.size();
    std::vector<std::int64_t> stride(rank, 1); // input-order strides
    for (std::size_t a = rank; a-- > 1;) stride[a - 1] = stride[a] * shape[a];
    const Shape layoutShape = permutedShape(shape, permutation);
    std::vector<std::int64_t> out(std::size_t(numElements(shape)));
    std::vector<std::int64_t> coordinate(rank, 0); // layout coordinates, odometer order
    for (std::int64_t& index : out) {
        index = 0;
        for (std::size_t k = 0; k < rank; ++k)
            index += coordinate[k] * stride[permutation.empty() ? k : std::size_t(permutation[k])];
        for (std::size_t k = rank; k-- > 0;) {
            if (++coordinate[k] < layoutShape[k]) break;
            coordinate[k] = 0;
        }
    }
    return out;
}

Tensor permuteToLayout(const Tensor& source, const std::vector<int>& permutation) {
    if (permutation.empty()) return source;
    Shape permuted;
    for (int a : permutation) permuted.push_back(source.shape()[std::size_t(a)]);
    Tensor out = Tensor::uninitialized(permuted, source.dtype());
    permuteCopy(static_cast<const std::byte*>(source.raw()), static_cast<std::byte*>(out.raw()),
                source.shape(), permutation, dtypeSize(source.dtype()), true);
    return out;
}

LayoutView::LayoutView(const Tensor& source, const std::vector<int>& permutation)
    : borrowed_(&source) {
    if (!permutation.empty()) owned_ = permuteToLayout(source, permutation);
}

Tensor permuteFromLayout(Tensor source, const Shape& inputShape,
                         const std::vector<int>& permutation) {
    if (permutation.empty()) {
        source.reshape(inputShape);
        return source;
    }
    Tensor out = Tensor::uninitialized(inputShape, source.dtype());
    permuteCopy(static_cast<const std::byte*>(source.raw()), static_cast<std::byte*>(out.raw()),
                inputShape, permutation, dtypeSize(source.dtype()), false);
    return out;
}

} // namespace normlab
