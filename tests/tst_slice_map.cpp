// sliceIndexMap (which elements share a mean/variance) against the index formula of each
// variant, and the input generators against their definitions.
#include "normlab/generators.h"
#include "normlab/gradient_check.h"
#include "normlab/grid_summary.h"
#include "normlab/normalize.h"
#include "normlab/slice_indexer.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace normlab;

namespace {

Tensor sliceMap(NormSpec spec, const Shape& shape, Tensor lengths = {}) {
    NormInputs in;
    in.input = Tensor::zeros(shape, DType::Float32);
    in.lengths = std::move(lengths);
    std::string error;
    Tensor t = sliceIndexMap(spec, in, 0, &error);
    if (t.isNull()) qWarning("%s", error.c_str());
    return t;
}

NormSpec specOf(Variant v) {
    return NormSpec::defaultsFor(v);
}

} // namespace

class SliceMapTest : public QObject {
    Q_OBJECT
  private slots:
    void matchesIndexFormulas();
    void masksOutPadding();
    void indexerAgreesWithTheMaps();
    void reportsInvalidConfiguration();
    void generatorsFollowTheirDefinitions();
    void generatorRejectsBadShapes();
    void randomInputsAreDrawnInSeededChunks();
    void upstreamGradientsFollowTheirLosses();
    void gradientCheckPassesCorrectAndCatchesWrongGradients();
};

void SliceMapTest::matchesIndexFormulas() {
    const std::int64_t N = 2, C = 4, H = 2, W = 3;
    NormSpec gn = specOf(Variant::GroupNorm);
    gn.numGroups = 2;
    NormSpec ln = specOf(Variant::LayerNorm);
    ln.normalizedShape = {H, W};
    NormSpec custom = specOf(Variant::Custom);
    custom.reduceAxes = {1, 2};
    custom.numGroups = 2; // permuted layout: kept (N, G, W)
    struct Row {
        NormSpec spec;
        std::function<std::int64_t(std::int64_t, std::int64_t, std::int64_t, std::int64_t)> slice;
    };
    const std::vector<Row> rows = {
        {specOf(Variant::BatchNorm), [](auto, auto c, auto, auto) { return c; }},
        {specOf(Variant::InstanceNorm), [&](auto n, auto c, auto, auto) { return n * C + c; }},
        {gn, [&](auto n, auto c, auto, auto) { return n * 2 + c / 2; }},
        {ln, [&](auto n, auto c, auto, auto) { return n * C + c; }},
        {custom, [&](auto n, auto c, auto, auto w) { return (n * 2 + c / 2) * W + w; }},
    };
    for (const Row& row : rows) {
        // The map and the indexer (element by element), both against the formula.
        const Tensor map = sliceMap(row.spec, {N, C, H, W});
        QVERIFY(!map.isNull());
        NormInputs in;
        in.input = Tensor::zeros({N, C, H, W}, DType::Float32);
        const SliceIndexer indexer(row.spec, in);
        QVERIFY(indexer.valid());
        QVERIFY(!indexer.keep());
        for (std::int64_t n = 0; n < N; ++n)
            for (std::int64_t c = 0; c < C; ++c)
                for (std::int64_t h = 0; h < H; ++h)
                    for (std::int64_t w = 0; w < W; ++w) {
                        const std::int64_t e = ((n * C + c) * H + h) * W + w;
                        QCOMPARE(map.at(e), double(row.slice(n, c, h, w)));
                        QCOMPARE(indexer.sliceOf(e), row.slice(n, c, h, w));
                    }
    }
}

void SliceMapTest::masksOutPadding() {
    const Tensor map = sliceMap(specOf(Variant::InstanceNorm), {2, 1, 4},
                                Tensor::fromValues({2}, DType::Int64, {3, 1}));
    const std::vector<double> expected = {0, 0, 0, -1, 1, -1, -1, -1};
    QCOMPARE(map.toVector(), expected);
}

