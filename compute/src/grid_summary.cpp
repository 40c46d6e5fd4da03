#include "normlab/grid_summary.h"

#include "kept_elements.h"
#include "thread_pool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace normlab {

namespace {

// The source rows of block rows [firstBlockRow, endBlockRow) into their cells.
template <class T, class Kept>
void accumulate(const T* values, Kept kept, GridSummary& s, std::int64_t firstBlockRow,
                std::int64_t endBlockRow) {
    const std::int64_t endRow = std::min(s.firstRow + endBlockRow * s.rowStep, s.endRow);
    for (std::int64_t r = s.firstRow + firstBlockRow * s.rowStep; r < endRow; ++r) {
        const std::size_t blockRow =
            std::size_t((r - s.firstRow) / s.rowStep) * std::size_t(s.cols);
        const T* row = values + r * s.sourceCols;
        const std::int64_t rowStart = r * s.sourceCols;
        for (int b = 0; b < s.cols; ++b) {
            const std::int64_t begin = s.firstCol + std::int64_t(b) * s.colStep;
            const std::int64_t end = std::min(begin + s.colStep, s.endCol);
            double sum = 0, low = std::numeric_limits<double>::infinity(), high = -low;
            std::int64_t n = 0;
            for (std::int64_t c = begin; c < end; ++c) {
                if (!kept(rowStart + c)) continue;
                const double v = double(row[c]);
                if (!std::isfinite(v)) continue;
                sum += v;
                low = std::min(low, v);
                high = std::max(high, v);
                ++n;
            }
            if (!n) continue;
            const std::size_t i = blockRow + std::size_t(b);
            s.mean[i] += sum; // a sum until the end
            s.min[i] = std::min(s.min[i], low);
            s.max[i] = std::max(s.max[i], high);
            s.count[i] += n;
        }
    }
}

// Calls f with the values' data pointer in their own element type.
template <class F> void withTypedData(const Tensor& values, F f) {
    switch (values.dtype()) {
    case DType::Float32:
        return f(values.data<float>());
    case DType::Float64:
        return f(values.data<double>());
    case DType::Int64:
        return f(values.data<std::int64_t>());
    case DType::Int32:
        return f(values.data<std::int32_t>());
    case DType::Bool:
    case DType::UInt8:
        return f(values.data<std::uint8_t>());
    }
}

// Elements per chunk of the parallel passes (a chunk's partial results are merged after).
constexpr std::int64_t kGrain = std::int64_t(1) << 18;

// Calls chunk(each, slot) for disjoint chunks of the values in parallel on the compute thread
// pool; each(f) calls f(value) for every finite value of the chunk that `keep` keeps. A
// chunk accumulates into locals and merges them into its `slot` (< threads()) at its end,
// so threads never write to shared cache lines per element.
template <class Chunk>
void forEachKeptChunk(const Tensor& values, const Tensor* keep, Chunk chunk) {
    detail::withKeptTest(values, keep, [&](auto kept) {
        withTypedData(values, [&](const auto* v) {
            cpu::ThreadPool::instance().parallelFor(
                values.size(), kGrain, [&](std::int64_t begin, std::int64_t end, int slot) {
                    chunk(
                        [&](auto f) {
                            for (std::int64_t i = begin; i < end; ++i) {
                                if (!kept(i)) continue;
                                const double x = double(v[i]);
                                if (std::isfinite(x)) f(x);
                            }
                        },
                        std::size_t(slot));
                });
        });
    });
}

} // namespace

