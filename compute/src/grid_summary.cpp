#include "normlab/grid_summary.h"

#include "kept_elements.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace normlab {

namespace {

template <class T, class Kept> void accumulate(const T* values, Kept kept, GridSummary& s) {
    for (std::int64_t r = 0; r < s.sourceRows; ++r) {
        const std::size_t blockRow = std::size_t(r / s.rowStep) * std::size_t(s.cols);
        const T* row = values + r * s.sourceCols;
        const std::int64_t rowStart = r * s.sourceCols;
        for (int b = 0; b < s.cols; ++b) {
            const std::int64_t begin = std::int64_t(b) * s.colStep;
            const std::int64_t end = std::min(begin + s.colStep, s.sourceCols);
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

// Calls f(value) for every finite value that `keep` keeps.
template <class F> void forEachKept(const Tensor& values, const Tensor* keep, F f) {
    detail::withKeptTest(values, keep, [&](auto kept) {
        withTypedData(values, [&](const auto* v) {
            for (std::int64_t i = 0; i < values.size(); ++i) {
                if (!kept(i)) continue;
                const double x = double(v[i]);
                if (std::isfinite(x)) f(x);
            }
        });
    });
}

} // namespace

std::optional<ValueRange> finiteRangeOf(const Tensor& values, const Tensor* keep) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    forEachKept(values, keep, [&](double x) {
        low = std::min(low, x);
        high = std::max(high, x);
    });
    if (!(low <= high)) return std::nullopt;
    return ValueRange{low, high};
}

std::vector<double> histogramCounts(const Tensor& values, const Tensor* keep, double low,
                                    double high, int bins) {
    if (bins < 1) throw std::invalid_argument("histogramCounts: no bins asked");
    std::vector<double> counts(std::size_t(bins), 0.0);
    const double width = (high > low ? high - low : 1.0) / bins;
    forEachKept(values, keep, [&](double x) {
        const double b = std::floor((x - low) / width);
        counts[std::size_t(std::clamp(b, 0.0, double(bins - 1)))] += 1;
    });
    return counts;
}

std::int64_t gridRowsOf(const Shape& shape) {
    if (shape.size() <= 1) return 1;
    if (shape.size() == 2) return shape[0];
    return shape[0] * shape[1];
}

GridBlocks gridBlocks(const Shape& shape, int maxRows, int maxCols) {
    if (maxRows < 1 || maxCols < 1) throw std::invalid_argument("gridBlocks: no blocks asked");
    GridBlocks b;
    const std::int64_t size = numElements(shape);
    b.sourceRows = size ? gridRowsOf(shape) : 0;
    b.sourceCols = b.sourceRows ? size / b.sourceRows : 0;
    if (!b.sourceRows || !b.sourceCols) return b;
    b.rowStep = (b.sourceRows + maxRows - 1) / maxRows;
    b.colStep = (b.sourceCols + maxCols - 1) / maxCols;
    b.rows = int((b.sourceRows + b.rowStep - 1) / b.rowStep);
    b.cols = int((b.sourceCols + b.colStep - 1) / b.colStep);
    return b;
}

GridSummary summarizeGrid(const Tensor& values, const Tensor* keep, int maxRows, int maxCols) {
    GridSummary s;
    static_cast<GridBlocks&>(s) = gridBlocks(values.shape(), maxRows, maxCols);
    if (!s.rows || !s.cols) return s;
    const std::size_t cells = std::size_t(s.rows) * std::size_t(s.cols);
    s.mean.assign(cells, 0.0);
    s.min.assign(cells, std::numeric_limits<double>::infinity());
    s.max.assign(cells, -std::numeric_limits<double>::infinity());
    s.count.assign(cells, 0);
    detail::withKeptTest(values, keep, [&](auto kept) {
        withTypedData(values, [&](const auto* v) { accumulate(v, kept, s); });
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
