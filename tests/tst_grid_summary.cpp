// The heatmap summaries against a direct computation: for every block, the mean, minimum,
// maximum and count of the kept finite values of the source cells it covers, computed here
// element by element from (n, c, position) indices.
#include "normlab/grid_summary.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

using namespace normlab;

class GridSummaryTest : public QObject {
    Q_OBJECT
  private slots:
    void againstDirectComputation_data();
    void againstDirectComputation();
    void smallGridIsCellByCell();
    void windowsAgainstDirectComputation();
    void rejectsBadArguments();
    void rangeAndHistogramAgainstDirectCount();
};

void GridSummaryTest::againstDirectComputation_data() {
    QTest::addColumn<QVector<qint64>>("shape");
    QTest::addColumn<int>("maxRows");
    QTest::addColumn<int>("maxCols");
    QTest::addColumn<bool>("float64");
    QTest::newRow("NCL, uneven blocks") << QVector<qint64>{3, 5, 37} << 4 << 6 << false;
    QTest::newRow("NCHW, float64") << QVector<qint64>{2, 3, 7, 9} << 5 << 10 << true;
    QTest::newRow("rank 2") << QVector<qint64>{11, 13} << 3 << 4 << false;
    QTest::newRow("rank 1") << QVector<qint64>{101} << 7 << 9 << false;
    QTest::newRow("one block") << QVector<qint64>{4, 2, 6} << 1 << 1 << true;
}

void GridSummaryTest::againstDirectComputation() {
    QFETCH(QVector<qint64>, shape);
    QFETCH(int, maxRows);
    QFETCH(int, maxCols);
    QFETCH(bool, float64);
    const Shape s(shape.begin(), shape.end());
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(3.0, 2.0);
    Tensor x = Tensor::uninitialized(s, float64 ? DType::Float64 : DType::Float32);
    Tensor keep = Tensor::uninitialized(s, DType::Int64);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        x.set(i, normal(rng));
        keep.set(i, rng() % 5 == 0 ? -1 : 0); // a fifth masked out
    }
    x.set(1, std::numeric_limits<double>::infinity()); // not finite: left out
    x.set(2, std::numeric_limits<double>::quiet_NaN());
    // A fully masked source row: its blocks (where no other row joins) have no value.
    for (std::int64_t i = 0; i < std::min<std::int64_t>(x.size(), s.back()); ++i) keep.set(i, -1);

    const GridSummary g = summarizeGrid(x, &keep, maxRows, maxCols);
    // The grid: rows (n, c), or n, or one; columns the rest.
    const std::int64_t rows = s.size() <= 1 ? 1 : s.size() == 2 ? s[0] : s[0] * s[1];
    const std::int64_t cols = x.size() / rows;
    QCOMPARE(g.sourceRows, rows);
    QCOMPARE(g.sourceCols, cols);
    QVERIFY(g.rows <= maxRows && g.cols <= maxCols);
    QCOMPARE(g.rowStep, (rows + maxRows - 1) / maxRows);
    QCOMPARE(g.colStep, (cols + maxCols - 1) / maxCols);
    std::int64_t covered = 0;
    for (int br = 0; br < g.rows; ++br)
        for (int bc = 0; bc < g.cols; ++bc) {
            double sum = 0, low = INFINITY, high = -INFINITY;
            std::int64_t n = 0;
            for (std::int64_t r = br * g.rowStep; r < std::min(rows, (br + 1) * g.rowStep); ++r)
                for (std::int64_t c = bc * g.colStep; c < std::min(cols, (bc + 1) * g.colStep);
                     ++c) {
                    ++covered;
                    const std::int64_t i = r * cols + c;
                    if (keep.at(i) < 0 || !std::isfinite(x.at(i))) continue;
                    sum += x.at(i);
                    low = std::min(low, x.at(i));
                    high = std::max(high, x.at(i));
                    ++n;
                }
            const std::size_t k = g.cell(br, bc);
            QCOMPARE(g.count[k], n);
            if (!n) {
                QVERIFY(std::isnan(g.mean[k]) && std::isnan(g.min[k]) && std::isnan(g.max[k]));
                continue;
            }
            QVERIFY(std::fabs(g.mean[k] - sum / double(n)) <= 1e-12 * (1 + std::fabs(sum)));
            QCOMPARE(g.min[k], low);
            QCOMPARE(g.max[k], high);
        }
    QCOMPARE(covered, x.size()); // the blocks tile the grid exactly
    // The same elements kept by a validity mask (uint8, 0 = masked out): the same summary.
    Tensor valid = Tensor::uninitialized(s, DType::UInt8);
    for (std::int64_t i = 0; i < x.size(); ++i) valid.set(i, keep.at(i) >= 0);
    const GridSummary m = summarizeGrid(x, &valid, maxRows, maxCols);
    QCOMPARE(m.count, g.count);
    for (std::size_t k = 0; k < g.mean.size(); ++k)
        QVERIFY((std::isnan(g.mean[k]) && std::isnan(m.mean[k])) ||
                (m.mean[k] == g.mean[k] && m.min[k] == g.min[k] && m.max[k] == g.max[k]));
}