// Every variant, permuted custom layouts, both stages of Batch-Channel Norm, lengths and a
// painted mask: the indexer gives every element the slice and parameter of the maps.
void SliceMapTest::indexerAgreesWithTheMaps() {
    const Shape shape = {3, 4, 5, 2};
    std::vector<std::pair<NormSpec, int>> cases; // (spec, stage)
    for (Variant v : kAllVariants) {
        NormSpec spec = specOf(v);
        if (v == Variant::LayerNorm || v == Variant::RmsNorm) spec.normalizedShape = {5, 2};
        if (v == Variant::GroupNorm || v == Variant::BatchChannelNorm) spec.numGroups = 2;
        cases.push_back({spec, 0});
        if (v == Variant::BatchChannelNorm) cases.push_back({spec, 1});
    }
    for (std::vector<int> axes : {std::vector<int>{0, 2}, {1, 3}, {0, 1, 3}, {2}}) {
        NormSpec custom = specOf(Variant::Custom);
        custom.reduceAxes = axes;
        cases.push_back({custom, 0});
        custom.numGroups = 2; // channel groups: a permuted layout
        cases.push_back({custom, 0});
    }
    Tensor painted = Tensor::zeros(shape, DType::UInt8);
    for (std::int64_t i = 0; i < painted.size(); ++i) painted.set(i, (i * 7) % 5 != 0);
    for (int masking = 0; masking < 3; ++masking) {
        for (const auto& [spec, stage] : cases) {
            NormInputs in;
            in.input = Tensor::zeros(shape, DType::Float32);
            if (masking == 1) in.lengths = Tensor::fromValues({3}, DType::Int64, {2, 1, 2});
            if (masking == 2) in.mask = painted;
            std::string error;
            const Tensor slices = sliceIndexMap(spec, in, stage, &error);
            const SliceIndexer indexer(spec, in, stage, &error);
            QCOMPARE(indexer.valid(), !slices.isNull());
            if (slices.isNull()) continue; // e.g. a stage BatchNorm does not have
            const Tensor params = parameterIndexMap(spec, in, stage);
            QCOMPARE(bool(indexer.keep()), masking != 0);
            for (std::int64_t e = 0; e < slices.size(); ++e) {
                QCOMPARE(indexer.sliceOf(e), std::int64_t(slices.at(e)));
                QCOMPARE(indexer.kept(e), slices.at(e) >= 0);
                if (indexer.keep()) QCOMPARE(indexer.keep()->at(e) != 0, slices.at(e) >= 0);
                if (slices.at(e) >= 0) QCOMPARE(indexer.parameterOf(e), std::int64_t(params.at(e)));
            }
            // The Slices view's cells: each block's centre element's slice, as in the map
            // (the grid is 12 x 10: blocks of 4 x 3 cells, and of one; and a zoomed-in
            // window, rows 5 to 11 and columns 2 to 8, in blocks of 4 x 2).
            for (const GridBlocks& b : {gridBlocks(shape, 3, 4), gridBlocks(shape, 50, 50),
                                        gridWindowBlocks(shape, 5, 11, 2, 8, 2, 3)}) {
                const std::vector<std::int64_t> ids = sliceOfBlockCentres(indexer, b);
                QCOMPARE(ids.size(), std::size_t(b.rows * b.cols));
                const std::int64_t endRow = b.firstRow ? 11 : 12, endCol = b.firstCol ? 8 : 10;
                for (int r = 0; r < b.rows; ++r)
                    for (int c = 0; c < b.cols; ++c) {
                        const std::int64_t row = std::min<std::int64_t>(
                            b.firstRow + r * b.rowStep + b.rowStep / 2, endRow - 1);
                        const std::int64_t col = std::min<std::int64_t>(
                            b.firstCol + c * b.colStep + b.colStep / 2, endCol - 1);
                        QCOMPARE(ids[std::size_t(r * b.cols + c)],
                                 std::int64_t(slices.at(row * 10 + col)));
                    }
            }
        }
    }
}

