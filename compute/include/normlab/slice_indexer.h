// Which slice (one mean/variance) and which affine parameter an element belongs to, asked
// element by element, without a map of the whole input: sliceIndexMap holds 8 bytes per
// element (800 MB at 100 M elements), this holds the stats grid's order and, only when
// something is masked, one byte per element.
#pragma once

#include "normlab/layout.h"
#include "normlab/normalize.h"

#include <cstdint>
#include <string>
#include <vector>

namespace normlab {

class SliceIndexer {
  public:
    SliceIndexer() = default;
    // For stage `stage` of (spec, inputs) (batch_channel_norm: 0 batch, 1 channel); not
    // valid(), with *error set to the PyTorch-equivalent message, when the configuration is
    // invalid.
    SliceIndexer(const NormSpec& spec, const NormInputs& inputs, int stage = 0,
                 std::string* error = nullptr);

    bool valid() const { return valid_; }
    const Shape& shape() const { return shape_; }
    std::int64_t size() const { return numElements(shape_); }
    // Slices in the stats grid.
    std::int64_t slices() const { return layout_.slices; }

    // Element `flat` (flat index in input order, 0 <= flat < size()): its slice's flat index
    // in the stats grid (input order of the kept axes), as sliceIndexMap; -1 when masked out.
    std::int64_t sliceOf(std::int64_t flat) const;
    // Its affine parameter's flat index (masked-out elements too), as parameterIndexMap.
    std::int64_t parameterOf(std::int64_t flat) const;
    // Whether it takes part in the statistics (not masked out).
    bool kept(std::int64_t flat) const { return !masked_ || validity_.data<std::uint8_t>()[flat]; }
    // The validity of every element (uint8 of shape(), 1 = valid) for the functions that
    // take a `keep` tensor (normlab/grid_summary.h, reconstructionError); null when every
    // element is valid.
    const Tensor* keep() const { return masked_ ? &validity_ : nullptr; }

  private:
    std::int64_t layoutIndex(std::int64_t flat) const; // its flat index in layout order

    bool valid_ = false;
    bool masked_ = false;
    Shape shape_;
    std::vector<std::int64_t> layoutStride_; // per input axis: its stride in layout order
    SliceLayout layout_;
    std::vector<std::int64_t> statsIndexOfSlice_; // layout slice m -> stats grid index
    Tensor validity_;
};

} // namespace normlab
