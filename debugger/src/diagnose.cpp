#include "normlab/diagnose.h"

#include "block_walker.h"
#include "pinned_channels.h"

#include <charconv>
#include <set>

namespace normlab {

namespace {

const char* kOrderAssumption =
    "nn.Sequential runs its modules in printed order: shapes there are exact. Other classes run "
    "them as their forward() says, which print(model) does not show: for each such block the "
    "data-flow reading that fits the sizes its modules declare is used (sequential, gate, "
    "residual with a projection, dense, parallel branches), and its shapes are inferred; a "
    "block no reading fits, or that two readings fit differently, leaves its shapes unknown.";
const char* kTrainingAssumption =
    "Modules are in training mode (as after construction); findings about eval mode say so.";
const char* kContinueAssumption =
    "After a layer PyTorch would raise on, the analysis goes on with the output that layer "
    "would give once fixed, so later mistakes are found in the same pass.";

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

std::string_view certaintyName(Certainty c) {
    switch (c) {
    case Certainty::Exact:
        return "exact";
    case Certainty::Inferred:
        return "inferred";
    case Certainty::Unknown:
        break;
    }
    return "unknown";
}

std::string partialShapeToString(const PartialShape& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        out += (i ? ", " : "") + (shape[i] ? std::to_string(*shape[i]) : std::string("?"));
    return out + "]";
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
    report.assumptions.push_back(kOrderAssumption);
    report.assumptions.push_back(kTrainingAssumption);
    report.assumptions.push_back(kContinueAssumption);
    report.assumptions.push_back("PyTorch's behaviour is described for version " +
                                 version.toString() + ".");
    if (inputShape.empty())
        report.assumptions.push_back(
            "No input shape was given: shapes are not propagated from the input. Inside "
            "nn.Sequential the module before a normalization layer still fixes its channels "
            "(a convolution's out_channels, a Linear's out_features), so those are checked "
            "exactly; the other dims are unknown.");
    detail::BlockWalker walker(version, report);
    walker.walk(model, "",
                inputShape.empty() ? detail::Flow{} : detail::Flow{inputShape, Certainty::Exact},
                nullptr);
    detail::checkPinnedChannels(model, version, report);
    if (!inputShape.empty() && !walker.firstUnknown().empty())
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
