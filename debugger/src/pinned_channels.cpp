#include "pinned_channels.h"

#include "block_walker.h"
#include "layer_shapes.h"
#include "module_arguments.h"
#include "norm_layer_checks.h"

#include <set>

namespace normlab::detail {

namespace {

// What a structural module declares: the size it takes and the size it gives, at dim 1 of a
// map with `spatial` dims (a convolution) or last (Linear, Embedding, attention).
struct Declared {
    std::optional<std::int64_t> in; // none for an Embedding (it takes indices)
    std::int64_t out = 0;
    bool atDim1 = false;
    int spatial = 0;
    std::string what;      // "Conv2d out_channels"
    bool inferred = false; // read through a class of its own (its forward() not shown)
};

// What the module before pins for the next one.
struct Pinned {
    std::int64_t size = 0;
    bool atDim1 = false;
    int spatial = 0;
    std::string by;                 // "Encoder.0 (Conv2d out_channels)"
    std::optional<std::int64_t> in; // what that module takes
    bool embedding = false;
    bool inferred = false; // through a container whose forward() the text does not show
};

int spatialOf(const std::string& type, const char* prefix) {
    const std::string p(prefix);
    if (type.size() != p.size() + 2 || type.rfind(p, 0) != 0 || type.back() != 'd') return 0;
    const char d = type[p.size()];
    return d >= '1' && d <= '3' ? d - '0' : 0;
}

std::optional<Declared> declaredBy(const ModuleNode& m) {
    const ModuleArguments a(m);
    if (m.type == "MultiheadAttention") {
        for (const ModuleNode& c : m.children)
            if (c.name == "out_proj")
                if (const auto e = ModuleArguments(c).integer("in_features", 0); e && *e > 0)
                    return Declared{*e, *e, false, 0, "MultiheadAttention embed_dim"};
        return std::nullopt;
    }
    if (!m.children.empty()) return std::nullopt;
    for (const char* prefix : {"Conv", "ConvTranspose"})
        if (const int d = spatialOf(m.type, prefix)) {
            const auto in = a.integer("in_channels", 0), out = a.integer("out_channels", 1);
            if (in && out && *in > 0 && *out > 0)
                return Declared{*in, *out, true, d, m.type + " out_channels"};
        }
    if (m.type == "Linear") {
        const auto in = a.integer("in_features", 0), out = a.integer("out_features", 1);
        if (in && out && *in > 0 && *out > 0)
            return Declared{*in, *out, false, 0, "Linear out_features"};
    }
    if (m.type == "Embedding")
        if (const auto dim = a.integer("embedding_dim", 1); dim && *dim > 0)
            return Declared{std::nullopt, *dim, false, 0, "Embedding embedding_dim"};
    return std::nullopt;
}

// What a container declares as a whole, read from its modules' declared sizes: a gated
// feed-forward or an attention block takes and gives its model width; a chain whose modules
// each take what the one before gives takes the first one's input and gives the last one's
// output. Null where the sizes do not chain (a residual projection, branches): no guess.
std::optional<Declared> summarize(const ModuleNode& node, int depth = 0) {
    if (node.children.empty() || node.type == "MultiheadAttention") return declaredBy(node);
    if (depth > 16 || node.type == "ModuleList" || node.type == "ModuleDict") return std::nullopt;
    if (std::int64_t d = 0; looksLikeGatedMlp(node, &d))
        return Declared{d, d, false, 0, node.type + " (gated feed-forward) width", true};
    if (looksLikeAttention(node)) {
        std::optional<std::int64_t> width;
        for (const ModuleNode& c : node.children)
            if (c.type == "Linear")
                if (const auto in = ModuleArguments(c).integer("in_features", 0)) {
                    if (width && *width != *in) return std::nullopt;
                    width = *in;
                }
        if (width) return Declared{width, *width, false, 0, node.type + " (attention) width", true};
        return std::nullopt;
    }
    std::optional<Declared> first, last;
    bool inferred = !runsInPrintedOrder(node.type);
    for (const ModuleNode& c : node.children) {
        if (c.children.empty() && (readNormLayer(c) || preservesShape(c.type) ||
                                   (last && last->atDim1 && keepsChannels(c.type))))
            continue;
        const auto d = summarize(c, depth + 1);
        if (!d) return std::nullopt;
        if (last && !(d->in && d->atDim1 == last->atDim1 && *d->in == last->out))
            return std::nullopt;
        if (!first) first = d;
        last = d;
        inferred = inferred || d->inferred;
    }
    if (!first) return std::nullopt;
    return Declared{first->in, last->out, last->atDim1, last->spatial, last->what, inferred};
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

PartialShape partialOf(const Shape& standInShape, bool atDim1) {
    PartialShape out(standInShape.size());
    const std::size_t known = atDim1 ? 1 : standInShape.size() - 1;
    out[known] = standInShape[known];
    return out;
}

class PinnedChannels {
  public:
    PinnedChannels(TorchVersion version, DiagnoseReport& report)
        : version_(version)
        , report_(report) {
        for (const Finding& f : report.findings)
            if (f.severity != Severity::Info) found_.insert(f.layer);
        for (LayerReport& l : report.layers) layers_[l.name] = &l;
    }

    void visit(const ModuleNode& node, const std::string& path) {
        if (runsInPrintedOrder(node.type)) {
            sequence(node, path, Certainty::Exact);
        } else if (!node.children.empty() && !isOpaqueModule(node.type) &&
                   node.type != "ModuleList" && node.type != "ModuleDict") {
            sequence(node, path, Certainty::Inferred);
        }
        for (const ModuleNode& child : node.children) visit(child, join(path, child.name));
    }

  private:
    static std::string join(const std::string& path, const std::string& name) {
        return path.empty() ? name : path + "." + name;
    }

    // `exact`: nn.Sequential, whose printed order is its forward(); a pin holds until a
    // module it cannot follow. Inferred: a class of its own read in printed order, only as
    // far as its structural modules' sizes chain (each takes what the one before gives);
    // the first module that breaks the chain (a projection, a branch, a block of its own)
    // ends the reading for the rest of the block.
    void sequence(const ModuleNode& node, const std::string& path, Certainty certainty) {
        const bool exact = certainty == Certainty::Exact;
        // A class that moves the channels last after its first convolution: the pin moves
        // from dim 1 to the last dim there.
        int permutedAfter = -1;
        if (!exact) looksChannelsLast(node, &permutedAfter);
        std::optional<Pinned> pinned;
        for (const ModuleNode& child : node.children) {
            const bool permuteHere =
                permutedAfter >= 0 && &child == &node.children[std::size_t(permutedAfter)];
            const std::string at = join(path, child.name);
            if (child.afterElision) {
                if (!exact) return;
                pinned.reset(); // pinned again by the next declaring module
            }
            if (const auto norm = readNormLayer(child); norm && norm->readError.empty()) {
                if (pinned) check(child, *norm, *pinned, at, certainty, node.type);
                continue; // a normalization layer keeps the shape
            }
            // A module by what it declares, a container as a whole where its sizes say what it
            // gives (summarize is declaredBy for a leaf).
            if (const auto d = summarize(child)) {
                const bool embedding = !d->in;
                // Embeddings side by side are summed (token + position + type).
                const bool summed =
                    embedding && pinned && pinned->embedding && pinned->size == d->out;
                const bool chains =
                    !pinned || summed ||
                    (d->in && d->atDim1 == pinned->atDim1 && *d->in == pinned->size);
                if (!exact && !chains) return;
                pinned = Pinned{d->out, d->atDim1, d->spatial, at + " (" + d->what + ")",
                                d->in,  embedding, d->inferred};
                if (permuteHere) {
                    pinned->atDim1 = false; // forward() permutes: C is the last dim now
                    pinned->inferred = true;
                    pinned->by += ", then moved last in forward()";
                }
                continue;
            }
            const bool keeps =
                child.children.empty() && (preservesShape(child.type) ||
                                           (pinned && pinned->atDim1 && keepsChannels(child.type)));
            if (keeps) continue;
            if (!exact) return; // a block of its own, a reshape: the reading ends here
            pinned.reset();
        }
    }

    void check(const ModuleNode& node, const NormLayer& norm, const Pinned& p,
               const std::string& path, Certainty blockCertainty, const std::string& blockType) {
        const Certainty certainty = p.inferred ? Certainty::Inferred : blockCertainty;
        if (found_.count(path)) return; // the walk said it already, on its own shapes
        const auto it = layers_.find(path);
        LayerReport* layer = it == layers_.end() ? nullptr : it->second;
        if (layer && layer->inputShape) return; // the walk knew its whole input shape
        const auto input = standIn(p, norm);
        if (!input) return;
        // In a class of its own a norm of the size the module before takes may run before it
        // (pre-norm, Swin's patch merging prints its reduction first): no reading decides.
        const NormSpec& s = norm.spec;
        const std::optional<std::int64_t> declared =
            s.numFeatures                   ? s.numFeatures
            : s.normalizedShape.size() == 1 ? std::optional<std::int64_t>(s.normalizedShape[0])
                                            : std::nullopt;
        if (blockCertainty != Certainty::Exact && p.in && declared == p.in && declared != p.size)
            return; // (where it takes what the module gives too, either order agrees)
        const PartialShape partial = partialOf(*input, p.atDim1);
        const std::string basis =
            certainty == Certainty::Exact
                ? "exact channels: nn.Sequential feeds it what " + p.by + " declares"
            : blockCertainty == Certainty::Exact
                ? "inferred channels: nn.Sequential feeds it what " + p.by +
                      " gives, read from that block's declared sizes"
                : "inferred channels: " + blockType +
                      " read in printed order, which its modules' declared sizes fit up to "
                      "here, feeds it what " +
                      p.by + " declares";
        NormCheck check = checkNormLayer(node, norm, input, nullptr, version_, false);
        // The checks were run on a stand-in: where a message quotes its shape, it quotes the
        // dims that are known and '?' for the others.
        // A last dim pinned leaves the rank unknown: PyTorch's own [*, F].
        const std::string standInText = shapeToString(*input),
                          partialText = p.atDim1 ? partialShapeToString(partial)
                                                 : "[*, " + std::to_string(p.size) + "]";
        const auto honest = [&](std::string& text) {
            for (std::size_t at = text.find(standInText); at != std::string::npos;
                 at = text.find(standInText, at + partialText.size()))
                text.replace(at, standInText.size(), partialText);
        };
        for (Finding& f : check.findings) {
            if (f.severity == Severity::Info) continue;
            for (std::string* text : {&f.message, &f.torchMessage, &f.fix, &f.why}) honest(*text);
            f.layer = path;
            f.certainty = certainty;
            f.restsOn = basis + " (" + partialText +
                        (p.atDim1 ? "; the other dims are unknown, a batched input is assumed)"
                                  : "; the other dims are unknown)");
            describeForVersion(f, version_);
            report_.findings.push_back(std::move(f));
        }
        found_.insert(path);
        if (layer) {
            if (p.atDim1) layer->partialInput = partial; // the rank is the convolution's
            layer->certainty = certainty;
            layer->why = basis + ": " + partialText + ", the other dims unknown";
        }
    }

    TorchVersion version_;
    DiagnoseReport& report_;
    std::set<std::string> found_;
    std::map<std::string, LayerReport*> layers_;
};

} // namespace

void checkPinnedChannels(const ModuleNode& root, TorchVersion version, DiagnoseReport& report) {
    PinnedChannels(version, report).visit(root, "");
}

} // namespace normlab::detail
