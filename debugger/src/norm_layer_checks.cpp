#include "norm_layer_checks.h"

#include "module_arguments.h"
#include "normlab/name_table.h"
#include "normlab/normalize.h"

#include <string_view>

namespace normlab::detail {

namespace {

std::string num(std::int64_t v) {
    return std::to_string(v);
}

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// "BatchNorm2d" -> 2 for a family name + digit + "d".
int familyDims(const std::string& type, std::string_view family) {
    if (type.size() != family.size() + 2 || !startsWith(type, family) || type.back() != 'd')
        return -1;
    const char d = type[family.size()];
    return d >= '1' && d <= '3' ? d - '0' : -1;
}

Finding finding(Severity severity, FindingCode code, std::string message, TorchAction action,
                std::string exception, std::string torchMessage, std::string fix) {
    Finding f;
    f.severity = severity;
    f.code = code;
    f.message = std::move(message);
    f.action = action;
    f.exception = std::move(exception);
    f.torchMessage = std::move(torchMessage);
    f.fix = std::move(fix);
    return f;
}

Finding silent(Severity severity, FindingCode code, std::string message, std::string why,
               std::string fix) {
    Finding f =
        finding(severity, code, std::move(message), TorchAction::Silent, {}, {}, std::move(fix));
    f.why = std::move(why);
    return f;
}

// PyTorch writes shapes in these two messages as torch.Size([...]); the compute core
// writes them as [...].
std::string torchWording(const std::string& message) {
    const std::string marker = "got input size ";
    const std::size_t at = message.find(marker);
    if (at == std::string::npos || !startsWith(message, "Expected more than 1")) return message;
    return message.substr(0, at + marker.size()) + "torch.Size(" +
           message.substr(at + marker.size()) + ")";
}

// The finding code of a configuration error (NormLab's own checks: invalid_configuration).
FindingCode findingCodeOf(ConfigError error) {
    switch (error) {
    case ConfigError::WrongRank:
        return FindingCode::WrongRank;
    case ConfigError::NumFeaturesMismatch:
        return FindingCode::NumFeaturesMismatch;
    case ConfigError::BatchOfOne:
        return FindingCode::BatchOfOne;
    case ConfigError::SingleSpatialElement:
        return FindingCode::SingleSpatialElement;
    case ConfigError::NormalizedShapeMismatch:
        return FindingCode::NormalizedShapeMismatch;
    case ConfigError::GroupDivisibility:
        return FindingCode::GroupNormDivisibility;
    case ConfigError::None:
    case ConfigError::Other:
        break;
    }
    return FindingCode::InvalidConfiguration;
}

// The name of a configuration error's Python exception.
constexpr NameTable<PyException, 2> kExceptionNames{{{
    {PyException::RuntimeError, "RuntimeError"},
    {PyException::ValueError, "ValueError"},
}}};

std::int64_t largestDivisorAtMost(std::int64_t n, std::int64_t limit) {
    for (std::int64_t g = std::min(n, limit); g > 1; --g)
        if (n % g == 0) return g;
    return 1;
}

std::string shapeArgument(const Shape& s) {
    if (s.size() == 1) return num(s[0]);
    std::string out = "(";
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + num(s[i]);
    return out + ")";
}

// The module class's own rank check (_check_input_dim), before any num_features logic.
// The ranks a normalization class accepts ("2D or 3D") when `rank` is not one of them, and
// PyTorch's own words for it; nullopt when the rank is fine.
struct RankError {
    std::string accepted;
    std::string torchMessage;
};

std::optional<RankError> rankError(const std::string& type, int dims, std::size_t rank) {
    std::string accepted;
    if (startsWith(type, "BatchNorm")) {
        if (dims == 1 && rank != 2 && rank != 3) accepted = "2D or 3D";
        if (dims > 1 && rank != std::size_t(dims + 2)) accepted = num(dims + 2) + "D";
    } else if (type == "SyncBatchNorm") {
        if (rank < 2) accepted = "at least 2D";
    } else if (startsWith(type, "InstanceNorm")) {
        if (rank != std::size_t(dims + 1) && rank != std::size_t(dims + 2))
            accepted = num(dims + 1) + "D or " + num(dims + 2) + "D";
    }
    if (accepted.empty()) return std::nullopt;
    return RankError{accepted, "expected " + accepted + " input (got " + num(std::int64_t(rank)) +
                                   "D input)"};
}

// The module of the same family that takes a `rank`-dimensional input.
std::string moduleForRank(const std::string& type, std::size_t rank, std::int64_t channels) {
    const bool instance = startsWith(type, "InstanceNorm");
    int d = int(rank) - 2;
    if (!instance && rank == 2) d = 1;
    if (d < 1 || d > 3) return "an input of the rank this module expects";
    return "nn." + std::string(instance ? "InstanceNorm" : "BatchNorm") + num(d) + "d(" +
           num(channels) + ")";
}

bool isConv(const ModuleNode* node) {
    return node &&
           (familyDims(node->type, "Conv") > 0 || familyDims(node->type, "ConvTranspose") > 0);
}

bool makesFeaturesLast(const ModuleNode* node) {
    return node && (node->type == "Linear" || node->type == "Embedding");
}

// InstanceNorm's handling of a num_features that differs from the input's channels, by
// version: before 2.1 num_features reaches only the repeated weight / running buffers
// (batch_norm over [1, N*C, ...] compares N*C with N*num_features); from 2.1 the module
// compares it first, raising with affine and warning without.
std::optional<Finding> instanceNormMismatch(const NormSpec& spec, const Shape& shape,
                                            bool unbatched, const ModuleArguments& args,
                                            TorchVersion version) {
    const std::int64_t N = shape[0], C = shape[1], nf = *spec.numFeatures;
    if (C == nf) return std::nullopt;
    const int featureDim = unbatched ? 0 : 1;
    const std::string what = "the input has " + num(C) + " channels at dim=" + num(featureDim) +
                             " but num_features=" + num(nf);
    const std::string fix = args.constructorWith("num_features", num(C), 0);
    const std::string repeated = " (InstanceNorm runs batch_norm on the input viewed as [1, N*C, "
                                 "...] = [1, " +
                                 num(N * C) + ", ...] with parameters repeated N=" + num(N) +
                                 " times: " + num(N * nf) + ")";
    const std::string runningMessage =
        "running_mean should contain " + num(N * C) + " elements not " + num(N * nf);
    if (version.atLeast(2, 1)) {
        if (spec.affine)
            return finding(Severity::Error, FindingCode::NumFeaturesMismatch, what,
                           TorchAction::Raises, "ValueError",
                           "expected input's size at dim=" + num(featureDim) +
                               " to match num_features (" + num(nf) + "), but got: " + num(C) + ".",
                           fix);
        const std::string warning =
            "input's size at dim=" + num(featureDim) +
            " does not match num_features. You can silence this warning by not passing in "
            "num_features, which is not used because affine=False";
        if (spec.trackRunningStats) {
            Finding f = finding(Severity::Error, FindingCode::NumFeaturesMismatch, what + repeated,
                                TorchAction::Raises, "RuntimeError", runningMessage, fix);
            f.why = "it first warns \"" + warning + "\"";
            return f;
        }
        return finding(Severity::Warning, FindingCode::NumFeaturesMismatch,
                       what + "; nothing uses num_features because affine=False and "
                              "track_running_stats=False",
                       TorchAction::Warns, "UserWarning", warning, fix);
    }
    if (spec.trackRunningStats)
        return finding(Severity::Error, FindingCode::NumFeaturesMismatch, what + repeated,
                       TorchAction::Raises, "RuntimeError", runningMessage, fix);
    if (spec.affine)
        return finding(Severity::Error, FindingCode::NumFeaturesMismatch, what + repeated,
                       TorchAction::Raises, "RuntimeError",
                       "weight should contain " + num(N * C) + " elements not " + num(N * nf), fix);
    return silent(Severity::Warning, FindingCode::NumFeaturesMismatch,
                  what + "; nothing uses num_features because affine=False and "
                         "track_running_stats=False",
                  "num_features is never read without affine weights or running statistics "
                  "(PyTorch 2.1 added a warning)",
                  fix);
}

} // namespace

std::optional<NormLayer> readNormLayer(const ModuleNode& node) {
    const std::string& t = node.type;
    const ModuleArguments a(node);
    NormLayer layer;
    NormSpec& spec = layer.spec;
    auto readCommon = [&](bool affineDefault, bool trackDefault) {
        if (a.has("eps")) {
            if (a.isNone("eps"))
                spec.eps.reset();
            else if (auto eps = a.number("eps"))
                spec.eps = *eps;
            else
                layer.readError = "eps";
        }
        if (a.isNone("momentum"))
            spec.momentum.reset();
        else if (a.has("momentum"))
            spec.momentum = a.number("momentum").value_or(0.1);
        spec.affine =
            a.boolean("affine").value_or(a.boolean("elementwise_affine").value_or(affineDefault));
        spec.trackRunningStats = a.boolean("track_running_stats").value_or(trackDefault);
    };
    if (t == "FrozenBatchNorm2d") {
        spec = NormSpec::defaultsFor(Variant::BatchNorm);
        layer.dims = 2;
        layer.frozen = true;
        spec.numFeatures = a.integer("num_features", 0);
        spec.eps = a.number("eps").value_or(1e-5);
        spec.affine = true;
        spec.trackRunningStats = true;
        if (!spec.numFeatures) layer.readError = "num_features";
        spec.training = false; // frozen: the running statistics are always used
        return layer;
    }
    if (int d = familyDims(t, "BatchNorm"); d > 0 || t == "SyncBatchNorm") {
        spec = NormSpec::defaultsFor(Variant::BatchNorm);
        layer.dims = std::max(d, 0);
        spec.numFeatures = a.integer("num_features", 0);
        readCommon(true, true);
        if (!spec.numFeatures) layer.readError = "num_features";
    } else if (int d = familyDims(t, "InstanceNorm"); d > 0) {
        spec = NormSpec::defaultsFor(Variant::InstanceNorm);
        layer.dims = d;
        spec.numFeatures = a.integer("num_features", 0);
        readCommon(false, false);
        if (!spec.numFeatures) layer.readError = "num_features";
    } else if (t == "LayerNorm" || t == "RMSNorm") {
        spec = NormSpec::defaultsFor(t == "LayerNorm" ? Variant::LayerNorm : Variant::RmsNorm);
        readCommon(true, false);
        if (auto ns = a.tuple("normalized_shape", 0))
            spec.normalizedShape = *ns;
        else
            layer.readError = "normalized_shape";
    } else if (t == "GroupNorm") {
        spec = NormSpec::defaultsFor(Variant::GroupNorm);
        spec.numGroups = a.integer("num_groups", 0);
        spec.numFeatures = a.integer("num_channels", 1);
        readCommon(true, false);
        if (!spec.numGroups || !spec.numFeatures || *spec.numGroups <= 0)
            layer.readError = "num_groups and num_channels";
    } else {
        return std::nullopt;
    }
    spec.training = true;
    return layer;
}

// What checkNormLayer learns of the input before explaining anything.
struct InputFacts {
    std::int64_t channels = 0; // dim 1 of the normalised shape
    bool channelsLast = false; // BatchNorm1d fed [N, L, C] with C = num_features
    std::string channelsLastFix;
};

// Mistakes visible in the printed line alone, before any input. True when the module
// cannot be built at all (nothing else is checked then).
bool checkPrintedLine(const ModuleNode& node, const NormLayer& layer,
                      const std::optional<Shape>& input, const ModuleNode* previous,
                      TorchVersion version, std::vector<Finding>& out) {
    const NormSpec& spec = layer.spec;
    const std::string& type = node.type;
    const ModuleArguments a(node);
    const bool batchNorm = spec.variant == Variant::BatchNorm;
    if (spec.variant == Variant::RmsNorm && !version.atLeast(2, 4)) {
        // print(model) printed it, so the model was built: in a PyTorch without nn.RMSNorm
        // this is a class of the model's own (LLaMA's RMSNorm), checked as nn.RMSNorm would be.
        Finding f = finding(Severity::Info, FindingCode::RmsNormUnavailable,
                            "PyTorch " + version.toString() +
                                " has no nn.RMSNorm (added in 2.4): if this is nn.RMSNorm, "
                                "building the model there raises AttributeError; a model that "
                                "printed this in " +
                                version.toString() +
                                " has an RMSNorm class of its own (LLaMA's), checked here over "
                                "its normalized_shape as nn.RMSNorm would be",
                            TorchAction::Silent, "", "",
                            "nothing, if the class is the model's own; else PyTorch >= 2.4");
        f.why = "not a mistake in itself";
        out.push_back(std::move(f));
    }
    if (spec.variant == Variant::GroupNorm && *spec.numFeatures % *spec.numGroups != 0) {
        const std::int64_t g = largestDivisorAtMost(*spec.numFeatures, *spec.numGroups);
        out.push_back(finding(Severity::Error, FindingCode::GroupNormDivisibility,
                              "num_channels=" + num(*spec.numFeatures) +
                                  " is not divisible by num_groups=" + num(*spec.numGroups),
                              TorchAction::Raises, "ValueError",
                              "num_channels must be divisible by num_groups",
                              a.constructorWith("num_groups", num(g), 0)));
        out.back().why = "the constructor raises, before any input";
        return true;
    }
    if (spec.eps && *spec.eps <= 0)
        out.push_back(silent(Severity::Warning, FindingCode::EpsNotPositive,
                             "eps=" + a.text("eps") +
                                 ": a slice whose values are all equal has variance 0 and "
                                 "divides by zero (inf or NaN outputs). PyTorch accepts it: this "
                                 "is NormLab's advice, not PyTorch's rule",
                             "eps is only added under the square root",
                             a.constructorWith("eps", "1e-05")));
    if (batchNorm && !spec.trackRunningStats)
        out.push_back(silent(Severity::Info, FindingCode::EvalUsesBatchStats,
                             type + " has no running statistics (track_running_stats=False): in "
                                    "eval mode too it normalises with the statistics of the batch "
                                    "it is given, so outputs depend on the rest of the batch",
                             "without buffers there is nothing else to use in eval",
                             a.constructorWith("track_running_stats", "True")));
    if (spec.variant == Variant::GroupNorm && *spec.numGroups == 1) {
        std::string ln = "nn.LayerNorm(<the input's shape without N>)";
        if (input && input->size() >= 2)
            ln = "nn.LayerNorm(" + shapeArgument(Shape(input->begin() + 1, input->end())) + ")";
        out.push_back(silent(
            Severity::Info, FindingCode::GroupNormOneGroup,
            "GroupNorm(1, " + num(*spec.numFeatures) +
                ") normalises each sample over all its elements, as LayerNorm over (C, ...) "
                "does; the two agree only without affine: GroupNorm's weight and bias are per "
                "channel [" +
                num(*spec.numFeatures) + "], LayerNorm's per element",
            "both are valid modules; they differ in their parameters",
            spec.affine ? ln + " for per-element parameters, or keep GroupNorm for per-channel ones"
                        : "none needed: without affine it equals " + ln));
    }
    if (isConv(previous) && (batchNorm || spec.variant == Variant::InstanceNorm) &&
        ModuleArguments(*previous).boolean("bias").value_or(true)) {
        out.push_back(silent(Severity::Info, FindingCode::ConvBiasBeforeNorm,
                             previous->type + " has a bias, and " + type +
                                 " subtracts each channel's mean right after it, which removes "
                                 "any per-channel constant: the bias has no effect on the output",
                             "the bias is a valid parameter; it is just cancelled",
                             ModuleArguments(*previous).constructorWith("bias", "False")));
    }
    return false;
}

// The error PyTorch raises for the layer on `shape`, in its words, with the mistake
// explained and the corrected line.
Finding explainRaisedError(const ConfigurationCheck& result, const ModuleNode& node,
                           const NormLayer& layer, const Shape& shape, const InputFacts& facts) {
    const NormSpec& spec = layer.spec;
    const std::string& type = node.type;
    const ModuleArguments a(node);
    const std::int64_t channels = facts.channels;
    FindingCode code = findingCodeOf(result.kind);
    std::string message = result.error, fix;
    if (code == FindingCode::NumFeaturesMismatch) {
        message = "the input has " + num(channels) + " channels at dim=1 but " +
                  (spec.variant == Variant::GroupNorm ? "num_channels=" : "num_features=") +
                  num(*spec.numFeatures);
        fix =
            a.constructorWith(spec.variant == Variant::GroupNorm ? "num_channels" : "num_features",
                              num(channels), spec.variant == Variant::GroupNorm ? 1 : 0);
        if (facts.channelsLast) {
            code = FindingCode::BatchNormChannelsLast;
            message = type + " reads dim 1 (" + num(shape[1]) + ") as channels, but the input " +
                      shapeToString(shape) + " has its " + num(*spec.numFeatures) +
                      " features last, as Linear and Embedding produce them";
            fix = facts.channelsLastFix;
        }
    } else if (code == FindingCode::NormalizedShapeMismatch) {
        const std::size_t k = spec.normalizedShape.size();
        Shape suggestion;
        if (shape.size() >= 2 && k >= 1 && spec.normalizedShape[0] == shape[1])
            suggestion.assign(shape.begin() + 1, shape.end());
        else if (shape.size() >= k)
            suggestion.assign(shape.end() - std::ptrdiff_t(k), shape.end());
        message = "normalized_shape=" + shapeToString(spec.normalizedShape) +
                  " must equal the trailing dims of the input " + shapeToString(shape);
        fix = suggestion.empty() ? "normalized_shape = the input's trailing dims"
                                 : a.constructorWith("normalized_shape",
                                                     suggestion.size() == 1
                                                         ? "(" + shapeArgument(suggestion) + ",)"
                                                         : shapeArgument(suggestion),
                                                     0);
    } else if (code == FindingCode::GroupNormDivisibility) {
        message = "the input has " + num(channels) +
                  " channels, not divisible by num_groups=" + num(*spec.numGroups);
        fix = a.constructorWith("num_groups", num(largestDivisorAtMost(channels, *spec.numGroups)),
                                0);
    } else if (code == FindingCode::BatchOfOne && spec.variant == Variant::GroupNorm) {
        message = type + " has one value per group: the input " + shapeToString(shape) +
                  " with num_groups=" + num(*spec.numGroups) +
                  " leaves a single value in each group";
        fix = "fewer groups, or an input with more than one value per group";
    } else if (code == FindingCode::BatchOfOne) {
        message = type + " in training needs more than one value per channel; the input " +
                  shapeToString(shape) + " has exactly one";
        fix = "a batch of 2 or more, model.eval() for inference, or nn.GroupNorm / "
              "nn.LayerNorm whose statistics do not depend on the batch";
    } else if (code == FindingCode::SingleSpatialElement) {
        message = type +
                  " in training (and in eval without running statistics) normalises each "
                  "(sample, channel) over its spatial elements, and the input " +
                  shapeToString(shape) +
                  " has one; PyTorch raises rather than output β for every element";
        fix = "move the norm before the pooling, or use nn.BatchNorm" +
              num(std::max(layer.dims, 1)) + "d / nn.LayerNorm on the pooled features";
    }
    return finding(Severity::Error, code, message, TorchAction::Raises,
                   std::string(kExceptionNames.nameOf(result.exception)),
                   // F.group_norm prints its size as a list, batch_norm as torch.Size
                   spec.variant == Variant::GroupNorm ? result.error : torchWording(result.error),
                   fix);
}

// What runs without an error on `shape` but is not what the layer was written for.
void checkSilentShapeMistakes(const ConfigurationCheck& result, const ModuleNode& node,
                              const NormLayer& layer, const Shape& shape, const Shape& normalized,
                              const InputFacts& facts, const ModuleNode* previous,
                              bool channelsLastInput, std::vector<Finding>& out) {
    const NormSpec& spec = layer.spec;
    const std::string& type = node.type;
    const ModuleArguments a(node);
    const std::int64_t channels = facts.channels;
    for (const Diagnostic& w : result.warnings) {
        if (w.code != FindingCode::NumFeaturesMismatch) continue;
        out.push_back(silent(
            Severity::Warning, FindingCode::NumFeaturesMismatch,
            "the input has " + num(channels) + " channels at dim=1 but " +
                (spec.variant == Variant::GroupNorm ? "num_channels=" : "num_features=") +
                num(*spec.numFeatures),
            "num_features is never read without affine weights or running "
            "statistics",
            a.constructorWith(spec.variant == Variant::GroupNorm ? "num_channels" : "num_features",
                              num(channels), spec.variant == Variant::GroupNorm ? 1 : 0)));
    }
    if (facts.channelsLast)
        out.push_back(silent(Severity::Warning, FindingCode::BatchNormChannelsLast,
                             type + " reads dim 1 as channels; the input " + shapeToString(shape) +
                                 " comes from " +
                                 (previous ? previous->type : std::string("the module before it")) +
                                 " with its features last, and only because both dims are " +
                                 num(*spec.numFeatures) +
                                 " does it run: it normalises each sequence position, not each "
                                 "feature",
                             "the sizes match, so nothing can tell", facts.channelsLastFix));
    if (spec.variant == Variant::BatchNorm && normalized[0] == 1 && normalized.size() > 2)
        out.push_back(silent(Severity::Info, FindingCode::BatchOfOne,
                             type + " in training with a batch of 1 " + shapeToString(shape) +
                                 ": each channel's statistics come from one sample, so it acts as "
                                 "InstanceNorm and the running statistics learn that one "
                                 "sample's spread",
                             "more than one value per channel is all it needs",
                             "a batch of 2 or more, or nn.GroupNorm for batch-independent "
                             "statistics"));
    // After a Permute the last dim is the channels (channels-last, as Swin and ConvNeXt do).
    if (spec.variant == Variant::LayerNorm && shape.size() >= 4 &&
        spec.normalizedShape.size() == 1 && !channelsLastInput &&
        !(previous && previous->type == "Permute"))
        out.push_back(silent(
            Severity::Warning, FindingCode::LayerNormTrailingAxis,
            "LayerNorm(" + num(spec.normalizedShape[0]) + ") on the feature map " +
                shapeToString(shape) + " normalises each run of " + num(shape.back()) +
                " values along the last axis (width) on its own" +
                (shape[1] == spec.normalizedShape[0]
                     ? ", not over the " + num(shape[1]) + " channels, although the numbers match"
                     : ""),
            "normalized_shape matches the last dim, so it is valid",
            "nn.GroupNorm(1, " + num(shape[1]) +
                ") to normalise over (C, H, W), or permute to channels-last "
                "before nn.LayerNorm(" +
                num(shape[1]) + ")"));
}

namespace {

NormCheck checkStandardNormLayer(const ModuleNode& node, const NormLayer& layer,
                                 const std::optional<Shape>& input, const ModuleNode* previous,
                                 TorchVersion version, bool channelsLastInput);

} // namespace

NormCheck checkNormLayer(const ModuleNode& node, const NormLayer& layer,
                         const std::optional<Shape>& input, const ModuleNode* previous,
                         TorchVersion version, bool channelsLastInput) {
    NormCheck check =
        checkStandardNormLayer(node, layer, input, previous, version, channelsLastInput);
    if (!layer.frozen || !input || input->size() < 2) return check;
    // FrozenBatchNorm2d's forward() is x * scale + bias with scale of shape [1, C, 1, 1]:
    // a wrong size is PyTorch's broadcasting error, not batch_norm's.
    for (Finding& f : check.findings)
        if (f.code == FindingCode::NumFeaturesMismatch && f.action == TorchAction::Raises) {
            f.exception = "RuntimeError";
            f.torchMessage = "The size of tensor a (" + num((*input)[1]) +
                             ") must match the size of tensor b (" + num(*layer.spec.numFeatures) +
                             ") at non-singleton dimension 1";
        }
    return check;
}

namespace {

NormCheck checkStandardNormLayer(const ModuleNode& node, const NormLayer& layer,
                                 const std::optional<Shape>& input, const ModuleNode* previous,
                                 TorchVersion version, bool channelsLastInput) {
    NormCheck check;
    std::vector<Finding>& out = check.findings;
    const NormSpec& spec = layer.spec;
    const std::string& type = node.type;
    const ModuleArguments a(node);
    if (checkPrintedLine(node, layer, input, previous, version, out)) return check;
    if (!input) return check;

    // The module class's rank check comes first.
    const Shape& shape = *input;
    if (auto rank = rankError(type, layer.dims, shape.size())) {
        const std::int64_t channels = shape.size() >= 2 ? shape[1] : (shape.empty() ? 0 : shape[0]);
        out.push_back(finding(Severity::Error, FindingCode::WrongRank,
                              type + " takes " + rank->accepted + " input, this one is " +
                                  num(std::int64_t(shape.size())) + "D " + shapeToString(shape),
                              TorchAction::Raises, "ValueError", rank->torchMessage,
                              moduleForRank(type, shape.size(), channels)));
        return check;
    }

    NormSpec effective = spec;
    Shape normalized = shape;
    const bool instance = spec.variant == Variant::InstanceNorm;
    const bool unbatched = instance && shape.size() == std::size_t(layer.dims + 1);
    if (unbatched) {
        normalized.insert(normalized.begin(), 1);
        out.push_back(silent(
            Severity::Warning, FindingCode::InstanceNormUnbatched,
            type + " got a " + num(std::int64_t(shape.size())) + "D input " + shapeToString(shape) +
                ", which PyTorch reads as ONE unbatched sample: C=" + num(shape[0]) +
                " channels (your batch) each normalised over " + num(shape.back()) +
                " values, and num_features is compared with " + num(shape[0]),
            "an input with one dim fewer than usual is taken as unbatched (C, L...)",
            shape.size() == 2 ? "nn.LayerNorm(" + num(shape[1]) +
                                    ") to normalise each sample's features, or x.unsqueeze(1) "
                                    "for one channel"
                              : "add the batch dim: x.unsqueeze(0)"));
    }
    check.normalizedShape = normalized;
    if (instance) {
        if (auto mismatch = instanceNormMismatch(spec, normalized, unbatched, a, version)) {
            const bool raises = mismatch->action == TorchAction::Raises;
            out.push_back(std::move(*mismatch));
            if (raises) return check;
        }
        effective.numFeatures = normalized[1]; // reported above; the rest checks as usual
    }

    const ConfigurationCheck result = checkConfiguration(effective, normalized);
    InputFacts facts;
    facts.channels = normalized.size() >= 2 ? normalized[1] : 0;
    facts.channelsLast = type == "BatchNorm1d" && shape.size() == 3 &&
                         shape[2] == *spec.numFeatures &&
                         (shape[1] != *spec.numFeatures || makesFeaturesLast(previous));
    facts.channelsLastFix = "x.transpose(1, 2) before and after it (BatchNorm1d wants "
                            "[N, C, L]), or nn.LayerNorm(" +
                            num(*spec.numFeatures) + ") to normalise each position's features";
    if (!result.error.empty()) {
        out.push_back(explainRaisedError(result, node, layer, shape, facts));
        return check;
    }
    checkSilentShapeMistakes(result, node, layer, shape, normalized, facts, previous,
                             channelsLastInput, out);
    return check;
}

} // namespace

} // namespace normlab::detail
