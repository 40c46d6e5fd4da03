// makePlan: the inputs' checks (optional tensors, masks, lengths) and the variant's planner
// (plan_variants.cpp, plan_custom.cpp), once per run; planShapeOnly and checkConfiguration
// for the debugger's shape rules.
#include "plan.h"

#include "plan_checker.h"

#include <algorithm>
#include <string>

namespace normlab::detail {

namespace {

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
