// The shape and affine debugger: reads what print(model) prints, propagates an input shape
// through the modules in printed order (the nn.Sequential assumption, stated in the report)
// and explains every normalization-layer mistake the way a given PyTorch version reports it
// (raises which message, warns which text, or runs silently), with the corrected line.
//
// Each mistake class is a FindingCode (normlab/finding_code.h: the codes, their names and
// what each means), reported per variant, affine and tracking as PyTorch does: raises, warns
// or runs silently.
#pragma once

#include "normlab/diagnostics.h"
#include "normlab/model_text.h"
#include "normlab/spec.h"
#include "normlab/tensor.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace normlab {

struct TorchVersion {
    int major = 2;
    int minor = 4;
    bool atLeast(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
    std::string toString() const;
    // "1.13", "2.1", "2.4.1", "v2.1": null when it is not a version.
    static std::optional<TorchVersion> parse(std::string_view text);
};

enum class TorchAction { Silent, Warns, Raises };

// How a shape is known: exact (nn.Sequential from the given input, or a trace), inferred (a
// data-flow reading of a custom block chosen because it fits the sizes its modules declare),
// unknown (null, with the reason in a finding or in LayerReport::why).
enum class Certainty { Exact, Inferred, Unknown };
std::string_view certaintyName(Certainty c); // "exact", "inferred", "unknown"

struct Finding {
    Severity severity = Severity::Warning;                // Error exactly when PyTorch raises
    FindingCode code = FindingCode::InvalidConfiguration; // findingCodeName() for its name
    std::string layer;   // dotted path, as named_modules() names it ("encoder.6")
    std::string message; // names both numbers that disagree
    TorchAction action = TorchAction::Silent;
    std::string exception;    // "RuntimeError", "ValueError", "UserWarning" when not silent
    std::string torchMessage; // PyTorch's own words when it raises or warns
    std::string why;          // why PyTorch does that (may be empty)
    std::string pytorch;      // one sentence: what that PyTorch version does, and why
    std::string fix;          // the corrected line, or what to change
    std::string restsOn;      // what the shape behind it rests on (certainty and reading)
    // Exact: the shape (or the channels) it rests on is determined by the text or a trace;
    // inferred: by a data-flow reading of a custom block; unknown: by the module's own line.
    Certainty certainty = Certainty::Unknown;
};

// A shape of which some dims are known: [?, 512, ?, ?] is {nullopt, 512, nullopt, nullopt}.
using PartialShape = std::vector<std::optional<std::int64_t>>;
std::string partialShapeToString(const PartialShape& shape); // "[?, 512, ?, ?]"

struct LayerReport {
    std::string name; // dotted path
    std::string type;
    std::optional<Shape> inputShape, outputShape; // null: unknown
    PartialShape partialInput; // the dims known where inputShape is not (empty: none)
    // Its input is made in forward() and not in the text (a position Embedding's indices): an
    // unknown input shape that says nothing against the block's reading.
    bool inputMadeInForward = false;
    int line = 0;                             // line of the model text
    Certainty certainty = Certainty::Unknown; // of inputShape
    std::string reading; // the data-flow reading of the block it is in ("sequential", ...)
    std::string why;     // why the shape is inferred or unknown
    // Normalization layers: the workbench configuration that reproduces the layer.
    std::optional<NormSpec> normSpec;
    std::optional<Shape> normInputShape; // what it normalises (unbatched input gains N = 1)
};

struct DiagnoseReport {
    std::vector<std::string> assumptions;
    std::vector<LayerReport> layers; // leaves in the order they run
    std::vector<Finding> findings;   // in layer order
    std::string error;               // the text could not be read (nothing else is set)
    bool ok() const { return error.empty(); }
};

// Input shapes of more dims than this are refused.
inline constexpr int kMaxModelInputRank = 8;

std::string_view torchActionName(TorchAction action); // "silent", "warns", "raises"

// A trace of the real forward pass (tools/normlab_trace.py): module calls in execution
// order with the shapes PyTorch saw, and where and how PyTorch raised, if it did.
struct TracedCall {
    std::string name, type, repr; // dotted name, class, the module's repr line
    bool leaf = true;
    std::optional<Shape> input, output; // first tensor input / output
};
struct TracedError {
    std::string type, message, module;
};
// A module of the traced model, in registration order (the state_dict's order), with the
// tensors it holds itself: parameters, then persistent buffers.
struct TracedModule {
    std::string name, type, repr; // dotted name ("" for the root), class, repr line
    struct Tensor {
        std::string name; // "weight", "class_token"
        Shape shape;
    };
    std::vector<Tensor> tensors;
};

// Every shape in the report is exact. Where PyTorch raised, its words come first, then
// NormLab's explanation of that module.
// A module that ran is never said to raise: where the check of its recorded input would raise
// but PyTorch ran it (a normalization subclass whose forward() rearranges its input), the
// layer's normalized shape is unknown, with that reason. `modules` (the trace's module
// table, may be empty): its leaves the forward pass never called are listed as not run.
DiagnoseReport diagnoseTrace(const std::vector<TracedCall>& calls,
                             const std::optional<TracedError>& error, TorchVersion version,
                             const std::vector<TracedModule>& modules = {});

DiagnoseReport diagnoseModel(std::string_view modelText, const Shape& inputShape,
                             TorchVersion version = {});
DiagnoseReport diagnoseModel(const ModuleNode& model, const Shape& inputShape,
                             TorchVersion version = {});

} // namespace normlab
