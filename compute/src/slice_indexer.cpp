#include "normlab/slice_indexer.h"

#include "masking.h"
#include "plan.h"

namespace normlab {

SliceIndexer::SliceIndexer(const NormSpec& spec, const NormInputs& inputs, int stage,
                           std::string* error) {
    const detail::Plan plan = detail::makePlan(spec, inputs);
    if (!plan.error.empty() || stage < 0 || std::size_t(stage) >= plan.stages.size()) {
        if (error) *error = plan.error.empty() ? "no such stage" : plan.error;
        return;
    }
    const Stage& s = plan.stages[std::size_t(stage)].stage;
    shape_ = inputs.input.shape();
    layout_ = s.layout;
    // Layout position k holds input axis permutation[k]; its stride in layout order is the
    // product of the layout sizes after k.
    const std::size_t rank = shape_.size();
    const Shape layoutShape = permutedShape(shape_, s.permutation);
    layoutStride_.assign(rank, 1);
    std::int64_t stride = 1;
    for (std::size_t k = rank; k-- > 0;) {
        layoutStride_[s.permutation.empty() ? k : std::size_t(s.permutation[k])] = stride;
        stride *= layoutShape[k];
    }
    statsIndexOfSlice_ = inputIndicesInLayoutOrder(s.statsShape, s.statsPermutation);
    validity_ = detail::inputOrderMask(inputs);
    masked_ = !validity_.isNull();
    valid_ = true;
}

std::int64_t SliceIndexer::layoutIndex(std::int64_t flat) const {
    std::int64_t index = 0;
    for (std::size_t a = shape_.size(); a-- > 0;) {
        index += (flat % shape_[a]) * layoutStride_[a];
        flat /= shape_[a];
    }
    return index;
}

std::int64_t SliceIndexer::sliceOf(std::int64_t flat) const {
    if (!kept(flat)) return -1;
    const SliceLayout& L = layout_;
    const std::int64_t m = (layoutIndex(flat) / (L.span * L.paramInner)) % L.slices;
    return statsIndexOfSlice_[std::size_t(m)];
}

std::int64_t SliceIndexer::parameterOf(std::int64_t flat) const {
    const SliceLayout& L = layout_;
    const std::int64_t index = layoutIndex(flat);
    return L.param((index / (L.span * L.paramInner)) % L.slices, (index / L.span) % L.paramInner);
}

} // namespace normlab
