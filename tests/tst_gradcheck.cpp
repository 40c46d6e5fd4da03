// Gradients against central finite differences in float64, for every variant, masked
// ones and Batch-Channel Norm included. The loss is L = sum(dy * y) for a random dy, so
// dL/dx must equal grad_input (and likewise for the affine parameters).
// Step h = 1e-6; |analytic - numeric| <= 2e-6 * (1 + |numeric|).
#include "normlab/normalize.h"

#include "random_tensor.h"

#include <QtTest>

#include <functional>
#include <random>

using namespace normlab;

namespace {

double loss(const NormSpec& spec, const NormInputs& inputs) {
    NormInputs forwardOnly = inputs;
    forwardOnly.gradOutput = Tensor();
    const NormResult r = normalize(spec, forwardOnly, cpuBackend(), RunOptions{false});
    if (!r.ok()) qFatal("forward failed: %s", r.error.c_str());
    double sum = 0;
    for (std::int64_t i = 0; i < r.output.size(); ++i)
        sum += inputs.gradOutput.at(i) * r.output.at(i);
    return sum;
}

struct GradCase {
    NormSpec spec;
    Shape shape;
    std::vector<std::int64_t> lengths;
    bool randomMask = false;
};

} // namespace

Q_DECLARE_METATYPE(GradCase)

class GradCheckTest : public QObject {
    Q_OBJECT
  private slots:
    void matchesFiniteDifferences_data();
    void matchesFiniteDifferences();
};

void GradCheckTest::matchesFiniteDifferences_data() {
    QTest::addColumn<GradCase>("gradCase");
    auto spec = [](Variant v, auto&& tweak) {
        NormSpec s = NormSpec::defaultsFor(v);
        s.dtype = DType::Float64;
        tweak(s);
        return s;
    };
    auto none = [](NormSpec&) {};
    QTest::newRow("batch_norm train rank 3") << GradCase{spec(Variant::BatchNorm, none), {3, 2, 4}};
    QTest::newRow("batch_norm train rank 2") << GradCase{spec(Variant::BatchNorm, none), {5, 3}};
    QTest::newRow("batch_norm eval tracked (constant stats)") << GradCase{
        spec(Variant::BatchNorm, [](NormSpec& s) { s.training = false; }), {2, 3, 2, 2}};
    QTest::newRow("batch_norm eval untracked (batch stats)")
        << GradCase{spec(Variant::BatchNorm,
                         [](NormSpec& s) {
                             s.training = false;
                             s.trackRunningStats = false;
                         }),
                    {3, 2, 3}};
    QTest::newRow("instance_norm affine rank 4") << GradCase{
        spec(Variant::InstanceNorm, [](NormSpec& s) { s.affine = true; }), {2, 2, 2, 3}};
    QTest::newRow("instance_norm eval tracked") << GradCase{spec(Variant::InstanceNorm,
                                                                 [](NormSpec& s) {
                                                                     s.affine = true;
                                                                     s.trackRunningStats = true;
                                                                     s.training = false;
                                                                 }),
                                                            {2, 2, 4}};
    QTest::newRow("layer_norm last two dims") << GradCase{spec(Variant::LayerNorm,
                                                               [](NormSpec& s) {
                                                                   s.normalizedShape = {2, 3};
                                                               }),
                                                          {2, 2, 3}};
    QTest::newRow("layer_norm whole tensor") << GradCase{spec(Variant::LayerNorm,
                                                              [](NormSpec& s) {
                                                                  s.normalizedShape = {3, 4};
                                                              }),
                                                         {3, 4}};
    QTest::newRow("group_norm rank 4")
        << GradCase{spec(Variant::GroupNorm, [](NormSpec& s) { s.numGroups = 2; }), {2, 4, 2, 2}};
    QTest::newRow("rms_norm affine") << GradCase{spec(Variant::RmsNorm,
                                                      [](NormSpec& s) {
                                                          s.normalizedShape = {5};
                                                          s.eps = 1e-5;
                                                      }),
                                                 {3, 5}};
    QTest::newRow("rms_norm no affine, eps null") << GradCase{spec(Variant::RmsNorm,
                                                                   [](NormSpec& s) {
                                                                       s.normalizedShape = {2, 3};
                                                                       s.affine = false;
                                                                   }),
                                                              {2, 2, 3}};
    QTest::newRow("batch_channel_norm estimate, momentum 0") // estimates constant, as under no_grad
        << GradCase{spec(Variant::BatchChannelNorm,
                         [](NormSpec& s) {
                             s.numGroups = 2;
                             s.momentum = 0.0;
                         }),
                    {2, 4, 3}};
    QTest::newRow("batch_channel_norm batch stage") << GradCase{spec(Variant::BatchChannelNorm,
                                                                     [](NormSpec& s) {
                                                                         s.numGroups = 2;
                                                                         s.estimate = false;
                                                                     }),
                                                                {3, 4, 2}};
    QTest::newRow("batch_channel_norm eval") << GradCase{spec(Variant::BatchChannelNorm,
                                                              [](NormSpec& s) {
                                                                  s.numGroups = 1;
                                                                  s.training = false;
                                                              }),
                                                         {2, 2, 3}};
    QTest::newRow("custom channels only (permuted layout)")
        << GradCase{spec(Variant::Custom, [](NormSpec& s) { s.reduceAxes = {1}; }), {2, 3, 4}};
    QTest::newRow("custom groups over C and H (permuted)")
        << GradCase{spec(Variant::Custom,
                         [](NormSpec& s) {
                             s.reduceAxes = {1, 2};
                             s.numGroups = 2;
                         }),
                    {2, 4, 2, 3}};
    QTest::newRow("masked instance_norm lengths 4,0,1") << GradCase{
        spec(Variant::InstanceNorm, [](NormSpec& s) { s.affine = true; }), {3, 2, 4}, {4, 0, 1}};
    QTest::newRow("masked batch_norm lengths")
        << GradCase{spec(Variant::BatchNorm, none), {3, 2, 4}, {3, 1, 4}};
    QTest::newRow("masked group_norm lengths rank 4") << GradCase{
        spec(Variant::GroupNorm, [](NormSpec& s) { s.numGroups = 2; }), {2, 4, 2, 3}, {2, 3}};
    QTest::newRow("masked layer_norm lengths (mask path)") << GradCase{
        spec(Variant::LayerNorm, [](NormSpec& s) { s.normalizedShape = {5}; }), {2, 2, 5}, {3, 5}};
    QTest::newRow("masked rms_norm random mask") << GradCase{spec(Variant::RmsNorm,
                                                                  [](NormSpec& s) {
                                                                      s.normalizedShape = {4};
                                                                      s.eps = 1e-6;
                                                                  }),
                                                             {3, 2, 4},
                                                             {},
                                                             true};
    QTest::newRow("masked custom lengths") << GradCase{spec(Variant::Custom,
                                                            [](NormSpec& s) {
                                                                s.reduceAxes = {0, 2};
                                                            }),
                                                       {3, 2, 4},
                                                       {4, 2, 3}};
    QTest::newRow("masked batch_channel_norm lengths") << GradCase{spec(Variant::BatchChannelNorm,
                                                                        [](NormSpec& s) {
                                                                            s.numGroups = 2;
                                                                            s.estimate = false;
                                                                        }),
                                                                   {3, 4, 3},
                                                                   {3, 2, 1}};
}

