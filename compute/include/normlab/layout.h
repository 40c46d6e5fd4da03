// How a variant slices its input, flattened once into a form every kernel shares.
//
// An element's flat index in layout order is  ((o * slices + m) * paramInner + p) * span + s.
//   o < outer       reduced axes in front of the kept ones (BatchNorm: N)
//   m < slices      kept axes: one mean/variance per m (the "stats grid")
//   p < paramInner  reduced axes along which the affine parameter changes
//                   (LayerNorm: the normalized dims; GroupNorm: channels in a group)
//   s < span        reduced axes with a constant parameter (spatial dims); one "run" of
//                   `span` contiguous elements is the unit kernels vectorise over
// Slice m holds every (o, p, s). The affine parameter of (m, p) is
//   ((m / paramDiv) % paramMod) * paramInner + p.
// Every built-in variant is in this form without moving data; `custom` reduce axes that
// are not are permuted into it first (`permutation`).
#pragma once

#include "normlab/tensor.h"

#include <cstdint>
#include <vector>

namespace normlab {

// Where the batch axis (dim 0) sits in the layout.
enum class BatchPlace { Outer, Slices, ParamInner };

struct SliceLayout {
    std::int64_t outer = 1;
    std::int64_t slices = 1;
    std::int64_t paramInner = 1;
    std::int64_t span = 1;
    std::int64_t paramDiv = 1;
    std::int64_t paramMod = 1;
    std::int64_t batch = 1; // N
    BatchPlace batchPlace = BatchPlace::Slices;

    std::int64_t elements() const { return outer * slices * paramInner * span; }
    std::int64_t numParams() const { return paramMod * paramInner; }
    std::int64_t param(std::int64_t m, std::int64_t p) const {
        return ((m / paramDiv) % paramMod) * paramInner + p;
    }
    // Sample index n of the run (o, m, p).
    std::int64_t sample(std::int64_t o, std::int64_t m, std::int64_t p) const {
        switch (batchPlace) {
        case BatchPlace::Outer:
            return o / (outer / batch);
        case BatchPlace::Slices:
            return m / (slices / batch);
        case BatchPlace::ParamInner:
            return p / (paramInner / batch);
        }
        return 0;
    }
    // Number of running-statistic entries: the stats grid without the batch axis.
    std::int64_t runningSize() const {
        return batchPlace == BatchPlace::Slices ? slices / batch : slices;
    }
    std::int64_t runningIndex(std::int64_t m) const { return m % runningSize(); }
};

// One normalisation stage: BatchChannelNorm has two, every other variant one.
struct Stage {
    SliceLayout layout;
    // Input axes in layout order; empty when the input already is in layout order.
    std::vector<int> permutation;
    bool centered = true; // false for RMSNorm: mean := 0, var := mean(x^2)
    Shape statsShape;     // shape of mean.npy / var.npy (kept axes in input order)
    // Kept axes in layout order, as indices into statsShape / runningShape; empty when
    // layout order is input order (only grouped `custom` layouts reorder them).
    std::vector<int> statsPermutation;
    std::vector<int> runningPermutation;
    Shape paramShape;   // shape of the affine parameters of this stage
    Shape runningShape; // shape of running_mean / running_var (if tracked)
    // Whether the lengths mask can be read as "valid prefix of every `lengthChunk`
    // elements of a run" (the last axis lies innermost in `span`).
    bool lengthsArePrefix = false;
    std::int64_t lengthChunk = 1;
};

// shape[permutation[k]] for every k; `shape` itself for an empty permutation.
Shape permutedShape(const Shape& shape, const std::vector<int>& permutation);

// For every element of a tensor of `shape` taken in layout order (permutedShape), its flat
// index in input order; 0, 1, 2, ... for an empty permutation.
std::vector<std::int64_t> inputIndicesInLayoutOrder(const Shape& shape,
                                                    const std::vector<int>& permutation);

// Gathers `source` (in input order, of `inputShape`) into layout order, or scatters back.
// Element size is taken from the tensor's dtype. An empty permutation moves, not copies.
Tensor permuteToLayout(const Tensor& source, const std::vector<int>& permutation);
Tensor permuteFromLayout(Tensor source, const Shape& inputShape,
                         const std::vector<int>& permutation);

// `source` in layout order without copying when the layout is the input order: borrows
// `source` (which must outlive the view), or owns a permuted copy.
class LayoutView {
  public:
    LayoutView(const Tensor& source, const std::vector<int>& permutation);
    const Tensor& tensor() const { return owned_.isNull() ? *borrowed_ : owned_; }
    const void* raw() const { return tensor().raw(); }

  private:
    const Tensor* borrowed_ = nullptr;
    Tensor owned_;
};

} // namespace normlab
