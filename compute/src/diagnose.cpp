#include "normlab/diagnose.h"

#include "layer_shapes.h"
#include "norm_layer_checks.h"

#include <charconv>
#include <set>

namespace normlab {

namespace {

using detail::LayerStep;

// Children with these names take their parent's input and are added to its main path's
// output (torchvision's ResNet blocks and most residual code).
bool isResidualBranch(const std::string& name) {
    static const std::set<std::string> names = {"downsample", "shortcut", "skip", "residual",
                                                "proj_shortcut"};
    return names.count(name) > 0;
}

const char* kOrderAssumption =
    "Modules run in the order print(model) lists them (the nn.Sequential assumption): a model "
    "whose forward() reorders, reuses or branches its modules is analysed as if it did not.";
const char* kTrainingAssumption =
    "Modules are in training mode (as after construction); findings about eval mode say so.";
const char* kContinueAssumption =
    "After a layer PyTorch would raise on, the analysis goes on with the output that layer "
    "would give once fixed, so later mistakes are found in the same pass.";

class Walker {
  public:
    Walker(TorchVersion version, DiagnoseReport& report)
        : version_(version)
        , report_(report) {}

    std::optional<Shape> walk(const ModuleNode& node, const std::string& path,
                              std::optional<Shape> input) {
        const bool leaf = node.children.empty() || detail::isOpaqueModule(node.type);
        if (!leaf) return walkChildren(node, path, std::move(input));
        LayerReport layer;
        layer.name = path.empty() ? node.type : path;
        layer.type = node.type;
        layer.inputShape = input;
        layer.line = node.line;
        if (auto norm = detail::readNormLayer(node)) {
            if (!norm->readError.empty()) {
                add(layer, unreadable(node, norm->readError));
            } else {
                detail::NormCheck check =
                    detail::checkNormLayer(node, *norm, input, previous_, version_);
                for (Finding& f : check.findings) add(layer, std::move(f));
                layer.normSpec = norm->spec;
                layer.normInputShape = check.normalizedShape;
                layer.outputShape = input;
            }
        } else if (input) {
            LayerStep step = detail::layerShape(node, *input);
            layer.outputShape = step.output;
            if (step.raised) add(layer, std::move(*step.raised));
            if (!step.output && step.raised) {
                noteUnknown(layer.name);
            } else if (!step.output) {
                Finding f;
                f.severity = Severity::Info;
                f.code = node.children.empty() &&
                                 step.unknownReason.find("could not read") == std::string::npos
                             ? "unknown_module"
                             : "unreadable_arguments";
                f.message = step.unknownReason + "; shapes after it are unknown";
                f.why = "not a mistake in itself";
                f.fix = "give the shape this module outputs as the input of the next part, "
                        "and diagnose that part separately";
                add(layer, std::move(f));
                noteUnknown(layer.name);
            }
        }
        previous_ = &node;
        std::optional<Shape> output = layer.outputShape;
        report_.layers.push_back(std::move(layer));
        return output;
    }

    bool sawUnknown() const { return !firstUnknown_.empty(); }
    const std::string& firstUnknown() const { return firstUnknown_; }
    bool usedResidual() const { return usedResidual_; }

  private:
    TorchVersion version_;
    DiagnoseReport& report_;
    const ModuleNode* previous_ = nullptr;
    std::string firstUnknown_;
    bool usedResidual_ = false;

    std::optional<Shape> walkChildren(const ModuleNode& node, const std::string& path,
                                      std::optional<Shape> input) {
        std::optional<Shape> current = input;
        for (const ModuleNode& child : node.children) {
            const std::string childPath = path.empty() ? child.name : path + "." + child.name;
            if (isResidualBranch(child.name) && &child != &node.children.front()) {
                usedResidual_ = true;
                previous_ = nullptr;
                walk(child, childPath, input); // main path's output stays the block's
                continue;
            }
            current = walk(child, childPath, current);
        }
        return current;
    }

    static Finding unreadable(const ModuleNode& node, const std::string& what) {
        Finding f;
        f.severity = Severity::Info;
        f.code = "unreadable_arguments";
        f.message = node.type + ": could not read " + what + " from the printed arguments";
        f.why = "not checked";
        f.fix = "paste the line exactly as print(model) prints it";
        return f;
    }

    void noteUnknown(const std::string& layer) {
        if (firstUnknown_.empty()) firstUnknown_ = layer;
    }

