#include "normlab/finding_code.h"

#include "normlab/name_table.h"

namespace normlab {

namespace {

constexpr NameTable<FindingCode, kFindingCodes> kNames{{{
    {FindingCode::NumFeaturesMismatch, "num_features_mismatch"},
    {FindingCode::NormalizedShapeMismatch, "normalized_shape_mismatch"},
    {FindingCode::GroupNormDivisibility, "group_norm_divisibility"},
    {FindingCode::WrongRank, "wrong_rank"},
    {FindingCode::BatchOfOne, "batch_of_one"},
    {FindingCode::SingleSpatialElement, "single_spatial_element"},
    {FindingCode::InvalidConfiguration, "invalid_configuration"},
    {FindingCode::EpsNotPositive, "eps_not_positive"},
    {FindingCode::RmsNormUnavailable, "rms_norm_unavailable"},
    {FindingCode::InstanceNormUnbatched, "instance_norm_unbatched"},
    {FindingCode::BatchNormChannelsLast, "batch_norm_channels_last"},
    {FindingCode::LayerNormTrailingAxis, "layer_norm_trailing_axis"},
    {FindingCode::GroupNormOneGroup, "group_norm_one_group"},
    {FindingCode::ConvBiasBeforeNorm, "conv_bias_before_norm"},
    {FindingCode::EvalUsesBatchStats, "eval_uses_batch_stats"},
    {FindingCode::InChannelsMismatch, "in_channels_mismatch"},
    {FindingCode::InFeaturesMismatch, "in_features_mismatch"},
    {FindingCode::InvalidArgument, "invalid_argument"},
    {FindingCode::InvalidOutputSize, "invalid_output_size"},
    {FindingCode::SizeOverflow, "size_overflow"},
    {FindingCode::UnknownModule, "unknown_module"},
    {FindingCode::UnreadableArguments, "unreadable_arguments"},
    {FindingCode::UnknownDataFlow, "unknown_data_flow"},
    {FindingCode::PytorchError, "pytorch_error"},
    {FindingCode::CheckpointAffineMismatch, "checkpoint_affine_mismatch"},
    {FindingCode::CheckpointRunningStatsMismatch, "checkpoint_running_stats_mismatch"},
    {FindingCode::CheckpointNumBatchesTracked, "checkpoint_num_batches_tracked"},
    {FindingCode::CheckpointSizeMismatch, "checkpoint_size_mismatch"},
    {FindingCode::CheckpointKeyPrefix, "checkpoint_key_prefix"},
    {FindingCode::CheckpointMissingKeys, "checkpoint_missing_keys"},
    {FindingCode::CheckpointUnexpectedKeys, "checkpoint_unexpected_keys"},
    {FindingCode::EmptySlice, "empty_slice"},
    {FindingCode::DegenerateSlice, "degenerate_slice"},
    {FindingCode::RunningStatsSkipped, "running_stats_skipped"},
    {FindingCode::NonFiniteInput, "non_finite_input"},
    {FindingCode::Float32Overflow, "float32_overflow"},
    {FindingCode::TrainEvalGap, "train_eval_gap"},
    {FindingCode::DeadChannels, "dead_channels"},
    {FindingCode::ExplodingChannels, "exploding_channels"},
    {FindingCode::PrecisionRisk, "precision_risk"},
    {FindingCode::PaddingContamination, "padding_contamination"},
    {FindingCode::CaptureMismatch, "capture_mismatch"},
    {FindingCode::CaptureSubset, "capture_subset"},
    {FindingCode::CaptureUnreadable, "capture_unreadable"},
    {FindingCode::ImpossibleRunningStats, "impossible_running_stats"},
}}};

} // namespace

std::string_view findingCodeName(FindingCode code) {
    return kNames.nameOf(code);
}

std::optional<FindingCode> findingCodeNamed(std::string_view name) {
    return kNames.find(name);
}

} // namespace normlab
