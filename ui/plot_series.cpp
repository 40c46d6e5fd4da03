#include "plot_series.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace normlab::ui {

int gridRows(const Shape& s) {
    if (s.size() <= 1) return 1;
    if (s.size() == 2) return int(s[0]);
    return int(s[0] * s[1]);
}

Grid gridOf(const Tensor& t) {
    Grid g;
    g.rows = gridRows(t.shape());
    g.cols = g.rows ? int(t.size() / g.rows) : 0;
    g.values = t.toVector();
    return g;
}

std::int64_t flatIndex(const Tensor& t, int row, int col) {
    const int rows = gridRows(t.shape());
    return std::int64_t(row) * (rows ? t.size() / rows : 0) + col;
}

Histogram histogramOf(const Tensor& values, double low, double high, int bins, const Tensor* keep) {
    Histogram h;
    h.low = low;
    h.width = (high > low ? high - low : 1.0) / bins;
    h.counts.assign(std::size_t(bins), 0.0);
    for (std::int64_t i = 0; i < values.size(); ++i) {
        if (keep && keep->at(i) < 0) continue;
        const double v = values.at(i);
        if (!std::isfinite(v)) continue;
        const int b = std::clamp(int((v - low) / h.width), 0, bins - 1);
        h.counts[std::size_t(b)] += 1;
    }
    return h;
}

std::pair<double, double> finiteRange(const Tensor& a, const Tensor& b) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const Tensor* t : {&a, &b})
        for (std::int64_t i = 0; i < t->size(); ++i) {
            const double v = t->at(i);
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    if (!(lo <= hi)) return {-1, 1};
    if (lo == hi) return {lo - 0.5, hi + 0.5};
    return {lo, hi};
}

double sliceHue(std::int64_t id) {
    return std::fmod(double(id) * 0.618033988749895, 1.0);
}

} // namespace normlab::ui
