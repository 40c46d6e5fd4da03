#include "pinned_channels.h"

#include "block_walker.h"
#include "layer_shapes.h"
#include "module_arguments.h"
#include "norm_layer_checks.h"

#include <set>

namespace normlab::detail {

namespace {

// What the module before pins: `size` at dim 1 of a map with `spatial` dims (a
// convolution), or the last dim (a Linear, an Embedding).
struct Pinned {
    std::int64_t size = 0;
    bool atDim1 = false;
    int spatial = 0;
    std::string by; // "Encoder.0 (Conv2d out_channels)"
};

int spatialOf(const std::string& type, const char* prefix) {
    const std::string p(prefix);
    if (type.size() != p.size() + 2 || type.rfind(p, 0) != 0 || type.back() != 'd') return 0;
    const char d = type[p.size()];
    return d >= '1' && d <= '3' ? d - '0' : 0;
}

std::optional<Pinned> pinnedBy(const ModuleNode& m, const std::string& path) {
    const ModuleArguments a(m);
    if (!m.children.empty()) return std::nullopt;
    for (const char* prefix : {"Conv", "ConvTranspose"})
        if (const int d = spatialOf(m.type, prefix))
            if (const auto out = a.integer("out_channels", 1); out && *out > 0)
                return Pinned{*out, true, d, path + " (" + m.type + " out_channels)"};
    if (m.type == "Linear")
        if (const auto out = a.integer("out_features", 1); out && *out > 0)
            return Pinned{*out, false, 0, path + " (Linear out_features)"};
    if (m.type == "Embedding")
        if (const auto dim = a.integer("embedding_dim", 1); dim && *dim > 0)
            return Pinned{*dim, false, 0, path + " (Embedding embedding_dim)"};
    return std::nullopt;
}

// A stand-in input with the pinned size where the norm reads it and 2 elsewhere: the checks
// of the channel dim (BatchNorm, InstanceNorm, GroupNorm) and of the last dim (LayerNorm,
// RMSNorm) read nothing else. Null where this norm would read a dim the pin does not fix.
std::optional<Shape> standIn(const Pinned& p, const NormLayer& norm) {
    const NormSpec& s = norm.spec;
    const bool lastDim = s.variant == Variant::LayerNorm || s.variant == Variant::RmsNorm;
    if (lastDim) {
        if (p.atDim1 || s.normalizedShape.size() != 1) return std::nullopt;
        return Shape{2, 2, p.size};
    }
    if (!p.atDim1) return std::nullopt; // BatchNorm1d after a Linear: [N, F] or [N, L, F]?
    Shape shape{2, p.size};
    for (int i = 0; i < p.spatial; ++i) shape.push_back(2);
    return shape;
}

std::string partial(const Shape& standInShape, bool atDim1) {
    std::string out = "[";
    for (std::size_t i = 0; i < standInShape.size(); ++i) {
        const bool known = atDim1 ? i == 1 : i + 1 == standInShape.size();
        out += (i ? ", " : "") + (known ? std::to_string(standInShape[i]) : std::string("?"));
    }
    return out + "]";
}

class PinnedChannels {
  public:
    PinnedChannels(TorchVersion version, DiagnoseReport& report)
        : version_(version)
        , report_(report) {
        for (const Finding& f : report.findings)
            if (f.severity != Severity::Info) found_.insert(f.layer);
    }

    void visit(const ModuleNode& node, const std::string& path) {
        if (node.type == "Sequential") sequence(node, path);
        for (const ModuleNode& child : node.children) visit(child, join(path, child.name));
    }

  private:
    static std::string join(const std::string& path, const std::string& name) {
        return path.empty() ? name : path + "." + name;
    }

    void sequence(const ModuleNode& node, const std::string& path) {
        std::optional<Pinned> pinned;
        for (const ModuleNode& child : node.children) {
            const std::string at = join(path, child.name);
            if (child.afterElision) pinned.reset(); // pinned again by the next declaring module
            if (const auto norm = readNormLayer(child); norm && norm->readError.empty()) {
                if (pinned) check(child, *norm, *pinned, at);
                continue; // a normalization layer keeps the shape
            }
            if (auto p = pinnedBy(child, at)) {
                pinned = std::move(p);
                continue;
            }
            const bool keeps =
                child.children.empty() && (preservesShape(child.type) ||
                                           (pinned && pinned->atDim1 && keepsChannels(child.type)));
            if (!keeps) pinned.reset(); // a block of its own, a reshape: not followed here
        }
    }

    void check(const ModuleNode& node, const NormLayer& norm, const Pinned& p,
               const std::string& path) {
        if (found_.count(path)) return; // the walk said it already, on its own shapes
        const auto input = standIn(p, norm);
        if (!input) return;
        NormCheck check = checkNormLayer(node, norm, input, nullptr, version_, false);
        LayerReport* layer = nullptr;
        for (LayerReport& l : report_.layers)
            if (l.name == path) layer = &l;
        for (Finding& f : check.findings) {
            if (f.severity == Severity::Info) continue;
            f.layer = path;
            f.restsOn = "exact channels: nn.Sequential feeds it what " + p.by + " declares (" +
                        partial(*input, p.atDim1) +
                        "; the other dims are unknown, a batched input is assumed)";
            describeForVersion(f, version_);
            report_.findings.push_back(std::move(f));
        }
        if (layer && !layer->inputShape) {
            layer->why = "channels pinned by " + p.by + ": " + partial(*input, p.atDim1) +
                         (layer->why.empty() ? "" : "; " + layer->why);
        }
    }

    TorchVersion version_;
    DiagnoseReport& report_;
    std::set<std::string> found_;
};

} // namespace

void checkPinnedChannels(const ModuleNode& root, TorchVersion version, DiagnoseReport& report) {
    PinnedChannels(version, report).visit(root, "");
}

} // namespace normlab::detail
