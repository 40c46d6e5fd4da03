#include "module_parameters.h"

#include "module_arguments.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace normlab::detail {

namespace {

// Built-in modules without tensors of their own (containers included).
constexpr std::array<std::string_view, 62> kWithoutTensors = {"Sequential",
                                                              "ModuleList",
                                                              "ModuleDict",
                                                              "Identity",
                                                              "Flatten",
                                                              "Unflatten",
                                                              "ReLU",
                                                              "ReLU6",
                                                              "LeakyReLU",
                                                              "GELU",
                                                              "SiLU",
                                                              "Mish",
                                                              "Hardswish",
                                                              "Hardsigmoid",
                                                              "Sigmoid",
                                                              "Tanh",
                                                              "Softmax",
                                                              "Softmax2d",
                                                              "LogSoftmax",
                                                              "ELU",
                                                              "SELU",
                                                              "CELU",
                                                              "Softplus",
                                                              "Softsign",
                                                              "Hardtanh",
                                                              "Tanhshrink",
                                                              "Threshold",
                                                              "GLU",
                                                              "Dropout",
                                                              "Dropout1d",
                                                              "Dropout2d",
                                                              "Dropout3d",
                                                              "AlphaDropout",
                                                              "FeatureAlphaDropout",
                                                              "MaxPool1d",
                                                              "MaxPool2d",
                                                              "MaxPool3d",
                                                              "AvgPool1d",
                                                              "AvgPool2d",
                                                              "AvgPool3d",
                                                              "AdaptiveAvgPool1d",
                                                              "AdaptiveAvgPool2d",
                                                              "AdaptiveAvgPool3d",
                                                              "AdaptiveMaxPool1d",
                                                              "AdaptiveMaxPool2d",
                                                              "AdaptiveMaxPool3d",
                                                              "LPPool1d",
                                                              "LPPool2d",
                                                              "Upsample",
                                                              "UpsamplingNearest2d",
                                                              "UpsamplingBilinear2d",
                                                              "PixelShuffle",
                                                              "PixelUnshuffle",
                                                              "ChannelShuffle",
                                                              "ZeroPad2d",
                                                              "ConstantPad1d",
                                                              "ConstantPad2d",
                                                              "ConstantPad3d",
                                                              "ReflectionPad1d",
                                                              "ReflectionPad2d",
                                                              "ReplicationPad2d",
                                                              "LocalResponseNorm"};

bool oneOf(std::string_view type, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), type) != names.end();
}

NormFamily familyOf(std::string_view type) {
    if (oneOf(type, {"BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"}))
        return NormFamily::BatchNorm;
    if (oneOf(type, {"InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"}))
        return NormFamily::InstanceNorm;
    if (type == "LayerNorm") return NormFamily::LayerNorm;
    if (type == "GroupNorm") return NormFamily::GroupNorm;
    if (type == "RMSNorm") return NormFamily::RMSNorm;
    return NormFamily::None;
}

std::optional<Shape> vectorOf(std::optional<std::int64_t> n) {
    return n ? std::optional<Shape>(Shape{*n}) : std::nullopt;
}

void normTensors(const ModuleArguments& a, NormFamily family, ModuleParameters& out) {
    const auto [sizeKey, sizePosition] = sizeArgument(family);
    const std::optional<Shape> shape =
        (family == NormFamily::LayerNorm || family == NormFamily::RMSNorm)
            ? a.tuple(sizeKey, sizePosition)
            : vectorOf(a.integer(sizeKey, sizePosition));
    const bool batchNorm = family == NormFamily::BatchNorm;
    const bool affine =
        a.boolean(affineKeyword(family)).value_or(family != NormFamily::InstanceNorm);
    if (affine) {
        out.tensors.push_back({"weight", shape});
        if (family != NormFamily::RMSNorm) out.tensors.push_back({"bias", shape});
    }
    const bool tracks = (family == NormFamily::BatchNorm || family == NormFamily::InstanceNorm) &&
                        a.boolean("track_running_stats").value_or(batchNorm);
    if (tracks) {
        out.tensors.push_back({"running_mean", shape});
        out.tensors.push_back({"running_var", shape});
        out.tensors.push_back({"num_batches_tracked", Shape{}});
    }
}

void convTensors(const ModuleArguments& a, std::string_view type, ModuleParameters& out) {
    const std::size_t rank = std::size_t(type[type.find('d') - 1] - '0');
    const bool transposed = type.rfind("ConvTranspose", 0) == 0;
    const auto in = a.integer("in_channels", 0), outChannels = a.integer("out_channels", 1);
    const auto kernel = a.integers("kernel_size", 2, rank);
    const std::int64_t groups = a.integer("groups").value_or(1);
    std::optional<Shape> weight;
    if (in && outChannels && kernel && groups > 0) {
        weight = transposed ? Shape{*in, *outChannels / groups} : Shape{*outChannels, *in / groups};
        weight->insert(weight->end(), kernel->begin(), kernel->end());
    }
    out.tensors.push_back({"weight", weight});
    if (a.boolean("bias").value_or(true)) out.tensors.push_back({"bias", vectorOf(outChannels)});
}

} // namespace

const char* affineKeyword(NormFamily family) {
    return family == NormFamily::LayerNorm || family == NormFamily::RMSNorm ? "elementwise_affine"
                                                                            : "affine";
}

std::pair<const char*, int> sizeArgument(NormFamily family) {
    switch (family) {
    case NormFamily::GroupNorm:
        return {"num_channels", 1};
    case NormFamily::LayerNorm:
    case NormFamily::RMSNorm:
        return {"normalized_shape", 0};
    default:
        return {"num_features", 0};
    }
}

ModuleParameters moduleParameters(const ModuleNode& node) {
    ModuleParameters out;
    const std::string_view type = node.type;
    const ModuleArguments a(node);
    out.known = true;
    if (std::find(kWithoutTensors.begin(), kWithoutTensors.end(), type) != kWithoutTensors.end())
        return out;
    out.family = familyOf(type);
    if (out.family != NormFamily::None) {
        normTensors(a, out.family, out);
    } else if (oneOf(type, {"Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
                            "ConvTranspose3d"})) {
        convTensors(a, type, out);
    } else if (oneOf(type, {"Linear", "NonDynamicallyQuantizableLinear"})) {
        const auto in = a.integer("in_features", 0), outFeatures = a.integer("out_features", 1);
        out.tensors.push_back({"weight", in && outFeatures
                                             ? std::optional<Shape>(Shape{*outFeatures, *in})
                                             : std::nullopt});
        if (a.boolean("bias").value_or(true))
            out.tensors.push_back({"bias", vectorOf(outFeatures)});
    } else if (type == "Embedding") {
        const auto n = a.integer("num_embeddings", 0), d = a.integer("embedding_dim", 1);
        out.tensors.push_back(
            {"weight", n && d ? std::optional<Shape>(Shape{*n, *d}) : std::nullopt});
    } else if (type == "PReLU") {
        out.tensors.push_back({"weight", vectorOf(a.integer("num_parameters").value_or(1))});
    } else {
        out.known = false;
    }
    return out;
}

} // namespace normlab::detail
