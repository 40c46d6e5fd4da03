// The compute entry point: validate a (spec, inputs) pair once, run the forward pass,
// running-statistics update, backward pass and inverse on a backend, and return it all.
//
// Numerics (every backend): per-slice mean and variance by the two-pass algorithm with a
// float64 accumulator (mean first, then the sum of squared deviations from it), so data
// whose mean is 1e4 times its spread keeps its variance; never E[x^2] - E[x]^2.
// Normalisation uses the biased variance; running_var is updated with the unbiased one.
#pragma once

#include "normlab/backend.h"
#include "normlab/diagnostics.h"
#include "normlab/spec.h"
#include "normlab/tensor.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace normlab {

struct NormInputs {
    Tensor input; // float32 or float64 (cast to spec.dtype)
    // Optional tensors: null means PyTorch's default (weights 1, biases 0, running
    // mean 0, running var 1).
    Tensor weight, bias;               // [C], or normalized_shape for layer/rms norm
    Tensor channelWeight, channelBias; // batch_channel_norm channel stage, [G]
    Tensor runningMean, runningVar;
    std::int64_t numBatchesTracked = 0;
    Tensor gradOutput; // dy; null: no backward pass
    Tensor lengths;    // int [N]: element (n, ..., l) valid iff l < lengths[n]
    Tensor mask;       // bool/uint8 of the input's shape: 1 = valid
};

struct RunOptions {
    bool inverse = true; // reconstruction, its error, logdet
    // Set from another thread to abandon the run between its passes (forward, backward,
    // inverse): the result then has `cancelled` and an error, and nothing else. May be null.
    const std::atomic<bool>* cancel = nullptr;
    // The output y. Without it and without the inverse, the last stage computes its
    // statistics (and the backward pass) only and result.output stays null: a gradient view
    // at 100 M elements saves a pass and 400 MB.
    bool output = true;
};

struct NormResult {
    // Empty on success; otherwise the PyTorch-equivalent message and nothing else is set.
    std::string error;
    bool cancelled = false; // RunOptions::cancel was set: abandoned, error says so
    std::vector<Diagnostic> diagnostics;

    Tensor output;
    Tensor mean, var; // statistics the forward pass used (statsShape); var biased
    Tensor count;     // int64, valid elements per slice
    Tensor channelMean, channelVar, channelCount; // batch_channel_norm channel stage

    bool tracksRunningStats = false;
    Tensor runningMean, runningVar; // after the update (training) or as given (eval)
    std::int64_t numBatchesTracked = 0;

    Tensor gradInput, gradWeight, gradBias;
    Tensor gradChannelWeight, gradChannelBias;

    Tensor reconstruction; // inverse(output) with the stored statistics
    double maxReconstructionError = 0.0;
    Tensor logdet; // [N]

    double elapsedMs = 0.0;
    std::string backend;

    bool ok() const { return error.empty(); }
};

NormResult normalize(const NormSpec& spec, const NormInputs& inputs, Backend& backend,
                     const RunOptions& options = {});

// Validation alone, on a shape (no data, no mask): the PyTorch-equivalent error (empty when
// the configuration runs) and the warnings a run would report before seeing any data, such
// as num_features_mismatch. The same checks, in the same order, as normalize().
// What a configuration error is (its message, in PyTorch's words, says the rest), and the
// Python exception PyTorch raises for it: the debugger reads these, never the message.
enum class ConfigError {
    None,
    WrongRank,               // the module's input rank check
    NumFeaturesMismatch,     // num_features / num_channels against the input's channels
    BatchOfOne,              // one value per channel in training
    SingleSpatialElement,    // InstanceNorm: one spatial element in training
    NormalizedShapeMismatch, // LayerNorm: normalized_shape against the trailing dims
    GroupDivisibility,       // channels not divisible by num_groups
    Other,                   // NormLab's own checks (options, masks, custom axes)
};
enum class PyException { RuntimeError, ValueError };

struct ConfigurationCheck {
    std::string error;
    std::vector<Diagnostic> warnings;
    ConfigError kind = ConfigError::None;
    PyException exception = PyException::RuntimeError;
};
ConfigurationCheck checkConfiguration(const NormSpec& spec, const Shape& inputShape);

// Which slice (one mean/variance) each element belongs to: an int64 tensor of the input's
// shape holding the slice's flat index in the stats grid (input order of the kept axes),
// for stage `stage` (batch_channel_norm: 0 batch stage, 1 channel stage). Elements masked
// out get -1. On an invalid configuration returns a null tensor and sets *error to the
// PyTorch-equivalent message.
Tensor sliceIndexMap(const NormSpec& spec, const NormInputs& inputs, int stage = 0,
                     std::string* error = nullptr);

// Which affine parameter (flat index into weight and bias) each element is scaled and
// shifted by, in the same form as sliceIndexMap (masked-out elements -1).
Tensor parameterIndexMap(const NormSpec& spec, const NormInputs& inputs, int stage = 0,
                         std::string* error = nullptr);
// The same for the input elements `flat` only (flat indices in input order), without a map
// of the whole input; empty with *error set when the configuration is invalid.
std::vector<std::int64_t> parameterIndicesOf(const NormSpec& spec, const NormInputs& inputs,
                                             const std::vector<std::int64_t>& flat, int stage = 0,
                                             std::string* error = nullptr);

// Shape of the affine parameters of stage `stage` (weight and bias alike), or a null
// optional with *error set when the configuration is invalid.
std::optional<Shape> parameterShape(const NormSpec& spec, const NormInputs& inputs, int stage = 0,
                                    std::string* error = nullptr);

// |x - reconstruction| per element (in the reconstruction's dtype, computed in double) and
// its maximum over the valid elements: those `validMap` keeps (a sliceIndexMap, -1 = masked
// out, or a bool/uint8 validity mask such as SliceIndexer::keep(), 0 = masked out; all when
// null). Without `perElement` only the maximum is made.
struct ReconstructionError {
    Tensor perElement;
    double maxValid = 0;
};
ReconstructionError reconstructionError(const Tensor& x, const Tensor& reconstruction,
                                        const Tensor* validMap = nullptr, bool perElement = true);
// The same, written over the reconstruction's own storage (no third input-sized tensor).
ReconstructionError reconstructionErrorInPlace(const Tensor& x, Tensor reconstruction,
                                               const Tensor* validMap = nullptr);

// The classic normalizing-flow bug, for teaching: invert `output` with statistics
// re-estimated from `output` itself (slice by slice) instead of the stored ones.
// Returns the would-be input; compare it with the real one. Throws BackendFailure when the
// backend does.
Tensor invertReestimating(const NormSpec& spec, const NormInputs& inputs, const Tensor& output,
                          Backend& backend);

} // namespace normlab