void SliceMapTest::reportsInvalidConfiguration() {
    NormSpec ln = specOf(Variant::LayerNorm);
    ln.normalizedShape = {5};
    NormInputs in;
    in.input = Tensor::zeros({2, 4}, DType::Float32);
    std::string error;
    QVERIFY(sliceIndexMap(ln, in, 0, &error).isNull());
    QVERIFY(error.find("Given normalized_shape=[5]") != std::string::npos);
}

void SliceMapTest::generatorsFollowTheirDefinitions() {
    InputRecipe r;
    r.shape = {2, 3, 5};
    r.seed = 42;
    const Tensor a = generateInput(r), b = generateInput(r);
    QCOMPARE(a.toVector(), b.toVector()); // deterministic for a seed
    r.seed = 43;
    QVERIFY(generateInput(r).toVector() != a.toVector());

    r.generator = Generator::Constant;
    r.mean = 2.5;
    for (double v : generateInput(r).toVector()) QCOMPARE(v, 2.5);

    r.generator = Generator::Ramp;
    r.mean = 1.0;
    r.spread = 3.0;
    const Tensor ramp = generateInput(r);
    QCOMPARE(ramp.at(0), -2.0);
    QCOMPARE(ramp.at(ramp.size() - 1), 4.0);

    r.generator = Generator::Checkerboard;
    r.mean = 0;
    r.spread = 1;
    const Tensor board = generateInput(r);
    QCOMPARE(board.at(0), -1.0); // (0,0,0): even
    QCOMPARE(board.at(1), 1.0);  // (0,0,1): odd
    QCOMPARE(board.at(5), 1.0);  // (0,1,0): odd

    r.generator = Generator::Outliers;
    r.shape = {4, 10, 50};
    int far = 0;
    for (double v : generateInput(r).toVector()) far += v == 20.0;
    QVERIFY(far >= 1 && far <= 20); // 1% of 2000, collisions allowed

    r.generator = Generator::SinePerChannel;
    r.shape = {1, 2, 8};
    const Tensor sine = generateInput(r);
    QVERIFY(std::fabs(sine.at(2) - 1.0) < 1e-6);     // channel 0: sin(2 pi * 2/8)
    QVERIFY(std::fabs(sine.at(8 + 2) - 0.0) < 1e-6); // channel 1: sin(2 pi * 2 * 2/8)
}

// Random inputs are drawn in chunks of 2^20 elements in parallel: up to one chunk they are
// the sequential draw of one engine seeded with the seed (the tensors of sessions saved
// before), larger ones start with that draw and go on from engines of their own; the same
// recipe gives the same tensor; a cancelled draw gives nothing.
void SliceMapTest::randomInputsAreDrawnInSeededChunks() {
    constexpr std::int64_t kChunk = std::int64_t(1) << 20;
    std::mt19937_64 engine(9);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<float> sequential(kChunk);
    for (float& v : sequential) v = float(0.5 + 2.0 * normal(engine));
    InputRecipe r;
    r.seed = 9;
    r.mean = 0.5;
    r.spread = 2.0;
    r.shape = {4, 8, 1000};
    const Tensor small = generateInput(r);
    for (std::int64_t i = 0; i < small.size(); ++i)
        QCOMPARE(small.data<float>()[i], sequential[std::size_t(i)]);
    r.shape = {3, 2, kChunk / 2 + 3}; // three chunks and a bit
    const Tensor large = generateInput(r), again = generateInput(r);
    QVERIFY(std::memcmp(large.raw(), again.raw(), large.byteSize()) == 0);
    QVERIFY(std::memcmp(large.raw(), sequential.data(), kChunk * sizeof(float)) == 0);
    double sum = 0, squares = 0;
    for (std::int64_t i = kChunk; i < large.size(); ++i) {
        const double v = large.data<float>()[i];
        sum += v;
        squares += v * v;
    }
    const double count = double(large.size() - kChunk), mean = sum / count;
    QVERIFY2(std::fabs(mean - 0.5) < 0.01, qPrintable(QString::number(mean)));
    QVERIFY(std::fabs(std::sqrt(squares / count - mean * mean) - 2.0) < 0.01);
    // Each chunk draws from its own engine: chunk 1 does not repeat chunk 0.
    QVERIFY(std::memcmp(large.data<float>() + kChunk, large.data<float>(), 64) != 0);
    // The random upstream gradient likewise.
    const Tensor dy = upstreamGradient(Upstream::Random, small, {}, 9);
    std::mt19937_64 dyEngine(9);
    std::normal_distribution<double> dyNormal(0.0, 1.0);
    for (std::int64_t i = 0; i < dy.size(); ++i)
        QCOMPARE(dy.data<float>()[i], float(dyNormal(dyEngine)));
    const std::atomic<bool> cancelled{true};
    std::string error;
    QVERIFY(generateInput(r, &error, &cancelled).isNull());
    QCOMPARE(error, std::string("cancelled"));
    QVERIFY(upstreamGradient(Upstream::Random, large, {}, 9, 0, &cancelled).isNull());
}

