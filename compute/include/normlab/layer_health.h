// The health of one captured normalization layer (its real input, parameters and running
// statistics, and the output PyTorch produced): what an engineer debugging a model checks.
//
//   train/eval gap   the batch statistics against the running statistics, per channel, as
//                    |mean_batch - running_mean| / sqrt(running_var + eps) and the ratio of
//                    the variances, and the largest output difference between the two modes
//                    (the layer "fine in training, broken in eval");
//   dead / exploding slices whose variance is at most eps (the output is β plus noise scaled by
//                    1/sqrt(eps)) or at least 10^4 times the median slice's;
//   precision        the largest |mean| / std over the slices: a value near |mean| carries
//                    about |mean| * 2^-p of rounding error in a dtype of p fraction bits, so
//                    the spread is resolved to (|mean| / std) * 2^-p of itself (bfloat16 p = 7
//                    plus the implicit bit, float16 p = 10 plus one); and |x| beyond 256, where
//                    x^2 overflows float16 in a variance computed in float16;
//   padding          with the valid-element mask known, the statistics with and without it
//                    (PyTorch's modules take no mask: padding enters their statistics);
//   self-check       NormLab's output on the captured input against PyTorch's saved output.
// Every figure is computed by normalize() on the CPU backend in float64.
#pragma once

#include "normlab/diagnostics.h"
#include "normlab/normalize.h"

#include <optional>
#include <string>
#include <vector>

namespace normlab {

struct HealthFinding {
    FindingCode code = FindingCode::TrainEvalGap; // train_eval_gap, dead_channels,
    // exploding_channels, precision_risk, padding_contamination, capture_mismatch,
    // capture_subset
    Severity severity = Severity::Warning;
    std::string message;
};

struct LayerHealthInput {
    NormSpec spec;          // as the module was configured, training flag included
    NormInputs inputs;      // input, weight, bias, running statistics; mask: the valid elements
    Tensor torchOutput;     // PyTorch's output for the same samples; null if not captured
    bool wholeBatch = true; // every sample of the call was captured
    std::string capturedDType = "float32"; // the activation's dtype in the model
};

struct LayerHealth {
    std::string error; // the layer could not be evaluated (nothing else is set)
    std::int64_t slices = 0;
    // Train/eval (modules with running statistics only).
    std::optional<double> maxMeanGap;  // in running standard deviations
    std::optional<double> maxVarRatio; // max(v / running_v, running_v / v)
    std::optional<std::int64_t> worstMeanChannel, worstVarChannel;
    std::optional<double> trainEvalOutputGap; // max |y_train - y_eval|
    // What the data explain (BatchNorm-like layers with two or more samples): each channel's
    // batch statistics against their sampling error, estimated from the spread of the
    // per-sample statistics (standard error = sd over samples / sqrt(N)).
    std::optional<double> medianMeanGap;        // median over channels, running stds
    std::optional<double> trainEvalRelativeGap; // rms(y_train - y_eval) / rms(y_train)
    std::int64_t channelsBeyondSampling = 0;    // gaps over 4 standard errors and material
    std::int64_t channelsJudged = 0;            // channels those figures cover
    std::int64_t deadSlices = 0, explodingSlices = 0;
    double maxMeanToSpread = 0; // over slices with a positive variance
    // max |mean| / sqrt(var + eps): how much the input dtype's rounding is amplified in the
    // output (the self-check's tolerance scales with it)
    double conditioning = 0;
    double maxAbsInput = 0;           // over the finite input elements
    std::int64_t nonFiniteInputs = 0; // NaN or infinite input elements
    // Padding (mask known and the statistics come from the batch).
    std::optional<double> paddingMeanShift; // max |mean - masked mean| / masked std
    std::optional<double> paddingOutputGap; // max |y - y_masked| over valid elements
    // Self-check against PyTorch's output.
    std::optional<double> maxErrorVsTorch;
    std::vector<HealthFinding> findings;
    bool ok() const { return error.empty(); }
};

LayerHealth layerHealth(const LayerHealthInput& in);

// Where a capture's trouble starts. `layers` in execution order (a capture's order): the
// first whose train/eval gap is a warning (its eval output departs from its training output
// on its own input, beyond what its batch explains) is the first divergence, the place to
// act. Every later layer with such a warning is inherited from it: in eval mode its input
// already differs, so its gap need not have a cause of its own; its warning becomes a note
// that says so. Layers that could not be evaluated are skipped.
struct HealthRanking {
    std::optional<std::size_t> firstDivergence;
    std::vector<std::optional<std::size_t>> inheritedFrom; // per layer
};
HealthRanking rankByExecution(std::vector<LayerHealth>& layers,
                              const std::vector<std::string>& names);

} // namespace normlab
