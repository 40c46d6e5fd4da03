// View-models: turn a compute outcome into what the plots draw. Arranging and binning
// only; every statistic comes from the compute core.
#pragma once

#include "normlab/tensor.h"

#include <vector>

namespace normlab::ui {

// Rows of the heatmap layout of a tensor of `shape`: one per (n, c) (rank >= 3), per n
// (rank 2), or one (normlab/grid_summary.h); columns are the remaining elements.
int gridRows(const Shape& shape);

// Flat element index of a grid cell.
std::int64_t flatIndex(const Tensor& tensor, int row, int col);

struct Histogram {
    double low = 0, width = 1;
    std::vector<double> counts;
};
// Counts of the finite values in [low, high] in `bins` bins, skipping entries whose
// `keep` value is < 0 (masked out) when keep is given (normlab/grid_summary.h).
Histogram histogramOf(const Tensor& values, double low, double high, int bins,
                      const Tensor* keep = nullptr);
// A hue in [0, 1) for slice or channel `id`: neighbouring ids get far-apart hues (a
// golden-ratio stride around the colour wheel).
double sliceHue(std::int64_t id);

// Range of the finite values of both tensors whose `keep` entry is >= 0 (for shared
// histogram axes; both of keep's shape).
std::pair<double, double> finiteRange(const Tensor& a, const Tensor& b,
                                      const Tensor* keep = nullptr);

} // namespace normlab::ui