void GridSummaryTest::smallGridIsCellByCell() {
    const Tensor x = Tensor::fromValues({1, 2, 3}, DType::Float32, {1, 2, 3, 4, 5, 6});
    const GridSummary g = summarizeGrid(x, nullptr, 100, 100);
    QCOMPARE(g.rows, 2);
    QCOMPARE(g.cols, 3);
    QCOMPARE(g.rowStep, std::int64_t(1));
    QCOMPARE(g.mean, (std::vector<double>{1, 2, 3, 4, 5, 6}));
}

// A window of the grid (a zoomed-in heatmap): every block against its source cells, which
// start at the window's corner; windows past the grid's end are cut to it.
void GridSummaryTest::windowsAgainstDirectComputation() {
    const Shape s{3, 4, 50}; // 12 x 50
    std::mt19937_64 rng(5);
    std::normal_distribution<double> normal;
    Tensor x = Tensor::uninitialized(s, DType::Float64);
    for (std::int64_t i = 0; i < x.size(); ++i) x.set(i, normal(rng));
    struct Window {
        std::int64_t r0, r1, c0, c1;
        int maxRows, maxCols;
    };
    for (const Window w : {Window{2, 9, 7, 40, 3, 5}, Window{0, 12, 0, 50, 12, 50},
                           Window{5, 6, 13, 14, 4, 4}, Window{10, 99, 45, 99, 2, 2}}) {
        const GridBlocks b = gridWindowBlocks(s, w.r0, w.r1, w.c0, w.c1, w.maxRows, w.maxCols);
        const std::int64_t r1 = std::min<std::int64_t>(w.r1, 12),
                           c1 = std::min<std::int64_t>(w.c1, 50);
        QCOMPARE(b.firstRow, w.r0);
        QCOMPARE(b.firstCol, w.c0);
        QCOMPARE(b.rowStep, (r1 - w.r0 + w.maxRows - 1) / w.maxRows);
        QCOMPARE(b.colStep, (c1 - w.c0 + w.maxCols - 1) / w.maxCols);
        const GridSummary g = summarizeGrid(x, nullptr, b);
        std::int64_t covered = 0;
        for (int br = 0; br < g.rows; ++br)
            for (int bc = 0; bc < g.cols; ++bc) {
                double sum = 0, low = INFINITY, high = -INFINITY;
                std::int64_t n = 0;
                for (std::int64_t r = w.r0 + br * b.rowStep;
                     r < std::min(r1, w.r0 + (br + 1) * b.rowStep); ++r)
                    for (std::int64_t c = w.c0 + bc * b.colStep;
                         c < std::min(c1, w.c0 + (bc + 1) * b.colStep); ++c) {
                        const double v = x.at(r * 50 + c);
                        sum += v;
                        low = std::min(low, v);
                        high = std::max(high, v);
                        ++n;
                    }
                covered += n;
                const std::size_t k = g.cell(br, bc);
                QCOMPARE(g.count[k], n);
                QVERIFY(std::fabs(g.mean[k] - sum / double(n)) <= 1e-12 * (1 + std::fabs(sum)));
                QCOMPARE(g.min[k], low);
                QCOMPARE(g.max[k], high);
            }
        QCOMPARE(covered, (r1 - w.r0) * (c1 - w.c0)); // the blocks tile the window exactly
    }
    QCOMPARE(gridWindowBlocks(s, 4, 4, 0, 50, 3, 3).rows, 0); // an empty window
    // Blocks of another grid are refused, not read out of bounds.
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             summarizeGrid(x, nullptr, gridBlocks({40, 50}, 4, 4)));
}

