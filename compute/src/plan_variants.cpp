// The built-in variants' plans: PyTorch's rank and shape checks with its messages, and each
// variant's slice layout (BatchNorm, InstanceNorm, LayerNorm and RMSNorm, GroupNorm, and
// Batch-Channel Norm's two stages).
#include "plan_checker.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace normlab::detail {

namespace {

Stage batchNormStage(const Shape& shape) {
    Stage s;
    const std::int64_t N = shape[0], C = shape[1];
    s.layout.outer = N;
    s.layout.slices = C;
    s.layout.span = product(shape, 2, shape.size());
    s.layout.paramMod = C;
    s.layout.batch = N;
    s.layout.batchPlace = BatchPlace::Outer;
    s.statsShape = {C};
    s.paramShape = {C};
    s.runningShape = {C};
    setPrefix(s, shape, shape.size() >= 3);
    return s;
}

// GroupNorm-shaped stage: slices (n, g); perChannelParams: parameters per channel
// (GroupNorm) or per group (batch_channel_norm's channel stage).
Stage groupStage(const Shape& shape, std::int64_t groups, bool perChannelParams) {
    Stage s;
    const std::int64_t N = shape[0], C = shape[1];
    s.layout.slices = N * groups;
    s.layout.paramInner = perChannelParams ? C / groups : 1;
    s.layout.span = (perChannelParams ? 1 : C / groups) * product(shape, 2, shape.size());
    s.layout.paramMod = groups;
    s.layout.batch = N;
    s.layout.batchPlace = BatchPlace::Slices;
    s.statsShape = {N, groups};
    s.paramShape = {perChannelParams ? C : groups};
    setPrefix(s, shape, shape.size() >= 3);
    return s;
}

} // namespace

bool planBatchNorm(Checker& c, StagePlan& sp) {
    const NormSpec& spec = c.spec;
    if (c.rank < 2)
        return c.fail(ConfigError::WrongRank, PyException::ValueError,
                      rankError("2D or 3D", c.rank));
    // F.batch_norm checks the size whenever it uses batch statistics: in training, and in
    // eval without running statistics (the module then passes training=True).
    const bool useBatchStats = spec.training || !spec.trackRunningStats;
    if (useBatchStats && !c.masked && c.batch() * c.spatial() == 1)
        return c.fail(ConfigError::BatchOfOne, PyException::ValueError,
                      "Expected more than 1 value per channel when training, got input size " +
                          shapeToString(c.shape));
    const std::int64_t nf = spec.numFeatures.value_or(c.channels());
    if (nf != c.channels()) {
        if (spec.trackRunningStats)
            return c.fail(ConfigError::NumFeaturesMismatch, PyException::RuntimeError,
                          "running_mean should contain " + num(c.channels()) + " elements not " +
                              num(nf));
        if (spec.affine)
            return c.fail(ConfigError::NumFeaturesMismatch, PyException::RuntimeError,
                          "weight should contain " + num(c.channels()) + " elements not " +
                              num(nf));
        c.mismatchWarning(nf, "BatchNorm");
    }
    sp.stage = batchNormStage(c.shape);
    sp.source = useBatchStats ? StatsSource::Batch : StatsSource::Running;
    sp.updatesRunning = spec.training && spec.trackRunningStats;
    return true;
}

bool planInstanceNorm(Checker& c, StagePlan& sp) {
    const NormSpec& spec = c.spec;
    if (c.rank < 3)
        return c.fail(ConfigError::WrongRank, PyException::ValueError,
                      rankError("3D, 4D or 5D", c.rank));
    const std::int64_t nf = spec.numFeatures.value_or(c.channels());
    if (nf != c.channels()) {
        if (spec.affine)
            return c.fail(ConfigError::NumFeaturesMismatch, PyException::ValueError,
                          "expected input's size at dim=1 to match num_features (" + num(nf) +
                              "), but got: " + num(c.channels()) + ".");
        c.mismatchWarning(nf, "InstanceNorm");
    }
    const bool useInputStats = spec.training || !spec.trackRunningStats;
    if (useInputStats && !c.masked && c.spatial() == 1)
        return c.fail(ConfigError::SingleSpatialElement, PyException::ValueError,
                      "Expected more than 1 spatial element when training, got input size " +
                          shapeToString(c.shape));
    if (nf != c.channels() && spec.trackRunningStats)
        // PyTorch repeats running_mean N times and feeds [1, N*C, ...] to batch_norm.
        return c.fail(ConfigError::NumFeaturesMismatch, PyException::RuntimeError,
                      "running_mean should contain " + num(c.batch() * c.channels()) +
                          " elements not " + num(c.batch() * nf));
    Stage& s = sp.stage;
    const std::int64_t N = c.batch(), C = c.channels();
    s.layout.slices = N * C;
    s.layout.span = c.spatial();
    s.layout.paramMod = C;
    s.layout.batch = N;
    s.layout.batchPlace = BatchPlace::Slices;
    s.statsShape = {N, C};
    s.paramShape = {C};
    s.runningShape = {C};
    setPrefix(s, c.shape, true);
    sp.source = useInputStats ? StatsSource::Batch : StatsSource::Running;
    sp.updatesRunning = spec.training && spec.trackRunningStats;
    return true;
}

