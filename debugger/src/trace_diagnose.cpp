// The debugger on a trace of the real forward pass: every shape is observed, so every layer is
// exact and the normalization checks run on what PyTorch actually gave each layer.
#include "normlab/diagnose.h"

#include "block_walker.h"
#include "layer_shapes.h"
#include "norm_layer_checks.h"

#include <algorithm>
#include <set>

namespace normlab {

namespace {

const char* kTraceRestsOn = "exact shapes: a trace of the real forward pass";

// The module as print(model) would show it, from its repr line; a bare node of its class
// when the line cannot be read.
ModuleNode nodeOf(const TracedCall& call) {
    ModelText parsed = parseModelText(call.repr);
    if (parsed.root && parsed.root->children.empty()) return *parsed.root;
    ModuleNode node;
    node.type = call.type;
    return node;
}

// PyTorch's own exception, in its words, at the module where the trace stopped.
Finding pytorchError(const TracedError& error, std::string message, std::string fix) {
    Finding f;
    f.severity = Severity::Error;
    f.code = FindingCode::PytorchError;
    f.message = std::move(message);
    f.action = TorchAction::Raises;
    f.exception = error.type;
    f.torchMessage = error.message;
    f.why = "observed in the trace";
    f.fix = std::move(fix);
    return f;
}

// Modules whose output is a [N, C, ...] map: convolutions, and what keeps a map's channels.
bool makesChannelsFirstMap(const std::string& type) {
    return type.rfind("Conv", 0) == 0 || type.rfind("PixelShuffle", 0) == 0 ||
           type.rfind("PixelUnshuffle", 0) == 0 || detail::keepsChannels(type);
}

} // namespace

DiagnoseReport diagnoseTrace(const std::vector<TracedCall>& calls,
                             const std::optional<TracedError>& error, TorchVersion version,
                             const std::vector<TracedModule>& modules) {
    DiagnoseReport report;
    report.assumptions.push_back("Shapes are from a trace of the real forward pass: every shape "
                                 "is what PyTorch gave the module (exact).");
    report.assumptions.push_back("PyTorch's behaviour is described for version " +
                                 version.toString() + ".");
    std::set<std::string> seen;
    std::vector<ModuleNode> nodes; // kept alive for `previous`
    nodes.reserve(calls.size());
    const ModuleNode* previous = nullptr;
    // A trace shows shapes, not layouts: a map is known to be [N, C, H, W] while it is the
    // output of a convolution-like module, passed on only through shape-preserving ones (a
    // Linear, a Permute or a forward() reshape in between may have moved the channels last).
    std::optional<Shape> channelsFirstMap;
    auto add = [&](const LayerReport& layer, Finding f) {
        f.layer = layer.name;
        f.restsOn = kTraceRestsOn;
        f.certainty = Certainty::Exact;
        detail::describeForVersion(f, version);
        report.findings.push_back(std::move(f));
    };
    for (const TracedCall& call : calls) {
        if (!call.leaf || !seen.insert(call.name).second) continue; // a module called again
        nodes.push_back(nodeOf(call));
        const ModuleNode& node = nodes.back();
        LayerReport layer;
        layer.name = call.name.empty() ? call.type : call.name;
        layer.type = call.type;
        layer.inputShape = call.input;
        layer.outputShape = call.output;
        layer.certainty = call.input ? Certainty::Exact : Certainty::Unknown;
        layer.reading = "traced";
        const bool raisedHere = error && error->module == call.name;
        if (raisedHere) {
            Finding f =
                pytorchError(*error, call.type + " is where the traced forward pass stopped",
                             "see NormLab's explanation of this module below");
            add(layer, std::move(f));
        }
        if (auto norm = detail::readNormLayer(node); norm && norm->readError.empty()) {
            const bool knownChannelsFirst = channelsFirstMap && channelsFirstMap == call.input;
            detail::NormCheck check = detail::checkNormLayer(node, *norm, call.input, previous,
                                                             version, !knownChannelsFirst);
            const bool ran = !raisedHere && call.output.has_value();
            const bool contradicted =
                ran &&
                std::any_of(check.findings.begin(), check.findings.end(),
                            [](const Finding& f) { return f.action == TorchAction::Raises; });
            if (contradicted) {
                // PyTorch ran it on this input: what its normalization received is not the
                // recorded input (a subclass's forward() rearranged it first).
                Finding f;
                f.severity = Severity::Info;
                f.code = FindingCode::UnknownDataFlow;
                f.message = call.type + " ran in the trace on " + shapeToString(*call.input) +
                            ", which its declared sizes would refuse: its forward() rearranges "
                            "the input before normalizing (a subclass), so what the "
                            "normalization received is not in the trace and is not checked";
                f.why = "not a mistake in itself";
                f.fix = "nothing, or trace the normalization's own call";
                add(layer, std::move(f));
                layer.why = "its forward() rearranges the input: the normalized shape is unknown";
            } else {
                for (Finding& f : check.findings) add(layer, std::move(f));
                layer.normInputShape = check.normalizedShape;
            }
            layer.normSpec = norm->spec;
        } else if (raisedHere && call.input) {
            // Not a normalization layer: the shape rules say what is wrong, when they know.
            detail::LayerStep step = detail::layerShape(node, *call.input);
            if (step.raised) add(layer, std::move(*step.raised));
        }
        if (makesChannelsFirstMap(call.type))
            channelsFirstMap = call.output;
        else if (!call.input || !call.output || *call.input != *call.output ||
                 !detail::preservesShape(call.type))
            channelsFirstMap.reset();
        previous = &node;
        report.layers.push_back(std::move(layer));
    }
    // Leaves of the module table the forward pass never called.
    for (std::size_t i = 0; i < modules.size(); ++i) {
        const TracedModule& m = modules[i];
        // Registration order lists a module's children right after it.
        const bool leaf =
            i + 1 == modules.size() || modules[i + 1].name.rfind(m.name + ".", 0) != 0;
        if (m.name.empty() || !leaf || seen.count(m.name)) continue;
        LayerReport layer;
        layer.name = m.name;
        layer.type = m.type;
        layer.reading = "not run";
        layer.why = error ? "not run: the traced forward pass stopped before it, or never calls it"
                          : "not run: the traced forward pass never called it (a branch not "
                            "taken, or a module forward() does not use)";
        report.layers.push_back(std::move(layer));
    }
    if (error && !seen.count(error->module)) {
        // Raised in a container's own forward() code (a reshape, a cat), not in a leaf.
        LayerReport where;
        where.name = error->module.empty() ? "(model)" : error->module;
        Finding f = pytorchError(
            *error, "the traced forward pass stopped in the forward() of " + where.name,
            "the shapes the modules before it gave are in the layers above");
        add(where, std::move(f));
    }
    return report;
}

} // namespace normlab
