// View-models: turn a compute outcome into what the plots draw. Arranging and binning
// only; every statistic comes from the compute core.
#pragma once

#include "normlab/tensor.h"

#include <vector>

namespace normlab::ui {

// Rows of the heatmap layout of a tensor of `shape` (see Grid).
int gridRows(const Shape& shape);

// A tensor laid out for a heatmap: one row per (n, c), one column per element of the
// remaining dims (rank 1: one row; rank 2: one row per n, one column per c).
struct Grid {
    int rows = 0, cols = 0;
    std::vector<double> values; // row-major
    double at(int row, int col) const {
        return values[std::size_t(row) * std::size_t(cols) + std::size_t(col)];
    }
};
Grid gridOf(const Tensor& tensor);
// Flat element index of a grid cell.
std::int64_t flatIndex(const Tensor& tensor, int row, int col);

struct Histogram {
    double low = 0, width = 1;
    std::vector<double> counts;
};
// Counts of the finite values in [low, high] in `bins` bins, skipping entries whose
// `keep` value is < 0 (masked out) when keep is given.
Histogram histogramOf(const Tensor& values, double low, double high, int bins,
                      const Tensor* keep = nullptr);
// A hue in [0, 1) for slice or channel `id`: neighbouring ids get far-apart hues (a
// golden-ratio stride around the colour wheel).
double sliceHue(std::int64_t id);

// Range of the finite values of both tensors (for shared histogram axes).
std::pair<double, double> finiteRange(const Tensor& a, const Tensor& b);

} // namespace normlab::ui
