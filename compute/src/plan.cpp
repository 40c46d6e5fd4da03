#include "plan.h"

#include "plan_checker.h"

#include "normlab/checked_int.h"

#include <limits>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
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

bool checkOptional(Checker& c, const Tensor& t, const char* name, const Shape& expected) {
    if (t.isNull()) return true;
    if (!isFloating(t.dtype()))
        return c.fail(std::string(name) + " must be float32 or float64, got " +
                      std::string(dtypeName(t.dtype())));
    if (t.shape() != expected)
        return c.fail(std::string(name) + " has shape " + shapeToString(t.shape()) + ", expected " +
                      shapeToString(expected));
    return true;
}

bool checkUnused(Checker& c, const Tensor& t, const char* name, const char* why) {
    if (t.isNull()) return true;
    return c.fail(std::string(name) + " was given but " + why);
}

bool checkMask(Checker& c) {
    const NormInputs& in = c.inputs;
    if (!in.lengths.isNull() && !in.mask.isNull())
        return c.fail("give either lengths or a mask, not both");
    if (!in.lengths.isNull()) {
        const Tensor& L = in.lengths;
        if (L.dtype() != DType::Int64 && L.dtype() != DType::Int32)
            return c.fail("lengths must be int64 or int32, got " +
                          std::string(dtypeName(L.dtype())));
        if (L.shape() != Shape{c.batch()})
            return c.fail("lengths has shape " + shapeToString(L.shape()) + ", expected [" +
                          num(c.batch()) + "] (one length per sample)");
        const std::int64_t last = c.shape.back();
        for (std::int64_t n = 0; n < L.size(); ++n) {
            const double v = L.at(n);
            if (v < 0 || v > double(last))
                return c.fail("lengths[" + num(n) + "] = " + num(std::int64_t(v)) +
                              " is outside 0.." + num(last) + " (the size of the last axis)");
        }
    }
    if (!in.mask.isNull()) {
        if (in.mask.dtype() != DType::Bool && in.mask.dtype() != DType::UInt8)
            return c.fail("mask must be bool or uint8, got " +
                          std::string(dtypeName(in.mask.dtype())));
        if (in.mask.shape() != c.shape)
            return c.fail("mask has shape " + shapeToString(in.mask.shape()) +
                          ", expected the input's shape " + shapeToString(c.shape));
    }
    return true;
}

// The checks that need only the input's shape (and whether it is masked): everything up to
// and including the stage layouts. False when the configuration is invalid.
bool planForShape(Checker& c) {
    Plan& plan = c.plan;
    const NormSpec& spec = c.spec;
    const Shape& shape = c.shape;
    if (!isFloating(spec.dtype)) return c.fail("dtype must be float32 or float64");
    if (c.rank < 1) return c.fail("input must have at least 1 dimension, got a scalar");
    if (product(shape, 0, shape.size()) == 0)
        return c.fail("input has no elements (shape " + shapeToString(shape) + ")");
    plan.dtype = spec.dtype;
    if (spec.eps) {
        if (!(*spec.eps >= 0) || !std::isfinite(*spec.eps))
            return c.fail("eps must be a non-negative number, got " + formatDouble(*spec.eps));
        plan.eps = *spec.eps;
    } else {
        if (spec.variant != Variant::RmsNorm)
            return c.fail("eps: null is only meaningful for rms_norm");
        plan.eps = machineEpsilon(spec.dtype);
    }
    if (spec.momentum && !std::isfinite(*spec.momentum))
        return c.fail("momentum must be a finite number or null");

    const bool hasRunning =
        spec.variant == Variant::BatchNorm || spec.variant == Variant::InstanceNorm ||
        spec.variant == Variant::BatchChannelNorm || spec.variant == Variant::Custom;
    if (!hasRunning && spec.trackRunningStats) {
        return c.fail(std::string(variantName(spec.variant)) +
                      " has no running statistics; track_running_stats must be false");
    }

    bool ok = false;
    plan.stages.resize(spec.variant == Variant::BatchChannelNorm ? 2 : 1);
    switch (spec.variant) {
    case Variant::BatchNorm:
        ok = planBatchNorm(c, plan.stages[0]);
        break;
    case Variant::InstanceNorm:
        ok = planInstanceNorm(c, plan.stages[0]);
        break;
    case Variant::LayerNorm:
        ok = planLayerNorm(c, plan.stages[0], true);
        break;
    case Variant::RmsNorm:
        ok = planLayerNorm(c, plan.stages[0], false);
        break;
    case Variant::GroupNorm:
        ok = planGroupNorm(c, plan.stages[0]);
        break;
    case Variant::BatchChannelNorm:
        ok = planBatchChannelNorm(c, plan.stages[0], plan.stages[1]);
        break;
    case Variant::Custom:
        ok = planCustom(c, plan.stages[0]);
        break;
    }
    if (!ok) return false;

    plan.tracked = hasRunning && spec.trackRunningStats;
    plan.countsBatches = plan.tracked && spec.variant != Variant::InstanceNorm;
    return true;
}

} // namespace