void GridSummaryTest::rejectsBadArguments() {
    const Tensor x = Tensor::zeros({2, 3}, DType::Float32);
    const Tensor wrong = Tensor::zeros({3, 2}, DType::Int64);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, summarizeGrid(x, &wrong, 4, 4));
    const Tensor floats = Tensor::zeros({2, 3}, DType::Float32); // neither a map nor a mask
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, summarizeGrid(x, &floats, 4, 4));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, summarizeGrid(x, nullptr, 0, 4));
    QCOMPARE(summarizeGrid(Tensor::zeros({0, 3}, DType::Float32), nullptr, 4, 4).rows, 0);
}

// Histogram bins and the finite range of the kept values, counted here value by value.
void GridSummaryTest::rangeAndHistogramAgainstDirectCount() {
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal(-1.0, 3.0);
    Tensor x = Tensor::uninitialized({4, 3, 50}, DType::Float32);
    Tensor keep = Tensor::uninitialized(x.shape(), DType::Int64);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        x.set(i, normal(rng));
        keep.set(i, i % 7 == 3 ? -1 : 1);
    }
    x.set(5, -std::numeric_limits<double>::infinity());
    x.set(10, 1e30); // kept: sets the range
    double low = INFINITY, high = -INFINITY;
    for (std::int64_t i = 0; i < x.size(); ++i)
        if (keep.at(i) >= 0 && std::isfinite(x.at(i))) {
            low = std::min(low, x.at(i));
            high = std::max(high, x.at(i));
        }
    const auto range = finiteRangeOf(x, &keep);
    QVERIFY(range);
    QCOMPARE(range->low, low);
    QCOMPARE(range->high, high);

    // Bins over [-4, 2]: values outside land in the end bins.
    const int bins = 12;
    std::vector<double> expected(bins, 0.0);
    for (std::int64_t i = 0; i < x.size(); ++i) {
        if (keep.at(i) < 0 || !std::isfinite(x.at(i))) continue;
        const double v = x.at(i);
        int b = 0;
        while (b < bins - 1 && v >= -4.0 + 0.5 * (b + 1)) ++b; // bins of width 0.5
        expected[std::size_t(b)] += 1;
    }
    QCOMPARE(histogramCounts(x, &keep, -4.0, 2.0, bins), expected);
    Tensor valid = Tensor::uninitialized(x.shape(), DType::Bool); // the same, as a mask
    for (std::int64_t i = 0; i < x.size(); ++i) valid.set(i, keep.at(i) >= 0);
    QCOMPARE(histogramCounts(x, &valid, -4.0, 2.0, bins), expected);
    QCOMPARE(finiteRangeOf(x, &valid)->low, low);
    QCOMPARE(finiteRangeOf(x, &valid)->high, high);
    // Values whose bin index overflows any integer (a quotient of 1e300 / 1e-300, infinite)
    // fall into the last bin, as the most negative ones into the first.
    const Tensor extremes =
        Tensor::fromValues({4}, DType::Float64, {1e300, -1e300, 0.5e-300, -0.0});
    QCOMPARE(histogramCounts(extremes, nullptr, 0.0, 1e-300, 2),
             (std::vector<double>{2, 2})); // -1e300 and -0 first; 1e300 and 0.5e-300 last
    // Nothing kept: no range.
    const Tensor none = Tensor::filled(x.shape(), DType::Int64, -1);
    QVERIFY(!finiteRangeOf(x, &none));
}

QTEST_GUILESS_MAIN(GridSummaryTest)
#include "tst_grid_summary.moc"