std::optional<ValueRange> finiteRangeOf(const Tensor& values, const Tensor* keep) {
    const std::size_t slots = std::size_t(cpu::ThreadPool::instance().threads());
    std::vector<ValueRange> range(
        slots, {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
    forEachKeptChunk(values, keep, [&](auto each, std::size_t slot) {
        double low = std::numeric_limits<double>::infinity(), high = -low;
        each([&](double x) {
            low = std::min(low, x);
            high = std::max(high, x);
        });
        range[slot].low = std::min(range[slot].low, low);
        range[slot].high = std::max(range[slot].high, high);
    });
    ValueRange all = range[0];
    for (const ValueRange& r : range) {
        all.low = std::min(all.low, r.low);
        all.high = std::max(all.high, r.high);
    }
    if (!(all.low <= all.high)) return std::nullopt;
    return all;
}

std::vector<double> histogramCounts(const Tensor& values, const Tensor* keep, double low,
                                    double high, int bins) {
    if (bins < 1) throw std::invalid_argument("histogramCounts: no bins asked");
    const std::size_t slots = std::size_t(cpu::ThreadPool::instance().threads());
    std::vector<std::vector<std::int64_t>> partial(slots, std::vector<std::int64_t>(bins, 0));
    const double width = (high > low ? high - low : 1.0) / bins;
    forEachKeptChunk(values, keep, [&](auto each, std::size_t slot) {
        std::vector<std::int64_t> counts(std::size_t(bins), 0);
        // floor((x - low) / width) clamped to [0, bins - 1]: the quotient is clamped first
        // (minsd/maxsd, no branch; an infinite one included), and for it the truncating
        // conversion is floor. std::floor on the baseline instruction set branches, and
        // mispredicted on every other value: 200 -> 140 ms at 100 M elements.
        const double lastBin = double(bins - 1);
        each([&](double x) {
            ++counts[std::size_t(std::min(std::max((x - low) / width, 0.0), lastBin))];
        });
        for (std::size_t b = 0; b < counts.size(); ++b) partial[slot][b] += counts[b];
    });
    std::vector<double> counts(std::size_t(bins), 0.0);
    for (const auto& p : partial)
        for (std::size_t b = 0; b < counts.size(); ++b) counts[b] += double(p[b]);
    return counts;
}

std::int64_t gridRowsOf(const Shape& shape) {
    if (shape.size() <= 1) return 1;
    if (shape.size() == 2) return shape[0];
    return shape[0] * shape[1];
}

GridBlocks gridBlocks(const Shape& shape, int maxRows, int maxCols) {
    const std::int64_t size = numElements(shape);
    const std::int64_t rows = size ? gridRowsOf(shape) : 0;
    return gridWindowBlocks(shape, 0, rows, 0, rows ? size / rows : 0, maxRows, maxCols);
}

GridBlocks gridWindowBlocks(const Shape& shape, std::int64_t rowBegin, std::int64_t rowEnd,
                            std::int64_t colBegin, std::int64_t colEnd, int maxRows, int maxCols) {
    if (maxRows < 1 || maxCols < 1) throw std::invalid_argument("gridBlocks: no blocks asked");
    GridBlocks b;
    const std::int64_t size = numElements(shape);
    b.sourceRows = size ? gridRowsOf(shape) : 0;
    b.sourceCols = b.sourceRows ? size / b.sourceRows : 0;
    rowBegin = std::clamp<std::int64_t>(rowBegin, 0, b.sourceRows);
    rowEnd = std::clamp<std::int64_t>(rowEnd, rowBegin, b.sourceRows);
    colBegin = std::clamp<std::int64_t>(colBegin, 0, b.sourceCols);
    colEnd = std::clamp<std::int64_t>(colEnd, colBegin, b.sourceCols);
    if (rowEnd == rowBegin || colEnd == colBegin) return b;
    b.firstRow = rowBegin;
    b.firstCol = colBegin;
    b.endRow = rowEnd;
    b.endCol = colEnd;
    b.rowStep = (rowEnd - rowBegin + maxRows - 1) / maxRows;
    b.colStep = (colEnd - colBegin + maxCols - 1) / maxCols;
    b.rows = int((rowEnd - rowBegin + b.rowStep - 1) / b.rowStep);
    b.cols = int((colEnd - colBegin + b.colStep - 1) / b.colStep);
    return b;
}

std::vector<std::int64_t> sliceOfBlockCentres(const SliceIndexer& slices, const GridBlocks& b) {
    std::vector<std::int64_t> ids(std::size_t(b.rows) * std::size_t(b.cols));
    const std::int64_t grain = std::max<std::int64_t>(1, 4096 / std::max(b.cols, 1));
    cpu::ThreadPool::instance().parallelFor(
        b.rows, grain, [&](std::int64_t begin, std::int64_t end, int) {
            for (std::int64_t r = begin; r < end; ++r) {
                const std::int64_t row =
                    std::min(b.firstRow + r * b.rowStep + b.rowStep / 2, b.endRow - 1);
                for (int c = 0; c < b.cols; ++c) {
                    const std::int64_t col =
                        std::min(b.firstCol + c * b.colStep + b.colStep / 2, b.endCol - 1);
                    ids[std::size_t(r) * std::size_t(b.cols) + std::size_t(c)] =
                        slices.sliceOf(row * b.sourceCols + col);
                }
            }
        });
    return ids;
}

GridSummary summarizeGrid(const Tensor& values, const Tensor* keep, int maxRows, int maxCols) {
    return summarizeGrid(values, keep, gridBlocks(values.shape(), maxRows, maxCols));
}

GridSummary summarizeGrid(const Tensor& values, const Tensor* keep, const GridBlocks& blocks) {
    const GridBlocks own = gridBlocks(values.shape(), 1, 1);
    if (blocks.rows && (blocks.sourceRows != own.sourceRows || blocks.sourceCols != own.sourceCols))
        throw std::invalid_argument("summarizeGrid: the blocks are of another grid");
    GridSummary s;
    static_cast<GridBlocks&>(s) = blocks;
    if (!s.rows || !s.cols) return s;
    const std::size_t cells = std::size_t(s.rows) * std::size_t(s.cols);
    s.mean.assign(cells, 0.0);
    s.min.assign(cells, std::numeric_limits<double>::infinity());
    s.max.assign(cells, -std::numeric_limits<double>::infinity());
    s.count.assign(cells, 0);
    // Block rows are disjoint in the output: one chunk of them per task.
    detail::withKeptTest(values, keep, [&](auto kept) {
        withTypedData(values, [&](const auto* v) {
            const std::int64_t grain =
                std::max<std::int64_t>(1, kGrain / (s.rowStep * s.sourceCols));
            cpu::ThreadPool::instance().parallelFor(s.rows, grain,
                                                    [&](std::int64_t begin, std::int64_t end, int) {
                                                        accumulate(v, kept, s, begin, end);
                                                    });
        });
    });
    for (std::size_t i = 0; i < cells; ++i) {
        if (s.count[i]) {
            s.mean[i] /= double(s.count[i]);
        } else {
            s.mean[i] = s.min[i] = s.max[i] = std::numeric_limits<double>::quiet_NaN();
        }
    }
    return s;
}

} // namespace normlab
