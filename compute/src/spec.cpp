#include "normlab/spec.h"

#include "normlab/name_table.h"

#include <utility>

namespace normlab {

namespace {
constexpr NameTable<Variant, 7> kNames{{{
    {Variant::BatchNorm, "batch_norm"},
    {Variant::InstanceNorm, "instance_norm"},
    {Variant::LayerNorm, "layer_norm"},
    {Variant::GroupNorm, "group_norm"},
    {Variant::RmsNorm, "rms_norm"},
    {Variant::BatchChannelNorm, "batch_channel_norm"},
    {Variant::Custom, "custom"},
}}};
} // namespace

std::string_view variantName(Variant variant) {
    return kNames.nameOf(variant);
}

std::optional<Variant> variantFromName(std::string_view name) {
    return kNames.find(name);
}

NormSpec NormSpec::defaultsFor(Variant variant) {
    NormSpec spec;
    spec.variant = variant;
    switch (variant) {
    case Variant::BatchNorm: // nn.BatchNorm*d
    case Variant::BatchChannelNorm:
        spec.affine = true;
        spec.trackRunningStats = true;
        break;
    case Variant::InstanceNorm: // nn.InstanceNorm*d
        spec.affine = false;
        spec.trackRunningStats = false;
        break;
    case Variant::LayerNorm: // nn.LayerNorm, nn.GroupNorm: no running statistics
    case Variant::GroupNorm:
    case Variant::Custom:
        spec.affine = true;
        spec.trackRunningStats = false;
        break;
    case Variant::RmsNorm: // nn.RMSNorm: eps=None
        spec.affine = true;
        spec.trackRunningStats = false;
        spec.eps = std::nullopt;
        break;
    }
    return spec;
}

} // namespace normlab
