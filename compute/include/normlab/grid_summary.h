// Screen-sized summaries of a tensor's heatmap grid, so that drawing costs what the screen
// shows, not what the tensor holds.
//
// The grid: one row per (n, c) (rank >= 3), per n (rank 2) or a single row (rank <= 1), one
// column per element of the remaining dims in memory order. A summary splits it into blocks
// of rowStep x colStep source cells (the last row and column of blocks may be smaller) and
// gives per block the mean, minimum and maximum of the finite values that `keep` keeps (a
// slice map, -1 = masked out, or a bool/uint8 validity mask, 0 = masked out; null: all),
// and how many there were. A block without such
// a value has count 0 and NaN statistics. Mean is accumulated in double.
#pragma once

#include "normlab/slice_indexer.h"
#include "normlab/tensor.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace normlab {

// How a grid, or a window of it, is split into blocks. Block (r, c) covers source rows
// [firstRow + r rowStep, firstRow + (r + 1) rowStep) and likewise columns, cut at the
// window's end.
struct GridBlocks {
    std::int64_t sourceRows = 0, sourceCols = 0; // the full grid
    std::int64_t rowStep = 1, colStep = 1;       // source cells per block
    int rows = 0, cols = 0;                      // blocks
    std::int64_t firstRow = 0, firstCol = 0;     // the window's first source cell
    std::int64_t endRow = 0, endCol = 0;         // and its end (exclusive)
    bool operator==(const GridBlocks&) const = default;
};
// The blocks of the grid of `shape`: at most maxRows x maxCols (each >= 1), steps of 1 where
// the grid fits.
GridBlocks gridBlocks(const Shape& shape, int maxRows, int maxCols);
// The same for the window of source rows [rowBegin, rowEnd) and columns [colBegin, colEnd),
// cut to the grid (an empty window gives no blocks): what a zoomed-in heatmap shows.
GridBlocks gridWindowBlocks(const Shape& shape, std::int64_t rowBegin, std::int64_t rowEnd,
                            std::int64_t colBegin, std::int64_t colEnd, int maxRows, int maxCols);

struct GridSummary : GridBlocks {
    std::vector<double> mean, min, max; // row-major, rows x cols
    std::vector<std::int64_t> count;

    std::size_t cell(int row, int col) const {
        return std::size_t(row) * std::size_t(cols) + std::size_t(col);
    }
};

// Rows of the grid of a tensor of `shape`.
std::int64_t gridRowsOf(const Shape& shape);

// At most maxRows x maxCols blocks (each >= 1); a grid that fits is summarized cell by cell
// (steps of 1). `keep`, when given, has the values' shape. One pass over the data.
GridSummary summarizeGrid(const Tensor& values, const Tensor* keep, int maxRows, int maxCols);
// The same for given blocks (of the grid of values.shape(), a window of it or all).
GridSummary summarizeGrid(const Tensor& values, const Tensor* keep, const GridBlocks& blocks);

// The slice (SliceIndexer::sliceOf; -1 masked out) of each block's centre element (row
// min(firstRow + r rowStep + rowStep / 2, endRow - 1), likewise the column), row-major: what a
// map of the slices shows where a pixel covers a block (ids are labels, not values to
// average). `blocks` are of the grid of slices.shape(). In parallel on the compute threads:
// a screen's million cells are a million index computations.
std::vector<std::int64_t> sliceOfBlockCentres(const SliceIndexer& slices, const GridBlocks& blocks);

// The smallest and largest finite kept value; nullopt when there is none.
struct ValueRange {
    double low = 0, high = 0;
};
std::optional<ValueRange> finiteRangeOf(const Tensor& values, const Tensor* keep);

// Counts of the finite kept values in `bins` equal bins over [low, high] (bin b covers
// [low + b w, low + (b + 1) w), w = (high - low) / bins, or 1 / bins when high <= low);
// values outside fall into the first or last bin.
std::vector<double> histogramCounts(const Tensor& values, const Tensor* keep, double low,
                                    double high, int bins);

} // namespace normlab
