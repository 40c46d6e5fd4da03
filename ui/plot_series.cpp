#include "plot_series.h"

#include "normlab/grid_summary.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace normlab::ui {

int gridRows(const Shape& s) {
    return int(gridRowsOf(s));
}

std::int64_t flatIndex(const Tensor& t, int row, int col) {
    const int rows = gridRows(t.shape());
    return std::int64_t(row) * (rows ? t.size() / rows : 0) + col;
}

Histogram histogramOf(const Tensor& values, double low, double high, int bins, const Tensor* keep) {
    Histogram h;
    h.low = low;
    h.width = (high > low ? high - low : 1.0) / bins;
    h.counts = histogramCounts(values, keep, low, high, bins);
    return h;
}

std::pair<double, double> finiteRange(const Tensor& a, const Tensor& b, const Tensor* keep) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const Tensor* t : {&a, &b})
        if (const auto r = finiteRangeOf(*t, keep)) {
            lo = std::min(lo, r->low);
            hi = std::max(hi, r->high);
        }
    if (!(lo <= hi)) return {-1, 1};
    if (lo == hi) return {lo - 0.5, hi + 0.5};
    return {lo, hi};
}

double sliceHue(std::int64_t id) {
    return std::fmod(double(id) * 0.618033988749895, 1.0);
}

} // namespace normlab::ui
