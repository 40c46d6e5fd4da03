// Every finding and diagnostic code, one enum with its name table. The names are the
// stable identifiers of the JSON outputs (docs/cli.md, docs/capture.md); the program
// compares codes, never their names.
#pragma once

#include <optional>
#include <string_view>

namespace normlab {

enum class FindingCode {
    NumFeaturesMismatch,      // num_features / num_channels against the input's channels
    NormalizedShapeMismatch,  // normalized_shape against the input's trailing dims
    GroupNormDivisibility,    // channels not divisible by num_groups
    WrongRank,                // an input of a rank the module does not accept
    BatchOfOne,               // one value per channel (or group) in training
    SingleSpatialElement,     // InstanceNorm over one spatial element
    InvalidConfiguration,     // NormLab's own checks (options, masks, custom axes)
    EpsNotPositive,           // eps = 0: accepted by PyTorch, a zero variance then divides by zero
    RmsNormUnavailable,       // nn.RMSNorm in a PyTorch before 2.4
    InstanceNormUnbatched,    // InstanceNorm1d reading [N, F] as one unbatched [C, L]
    BatchNormChannelsLast,    // BatchNorm1d on [N, L, C]: the wrong axis
    LayerNormTrailingAxis,    // LayerNorm(C) on a feature map: the last axis only
    GroupNormOneGroup,        // GroupNorm(1, C), LayerNorm over (C, ...) but for its affine
    ConvBiasBeforeNorm,       // a convolution's bias that the normalization after it cancels
    EvalUsesBatchStats,       // no running statistics: eval() uses the batch's
    InChannelsMismatch,       // a convolution's in_channels against its input's channels
    InFeaturesMismatch,       // a Linear's in_features against its input's last dim
    InvalidArgument,          // an argument PyTorch rejects when the layer runs
    InvalidOutputSize,        // an output size below 1
    SizeOverflow,             // a size past 64 bits
    UnknownModule,            // a module without a known shape rule: shapes after it unknown
    UnreadableArguments,      // a module whose printed arguments cannot be read
    UnknownDataFlow,          // a block whose forward() cannot be read from its sizes
    PytorchError,             // PyTorch raised here in the traced forward pass
    CheckpointAffineMismatch, // weight and bias on one side only
    CheckpointRunningStatsMismatch, // running statistics on one side only
    CheckpointNumBatchesTracked,    // a versioned checkpoint without num_batches_tracked
    CheckpointSizeMismatch,         // tensors of another size: trained with another width
    CheckpointKeyPrefix,      // keys with a prefix the model's lack (DataParallel), or the reverse
    CheckpointMissingKeys,    // the model's tensors the checkpoint lacks
    CheckpointUnexpectedKeys, // tensors the model has no place for
    EmptySlice,               // slices without a valid element
    DegenerateSlice,          // slices of exactly one valid element
    RunningStatsSkipped,      // slices left out of the running-statistics update
    NonFiniteInput,           // NaN or infinity in a slice
    Float32Overflow,          // (x - mean)^2 past float32's range
    TrainEvalGap,             // batch statistics far from the running ones (docs/capture.md)
    DeadChannels,             // slices whose variance is at most eps
    ExplodingChannels,        // slices whose variance is 10^4 times the median's, or not finite
    PrecisionRisk,            // bfloat16 would resolve the spread to worse than 10%, or |x| > 256
    PaddingContamination,     // padding that moves the statistics or the valid outputs
    CaptureMismatch,          // NormLab's output against PyTorch's beyond rounding
    CaptureSubset,            // a batch-statistics layer captured in part: not compared
    CaptureUnreadable,        // a captured layer's files missing or disagreeing with the manifest
    ImpossibleRunningStats,   // a running variance below zero, or running statistics not finite
};

inline constexpr int kFindingCodes = int(FindingCode::ImpossibleRunningStats) + 1;

// The code's snake_case name, as the JSON outputs write it.
std::string_view findingCodeName(FindingCode code);
// The code of a name; nullopt for a name that is no code.
std::optional<FindingCode> findingCodeNamed(std::string_view name);

} // namespace normlab