Plan makePlan(const NormSpec& spec, const NormInputs& inputs) {
    Plan plan;
    const Tensor& x = inputs.input;
    if (x.isNull()) {
        plan.error = "no input tensor";
        return plan;
    }
    const Shape& shape = x.shape();
    Checker c{plan,  spec,     inputs,
              shape, x.rank(), !inputs.lengths.isNull() || !inputs.mask.isNull()};
    if (!isFloating(x.dtype())) {
        c.fail("input must be float32 or float64, got " + std::string(dtypeName(x.dtype())));
        return plan;
    }
    if (inputs.numBatchesTracked < 0) {
        c.fail("num_batches_tracked must be non-negative");
        return plan;
    }
    if (!planForShape(c)) return plan;
    const Stage& first = plan.stages[0].stage;
    const bool affine = spec.affine;
    if (affine) {
        if (!checkOptional(c, inputs.weight, "weight", first.paramShape)) return plan;
        if (spec.variant == Variant::RmsNorm) {
            if (!checkUnused(c, inputs.bias, "bias", "rms_norm has no bias")) return plan;
        } else if (!checkOptional(c, inputs.bias, "bias", first.paramShape)) {
            return plan;
        }
    } else {
        if (!checkUnused(c, inputs.weight, "weight", "affine is false (there is no weight)"))
            return plan;
        if (!checkUnused(c, inputs.bias, "bias", "affine is false (there is no bias)")) return plan;
    }
    if (spec.variant == Variant::BatchChannelNorm) {
        const Shape& gs = plan.stages[1].stage.paramShape;
        if (affine) {
            if (!checkOptional(c, inputs.channelWeight, "channel_weight", gs)) return plan;
            if (!checkOptional(c, inputs.channelBias, "channel_bias", gs)) return plan;
        } else {
            if (!checkUnused(c, inputs.channelWeight, "channel_weight", "affine is false"))
                return plan;
            if (!checkUnused(c, inputs.channelBias, "channel_bias", "affine is false")) return plan;
        }
    } else {
        if (!checkUnused(c, inputs.channelWeight, "channel_weight",
                         "only batch_channel_norm has a channel stage"))
            return plan;
        if (!checkUnused(c, inputs.channelBias, "channel_bias",
                         "only batch_channel_norm has a channel stage"))
            return plan;
    }
    if (plan.tracked) {
        if (!checkOptional(c, inputs.runningMean, "running_mean", first.runningShape)) return plan;
        if (!checkOptional(c, inputs.runningVar, "running_var", first.runningShape)) return plan;
    } else {
        if (!checkUnused(c, inputs.runningMean, "running_mean", "track_running_stats is false"))
            return plan;
        if (!checkUnused(c, inputs.runningVar, "running_var", "track_running_stats is false"))
            return plan;
    }
    if (!inputs.gradOutput.isNull()) {
        if (!isFloating(inputs.gradOutput.dtype())) {
            c.fail("grad_output must be float32 or float64");
            return plan;
        }
        if (inputs.gradOutput.shape() != shape) {
            c.fail("grad_output has shape " + shapeToString(inputs.gradOutput.shape()) +
                   ", expected the input's shape " + shapeToString(shape));
            return plan;
        }
    }
    checkMask(c);
    return plan;
}

Plan planShapeOnly(const NormSpec& spec, const Shape& inputShape) {
    Plan plan;
    static const NormInputs noTensors;
    Checker c{plan, spec, noTensors, inputShape, int(inputShape.size()), false};
    planForShape(c);
    return plan;
}

} // namespace normlab::detail

namespace normlab {

ConfigurationCheck checkConfiguration(const NormSpec& spec, const Shape& inputShape) {
    detail::Plan plan = detail::planShapeOnly(spec, inputShape);
    ConfigurationCheck check{std::move(plan.error), std::move(plan.warnings), plan.errorKind,
                             plan.exception};
    if (!check.error.empty()) check.warnings.clear();
    return check;
}

} // namespace normlab