    void add(const LayerReport& layer, Finding f) {
        f.layer = layer.name;
        const std::string v = "PyTorch " + version_.toString();
        const std::string& why = f.why;
        switch (f.action) {
        case TorchAction::Raises:
            if (f.exception.empty())
                f.pytorch = v + " fails here; what it says (or whether it crashes) is not "
                                "modelled";
            else
                f.pytorch = v + " raises " + f.exception +
                            (f.torchMessage.empty() ? " (its words here are not modelled)"
                                                    : ": " + f.torchMessage);
            if (!why.empty()) f.pytorch += " (" + why + ")";
            break;
        case TorchAction::Warns:
            f.pytorch = v + " runs it and warns (" + f.exception + "): " + f.torchMessage;
            break;
        case TorchAction::Silent:
            if (f.code == "unknown_module" || f.code == "unreadable_arguments") {
                // The shape is unknown here, so nothing is claimed about what PyTorch does.
                f.pytorch = v + " may or may not run this: the shape is not determined from the text";
                break;
            }
            f.pytorch = v + " runs it without an error or warning" +
                        (why.empty() ? std::string() : ": " + why);
            break;
        }
        report_.findings.push_back(std::move(f));
    }
};

} // namespace

std::string TorchVersion::toString() const {
    return std::to_string(major) + "." + std::to_string(minor);
}

std::optional<TorchVersion> TorchVersion::parse(std::string_view text) {
    if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
    TorchVersion v;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    auto r = std::from_chars(p, end, v.major);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != '.') return std::nullopt;
    r = std::from_chars(r.ptr + 1, end, v.minor);
    if (r.ec != std::errc() || v.major < 0 || v.minor < 0) return std::nullopt;
    if (r.ptr != end && *r.ptr != '.' && *r.ptr != '+') return std::nullopt;
    if (v.major < 1 || v.major > 9) return std::nullopt;
    return v;
}

std::string_view torchActionName(TorchAction action) {
    switch (action) {
    case TorchAction::Raises:
        return "raises";
    case TorchAction::Warns:
        return "warns";
    case TorchAction::Silent:
        break;
    }
    return "silent";
}

DiagnoseReport diagnoseModel(const ModuleNode& model, const Shape& inputShape,
                             TorchVersion version) {
    DiagnoseReport report;
    for (std::int64_t d : inputShape)
        if (d <= 0) {
            report.error =
                "input shape " + shapeToString(inputShape) + " has a dim that is not positive";
            return report;
        }
    // Shape rules multiply dims (and grow them: upsampling, Embedding): keep far from int64's end.
    double elements = 1;
    for (std::int64_t d : inputShape) elements *= double(d);
    if (elements > 1e15) {
        report.error = "input shape " + shapeToString(inputShape) +
                       " has more than 10^15 elements; no model takes that";
        return report;
    }
    if (inputShape.size() > std::size_t(kMaxModelInputRank)) {
        report.error = "input shape " + shapeToString(inputShape) + " has more than " +
                       std::to_string(kMaxModelInputRank) + " dims";
        return report;
    }
    if (inputShape.empty()) {
        report.error = "give the input shape, e.g. 1,256,64,64";
        return report;
    }
    report.assumptions.push_back(kOrderAssumption);
    report.assumptions.push_back(kTrainingAssumption);
    report.assumptions.push_back(kContinueAssumption);
    report.assumptions.push_back("PyTorch's behaviour is described for version " +
                                 version.toString() + ".");
    Walker walker(version, report);
    walker.walk(model, "", inputShape);
    if (walker.usedResidual())
        report.assumptions.push_back(
            "Children named downsample / shortcut / skip / residual take their block's input "
            "(a residual branch), and the block's output is its main path's.");
    if (walker.sawUnknown())
        report.assumptions.push_back("Shapes are unknown after " + walker.firstUnknown() +
                                     " (its finding says why); layers after it "
                                     "are checked only for what their printed line shows.");
    return report;
}

DiagnoseReport diagnoseModel(std::string_view modelText, const Shape& inputShape,
                             TorchVersion version) {
    ModelText parsed = parseModelText(modelText);
    if (!parsed.root) {
        DiagnoseReport report;
        report.error = parsed.error;
        return report;
    }
    return diagnoseModel(*parsed.root, inputShape, version);
}

} // namespace normlab