void GradCheckTest::matchesFiniteDifferences() {
    QFETCH(GradCase, gradCase);
    std::mt19937_64 rng(7);
    const NormSpec& spec = gradCase.spec;
    NormInputs inputs;
    inputs.input = randomTensor(gradCase.shape, rng, 0.5, 1.5);
    inputs.gradOutput = randomTensor(gradCase.shape, rng);
    if (!gradCase.lengths.empty()) {
        inputs.lengths =
            Tensor::uninitialized({std::int64_t(gradCase.lengths.size())}, DType::Int64);
        for (std::size_t i = 0; i < gradCase.lengths.size(); ++i)
            inputs.lengths.set(std::int64_t(i), double(gradCase.lengths[i]));
    }
    if (gradCase.randomMask) {
        inputs.mask = Tensor::uninitialized(gradCase.shape, DType::Bool);
        std::bernoulli_distribution keep(0.6);
        for (std::int64_t i = 0; i < inputs.mask.size(); ++i) inputs.mask.set(i, keep(rng));
    }
    // Parameter shapes come from a first run; then give them random values.
    const NormResult shapes = normalize(spec, inputs, cpuBackend());
    QVERIFY2(shapes.ok(), shapes.error.c_str());
    if (spec.affine) {
        inputs.weight = randomTensor(shapes.gradWeight.shape(), rng, 1.0, 0.3);
        if (!shapes.gradBias.isNull())
            inputs.bias = randomTensor(shapes.gradBias.shape(), rng, 0.0, 0.3);
        if (!shapes.gradChannelWeight.isNull()) {
            inputs.channelWeight = randomTensor(shapes.gradChannelWeight.shape(), rng, 1.0, 0.3);
            inputs.channelBias = randomTensor(shapes.gradChannelBias.shape(), rng, 0.0, 0.3);
        }
    }
    if (shapes.tracksRunningStats) {
        inputs.runningMean = randomTensor(shapes.runningMean.shape(), rng, 0.2, 0.3);
        inputs.runningVar = randomTensor(shapes.runningVar.shape(), rng, 1.0, 0.0);
        for (std::int64_t i = 0; i < inputs.runningVar.size(); ++i)
            inputs.runningVar.set(i, 0.5 + 0.1 * double(i));
    }
    const NormResult analytic = normalize(spec, inputs, cpuBackend());
    QVERIFY2(analytic.ok(), analytic.error.c_str());

    const double h = 1e-6;
    auto check = [&](Tensor NormInputs::*which, const Tensor& gradient, const char* name) {
        QVERIFY2(!gradient.isNull(), name);
        Tensor& t = inputs.*which;
        for (std::int64_t i = 0; i < t.size(); ++i) {
            const double keep = t.at(i);
            t.set(i, keep + h);
            const double up = loss(spec, inputs);
            t.set(i, keep - h);
            const double down = loss(spec, inputs);
            t.set(i, keep);
            const double numeric = (up - down) / (2 * h);
            QVERIFY2(std::fabs(gradient.at(i) - numeric) <= 2e-6 * (1 + std::fabs(numeric)),
                     qPrintable(QString("%1[%2]: analytic %3, numeric %4")
                                    .arg(name)
                                    .arg(i)
                                    .arg(gradient.at(i), 0, 'g', 12)
                                    .arg(numeric, 0, 'g', 12)));
        }
    };
    check(&NormInputs::input, analytic.gradInput, "grad_input");
    if (spec.affine) {
        check(&NormInputs::weight, analytic.gradWeight, "grad_weight");
        if (!analytic.gradBias.isNull()) check(&NormInputs::bias, analytic.gradBias, "grad_bias");
        if (!analytic.gradChannelWeight.isNull()) {
            check(&NormInputs::channelWeight, analytic.gradChannelWeight, "grad_channel_weight");
            check(&NormInputs::channelBias, analytic.gradChannelBias, "grad_channel_bias");
        }
    }
}

QTEST_GUILESS_MAIN(GradCheckTest)
#include "tst_gradcheck.moc"