bool planLayerNorm(Checker& c, StagePlan& sp, bool centered) {
    const NormSpec& spec = c.spec;
    const char* name = centered ? "layer_norm" : "rms_norm";
    const Shape& ns = spec.normalizedShape;
    if (ns.empty())
        return c.fail(std::string(name) +
                      " needs normalized_shape (the trailing dims to normalise over)");
    const std::size_t k = ns.size();
    bool fits = k <= c.shape.size();
    for (std::size_t i = 0; fits && i < k; ++i) fits = c.shape[c.shape.size() - k + i] == ns[i];
    if (!fits) {
        std::string star = "[*";
        for (auto d : ns) star += ", " + num(d);
        return c.fail(ConfigError::NormalizedShapeMismatch, PyException::RuntimeError,
                      "Given normalized_shape=" + shapeToString(ns) +
                          ", expected input with shape " + star + "], but got input of size" +
                          shapeToString(c.shape));
    }
    Stage& s = sp.stage;
    const std::size_t lead = c.shape.size() - k;
    s.layout.slices = product(c.shape, 0, lead);
    s.layout.paramInner = product(c.shape, lead, c.shape.size());
    s.layout.span = 1;
    s.layout.paramMod = 1;
    s.layout.batch = c.batch();
    s.layout.batchPlace = lead > 0 ? BatchPlace::Slices : BatchPlace::ParamInner;
    s.statsShape = Shape(c.shape.begin(), c.shape.begin() + std::ptrdiff_t(lead));
    s.paramShape = ns;
    s.centered = centered;
    return true;
}

bool planGroupNorm(Checker& c, StagePlan& sp) {
    const NormSpec& spec = c.spec;
    if (c.rank < 2)
        return c.fail("Expected at least 2 dimensions for input tensor but received " +
                      num(c.rank));
    if (!spec.numGroups) return c.fail("group_norm needs num_groups");
    const std::int64_t G = *spec.numGroups;
    if (G <= 0) return c.fail("num_groups must be positive, got " + num(G));
    const std::int64_t nf = spec.numFeatures.value_or(c.channels());
    if (nf % G != 0)
        return c.fail(ConfigError::GroupDivisibility, PyException::ValueError,
                      "num_channels must be divisible by num_groups");
    // F.group_norm checks [N * C // G, G, *spatial] before anything else, in train and eval.
    Shape grouped{c.batch() * c.channels() / G, G};
    grouped.insert(grouped.end(), c.shape.begin() + 2, c.shape.end());
    if (!c.masked && grouped[0] * c.spatial() == 1)
        return c.fail(ConfigError::BatchOfOne, PyException::ValueError,
                      "Expected more than 1 value per channel when training, got input size " +
                          shapeToString(grouped));
    if (c.channels() % G != 0)
        return c.fail(ConfigError::GroupDivisibility, PyException::RuntimeError,
                      "Expected number of channels in input to be divisible by num_groups, but got "
                      "input of shape " +
                          shapeToString(c.shape) + " and num_groups=" + num(G));
    if (nf != c.channels()) {
        if (spec.affine)
            return c.fail(
                ConfigError::NumFeaturesMismatch, PyException::RuntimeError,
                "Expected weight to be a vector of size equal to the number of channels in "
                "input, but got weight of shape [" +
                    num(nf) + "] and input of shape " + shapeToString(c.shape));
        c.mismatchWarning(nf, "GroupNorm");
    }
    sp.stage = groupStage(c.shape, G, true);
    return true;
}

bool planBatchChannelNorm(Checker& c, StagePlan& batchStage, StagePlan& channelStage) {
    const NormSpec& spec = c.spec;
    if (c.rank < 2)
        return c.fail(ConfigError::WrongRank, PyException::ValueError,
                      rankError("2D to 5D", c.rank));
    if (!spec.numGroups)
        return c.fail("batch_channel_norm needs num_groups (channel-stage groups)");
    const std::int64_t G = *spec.numGroups;
    if (G <= 0) return c.fail("num_groups must be positive, got " + num(G));
    const std::int64_t nf = spec.numFeatures.value_or(c.channels());
    if (nf != c.channels())
        return c.fail(ConfigError::NumFeaturesMismatch, PyException::ValueError,
                      "expected input's size at dim=1 to match num_features (" + num(nf) +
                          "), but got: " + num(c.channels()) + ".");
    if (c.channels() % G != 0)
        return c.fail(ConfigError::GroupDivisibility, PyException::RuntimeError,
                      "Expected number of channels in input to be divisible by num_groups, but got "
                      "input of shape " +
                          shapeToString(c.shape) + " and num_groups=" + num(G));
    if (spec.estimate && !spec.trackRunningStats)
        return c.fail("batch_channel_norm with estimate=true normalises with running estimates, so "
                      "track_running_stats must be true");
    if (!spec.estimate && (spec.training || !spec.trackRunningStats) && !c.masked &&
        c.batch() * c.spatial() == 1)
        return c.fail(ConfigError::BatchOfOne, PyException::ValueError,
                      "Expected more than 1 value per channel when training, got input size " +
                          shapeToString(c.shape));
    batchStage.stage = batchNormStage(c.shape);
    if (spec.estimate) {
        batchStage.source = spec.training ? StatsSource::UpdatedEstimates : StatsSource::Running;
        batchStage.unbiasedRunningVar = false; // labml EstimatedBatchNorm: biased var
    } else {
        batchStage.source =
            (spec.training || !spec.trackRunningStats) ? StatsSource::Batch : StatsSource::Running;
    }
    batchStage.updatesRunning = spec.training && spec.trackRunningStats;
    channelStage.stage = groupStage(c.shape, G, false);
    return true;
}

} // namespace normlab::detail