void SliceMapTest::generatorRejectsBadShapes() {
    InputRecipe r;
    std::string error;
    r.shape = {100000, 100000, 1000};
    QVERIFY(generateInput(r, &error).isNull());
    QVERIFY(error.find("elements") != std::string::npos);
    r.shape = {3, 0};
    QVERIFY(generateInput(r, &error).isNull());
    r.shape = {};
    QVERIFY(generateInput(r, &error).isNull());
}

void SliceMapTest::upstreamGradientsFollowTheirLosses() {
    const Tensor x = Tensor::filled({2, 3, 2}, DType::Float32, 0.0);
    const Tensor y =
        Tensor::fromValues({2, 3, 2}, DType::Float32, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    for (double v : upstreamGradient(Upstream::Ones, x, y).toVector()) QCOMPARE(v, 1.0);
    const std::vector<double> channel1 = {0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0};
    QCOMPARE(upstreamGradient(Upstream::Channel, x, y, 1, 1).toVector(), channel1);
    const Tensor mse = upstreamGradient(Upstream::Mse, x, y); // d mean(y^2) / dy = 2y/12
    for (std::int64_t i = 0; i < 12; ++i)
        QVERIFY(std::fabs(mse.at(i) - 2.0 * y.at(i) / 12.0) < 1e-7);
    QCOMPARE(upstreamGradient(Upstream::Random, x, y, 5).toVector(),
             upstreamGradient(Upstream::Random, x, y, 5).toVector());
}

void SliceMapTest::gradientCheckPassesCorrectAndCatchesWrongGradients() {
    NormSpec spec = specOf(Variant::GroupNorm);
    spec.numGroups = 2;
    InputRecipe recipe;
    recipe.shape = {3, 4, 5};
    NormInputs in;
    in.input = generateInput(recipe);
    in.gradOutput = upstreamGradient(Upstream::Random, in.input, {}, 3);
    NormResult r = normalize(spec, in, cpuBackend());
    const GradientCheck good = checkGradient(spec, in, r, cpuBackend(), 8);
    QCOMPARE(good.checked, 8);
    QVERIFY2(good.maxRelError < 1e-5, qPrintable(QString::number(good.maxRelError)));
    for (std::int64_t i = 0; i < r.gradInput.size(); ++i)
        r.gradInput.set(i, r.gradInput.at(i) * 1.1 + 0.01);
    QVERIFY(checkGradient(spec, in, r, cpuBackend(), 8).maxAbsError > 1e-3);
}

QTEST_GUILESS_MAIN(SliceMapTest)
#include "tst_slice_map.moc"
