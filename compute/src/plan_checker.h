// What plan.cpp and the planners of plan_variants.cpp and plan_custom.cpp share: the Checker that
// records the first configuration error (PyTorch's kind, exception and message) and the warnings,
// and small helpers for shapes and messages.
#pragma once

#include "plan.h"

#include "normlab/checked_int.h"

#include <cstdio>
#include <limits>
#include <string>
#include <string_view>

namespace normlab::detail {

// Saturates instead of overflowing: shapes reach here from the debugger's shape rules too.
inline std::int64_t product(const Shape& s, std::size_t from, std::size_t to) {
    CheckedInt p = 1;
    for (std::size_t i = from; i < to && i < s.size(); ++i) p = p * s[i];
    return p.valid() ? p.get() : std::numeric_limits<std::int64_t>::max();
}

inline std::string num(std::int64_t v) {
    return std::to_string(v);
}

inline std::string formatDouble(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// PyTorch's rank message for the module that fits `variant`.
inline std::string rankError(const std::string& expected, int rank) {
    return "expected " + expected + " input (got " + num(rank) + "D input)";
}

struct Checker {
    Plan& plan;
    const NormSpec& spec;
    const NormInputs& inputs;
    const Shape& shape;
    int rank;
    bool masked;

    // PyTorch's own error: its kind and exception, with its message.
    bool fail(ConfigError kind, PyException exception, std::string message) {
        if (plan.error.empty()) {
            plan.error = std::move(message);
            plan.errorKind = kind;
            plan.exception = exception;
        }
        return false;
    }
    // NormLab's own check (a RuntimeError where PyTorch would raise anything).
    bool fail(std::string message) {
        return fail(ConfigError::Other, PyException::RuntimeError, std::move(message));
    }
    void warn(FindingCode code, std::string message) {
        plan.warnings.push_back({Severity::Warning, std::move(code), std::move(message)});
    }
    std::int64_t channels() const { return shape[1]; }
    std::int64_t batch() const { return shape[0]; }
    std::int64_t spatial() const { return product(shape, 2, shape.size()); }

    void mismatchWarning(std::int64_t numFeatures, const char* module) {
        // Only InstanceNorm gained a warning (PyTorch 2.1); the others stay silent.
        const bool instanceNorm = std::string_view(module) == "InstanceNorm";
        warn(FindingCode::NumFeaturesMismatch,
             std::string(module) + ": the input has " + num(channels()) +
                 " channels at dim=1 but num_features=" + num(numFeatures) +
                 ". Nothing uses num_features because affine=False and there are no running "
                 "statistics, so PyTorch runs it " +
                 (instanceNorm
                      ? "(silently before 2.1; from 2.1 it warns \"input's size at dim=1 "
                        "does not match num_features. You can silence this warning by not "
                        "passing in num_features, which is not used because affine=False\")."
                      : "without any warning."));
    }
};

// Lengths index the last axis: usable as "valid prefix per chunk" when that axis is the
// innermost part of `span`.
inline void setPrefix(Stage& stage, const Shape& shape, bool lastAxisInSpan) {
    const std::int64_t last = shape.back();
    stage.lengthsArePrefix =
        lastAxisInSpan && stage.layout.span % last == 0 && stage.layout.span >= last;
    stage.lengthChunk = stage.lengthsArePrefix ? last : 1;
}

// The built-in variants (plan_variants.cpp): false after c.fail.
bool planBatchNorm(Checker& c, StagePlan& sp);
bool planInstanceNorm(Checker& c, StagePlan& sp);
bool planLayerNorm(Checker& c, StagePlan& sp, bool centered); // centered false: RMSNorm
bool planGroupNorm(Checker& c, StagePlan& sp);
bool planBatchChannelNorm(Checker& c, StagePlan& batchStage, StagePlan& channelStage);
// The custom variant (any reduction axes, channel groups): plan_custom.cpp.
bool planCustom(Checker& c, StagePlan& sp);

} // namespace normlab::detail
