#include "masking.h"

namespace normlab::detail {

Tensor inputOrderMask(const NormInputs& inputs) {
    const Shape& shape = inputs.input.shape();
    if (!inputs.mask.isNull()) {
        Tensor m = Tensor::uninitialized(shape, DType::UInt8);
        const std::uint8_t* src = inputs.mask.data<std::uint8_t>(); // bool and uint8: one byte
        std::uint8_t* dst = m.data<std::uint8_t>();
        for (std::int64_t i = 0; i < m.size(); ++i) dst[i] = src[i] != 0;
        return m;
    }
    if (inputs.lengths.isNull()) return {};
    Tensor m = Tensor::uninitialized(shape, DType::UInt8);
    std::uint8_t* dst = m.data<std::uint8_t>();
    const std::int64_t last = shape.back();
    const std::int64_t perSample = inputs.input.size() / shape[0];
    for (std::int64_t i = 0; i < m.size(); ++i) {
        const std::int64_t n = i / perSample;
        dst[i] = (i % last) < std::int64_t(inputs.lengths.at(n));
    }
    return m;
}

StageValidity::StageValidity(const NormInputs& inputs, const Stage& stage) {
    if (!inputs.lengths.isNull() && stage.lengthsArePrefix) {
        lengths_.resize(std::size_t(inputs.lengths.size()));
        for (std::size_t n = 0; n < lengths_.size(); ++n)
            lengths_[n] = std::int64_t(inputs.lengths.at(std::int64_t(n)));
        validity_.lengths = lengths_.data();
        validity_.chunk = stage.lengthChunk;
        return;
    }
    Tensor m = inputOrderMask(inputs);
    if (m.isNull()) return;
    layoutMask_ = permuteToLayout(m, stage.permutation);
    validity_.mask = layoutMask_.data<std::uint8_t>();
}

std::int64_t StageValidity::validInRun(const SliceLayout& layout, std::int64_t o, std::int64_t m,
                                       std::int64_t p) const {
    if (validity_.lengths) {
        const std::int64_t keep =
            std::min(validity_.lengths[layout.sample(o, m, p)], validity_.chunk);
        return (layout.span / validity_.chunk) * keep;
    }
    if (!validity_.mask) return layout.span;
    const std::int64_t begin = ((o * layout.slices + m) * layout.paramInner + p) * layout.span;
    std::int64_t n = 0;
    for (std::int64_t s = 0; s < layout.span; ++s) n += validity_.mask[begin + s];
    return n;
}

} // namespace normlab::detail
