#include "block_walker.h"

#include "layer_shapes.h"
#include "module_arguments.h"
#include "norm_layer_checks.h"

#include "normlab/checked_int.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace normlab::detail {

namespace {

bool isLeaf(const ModuleNode& node) {
    return node.children.empty() || isOpaqueModule(node.type);
}

bool declaresInput(const ModuleNode& leaf) {
    const std::string& t = leaf.type;
    if (t.rfind("Conv", 0) == 0 || t == "Linear") return true;
    const auto norm = readNormLayer(leaf);
    return norm && norm->readError.empty();
}

// The first module, in the order `node` would run them, whose arguments declare what input
// it takes; null when a module without such a declaration changes the shape first.
const ModuleNode* firstDeclaring(const ModuleNode& node) {
    if (isLeaf(node)) {
        if (declaresInput(node)) return &node;
        if (preservesShape(node.type) || keepsChannels(node.type)) return nullptr;
        return &node; // a shape-changing module: the search ends here (see fitsConsumer)
    }
    for (const ModuleNode& child : node.children) {
        if (isLeaf(child) && !declaresInput(child) &&
            (preservesShape(child.type) || keepsChannels(child.type)))
            continue;
        return firstDeclaring(child);
    }
    return nullptr;
}

// The first structural module (a convolution, a Linear) that `node` runs, passing over
// normalization layers (their sizes are what is checked, not evidence of the layout) and
// modules that keep the shape; null when something else changes the shape first.
const ModuleNode* firstStructural(const ModuleNode& node) {
    if (isLeaf(node)) {
        if (readNormLayer(node) || preservesShape(node.type)) return nullptr;
        return declaresInput(node) ? &node : nullptr;
    }
    for (const ModuleNode& child : node.children) {
        if (isLeaf(child) && (readNormLayer(child) || preservesShape(child.type))) continue;
        return firstStructural(child);
    }
    return nullptr;
}

// The Linear input that forward() code makes with torch.flatten(x, 1) or x.view(N, -1): the
// flattened size. `ambiguous` is set where in_features is the channel count of a map with
// spatial extent: global pooling gives [N, C], moving channels last [N, ..., C], and the
// text does not say which.
std::optional<Shape> implicitFlatten(const Shape& s, std::int64_t inFeatures,
                                     bool* ambiguous = nullptr) {
    if (ambiguous) *ambiguous = false;
    if (s.size() <= 2) return std::nullopt;
    const CheckedInt flat = checkedProduct(Shape(s.begin() + 1, s.end()));
    if (flat.valid() && flat.get() == inFeatures) return Shape{s[0], inFeatures};
    if (s[1] == inFeatures) {
        if (ambiguous) *ambiguous = true;
        return Shape{s[0], inFeatures};
    }
    return std::nullopt;
}

// Whether `consumer` would accept `s` by the sizes it declares (true when it declares none).
bool fitsConsumer(const ModuleNode* consumer, const Shape& s) {
    if (!consumer) return true;
    const ModuleNode* leaf = firstDeclaring(*consumer);
    if (!leaf || !declaresInput(*leaf)) return true;
    const ModuleArguments a(*leaf);
    const std::string& t = leaf->type;
    if (t == "Linear") {
        const auto in = a.integer("in_features", 0);
        return !in || s.back() == *in || implicitFlatten(s, *in);
    }
    if (t.rfind("Conv", 0) == 0) {
        const auto in = a.integer("in_channels", 0);
        const char d = t.size() >= 2 ? t[t.size() - 2] : '0';
        const std::size_t spatial = d >= '1' && d <= '3' ? std::size_t(d - '0') : 0;
        if (!in || !spatial) return true;
        if (s.size() == spatial + 2) return s[1] == *in;
        if (s.size() == spatial + 1) return s[0] == *in;
        return false;
    }
    // A normalization layer first: its sizes are the hypothesis checked, not evidence.
    return true;
}

std::optional<Shape> concatChannels(const std::optional<Shape>& a, const std::optional<Shape>& b) {
    if (!a || !b || a->size() != b->size() || a->size() < 2) return std::nullopt;
    for (std::size_t i = 0; i < a->size(); ++i)
        if (i != 1 && (*a)[i] != (*b)[i]) return std::nullopt;
    Shape out = *a;
    const CheckedInt c = CheckedInt((*a)[1]) + (*b)[1];
    if (!c.valid()) return std::nullopt;
    out[1] = c.get();
    return out;
}

// Branches for the parallel readings: each child that changes the shape starts one; a
// shape-preserving module (an activation, dropout) joins the branch before it.
std::vector<std::vector<int>> branchesOf(const ModuleNode& node) {
    std::vector<std::vector<int>> groups;
    for (int i = 0; i < int(node.children.size()); ++i) {
        const ModuleNode& c = node.children[std::size_t(i)];
        if (!groups.empty() && isLeaf(c) && (preservesShape(c.type) || readNormLayer(c)))
            groups.back().push_back(i);
        else
            groups.push_back({i});
    }
    return groups;
}

// The input size the first declaring module of `node` states: in_channels of a
// convolution, in_features of a Linear; nullopt for anything else.
std::optional<std::int64_t> declaredInputSize(const ModuleNode& node) {
    const ModuleNode* leaf = firstDeclaring(node);
    if (!leaf) return std::nullopt;
    const ModuleArguments a(*leaf);
    if (leaf->type == "Linear") return a.integer("in_features", 0);
    if (leaf->type.rfind("Conv", 0) == 0) return a.integer("in_channels", 0);
    return std::nullopt;
}

// Whether two adjacent branch groups declare the same input size: forks are possible.
bool hasForks(const ModuleNode& node) {
    const auto groups = branchesOf(node);
    for (std::size_t g = 1; g < groups.size(); ++g) {
        const auto a = declaredInputSize(node.children[std::size_t(groups[g - 1].front())]);
        if (a && a == declaredInputSize(node.children[std::size_t(groups[g].front())])) return true;
    }
    return false;
}

// Whether a module of the block declares 4 x `channels` (a Linear's in_features, a norm's
// size): 2x2 patches merged into channels.
bool mergesPatches(const ModuleNode& node, std::int64_t channels) {
    for (const ModuleNode& c : node.children) {
        std::optional<std::int64_t> declared;
        if (c.type == "Linear")
            declared = ModuleArguments(c).integer("in_features", 0);
        else if (const auto norm = readNormLayer(c);
                 norm && norm->readError.empty() && norm->spec.normalizedShape.size() == 1)
            declared = norm->spec.normalizedShape[0];
        if (declared && channels > 0 && *declared == 4 * channels) return true;
    }
    return false;
}

std::string childPath(const std::string& path, const ModuleNode& child) {
    return path.empty() ? child.name : path + "." + child.name;
}

} // namespace

// Attention-like: the block's own Linear layers fuse the projections (out_features a
// multiple of in_features, as qkv) or repeat them (three or more with one in_features).
bool looksLikeAttention(const ModuleNode& node) {
    std::map<std::int64_t, int> byInput;
    bool fused = false;
    for (const ModuleNode& c : node.children) {
        if (c.type != "Linear") continue;
        const ModuleArguments a(c);
        const auto in = a.integer("in_features", 0), out = a.integer("out_features", 1);
        if (!in || !out || *in <= 0) continue;
        fused = fused || (*out >= 2 * *in && *out % *in == 0);
        ++byInput[*in];
    }
    return fused ||
           std::any_of(byInput.begin(), byInput.end(), [](const auto& e) { return e.second >= 3; });
}

// A gated feed-forward (SwiGLU / GEGLU, LLaMA's w2(silu(w1(x)) * w3(x))): leaves only, three
// Linear layers, two of them from d to h and one from h back to d. Sets d and h.
bool looksLikeGatedMlp(const ModuleNode& node, std::int64_t* d, std::int64_t* h) {
    std::vector<std::pair<std::int64_t, std::int64_t>> linears;
    for (const ModuleNode& c : node.children) {
        if (!isLeaf(c)) return false;
        if (c.type != "Linear") {
            if (!preservesShape(c.type)) return false;
            continue;
        }
        const ModuleArguments a(c);
        const auto in = a.integer("in_features", 0), out = a.integer("out_features", 1);
        if (!in || !out) return false;
        linears.emplace_back(*in, *out);
    }
    if (linears.size() != 3) return false;
    for (const auto& back : linears) {
        int up = 0;
        for (const auto& l : linears) up += l.first == back.second && l.second == back.first;
        if (up == 2 && back.first != back.second) {
            if (d) *d = back.second;
            if (h) *h = back.first;
            return true;
        }
    }
    return false;
}

// ConvNeXt's block: a convolution, then x.permute(0, 2, 3, 1) before LayerNorm and Linear
// over C, and back at the end.
bool looksChannelsLast(const ModuleNode& node, int* conv) {
    int first = -1;
    std::int64_t channels = 0;
    for (int i = 0; i < int(node.children.size()); ++i) {
        const ModuleNode& c = node.children[std::size_t(i)];
        if (!isLeaf(c)) return false;
        if (first < 0) {
            if (readNormLayer(c) || preservesShape(c.type)) continue;
            if (c.type.rfind("Conv", 0) != 0) return false;
            const auto out = ModuleArguments(c).integer("out_channels", 1);
            if (!out) return false;
            first = i;
            channels = *out;
            continue;
        }
        if (c.type == "Linear")
            return ModuleArguments(c).integer("in_features", 0) == channels &&
                   (conv ? (*conv = first, true) : true);
    }
    return false;
}

std::string_view readingName(BlockWalker::Reading reading) {
    switch (reading) {
    case BlockWalker::Reading::Sequential:
        return "sequential";
    case BlockWalker::Reading::Gate:
        return "gate (output = input x gate)";
    case BlockWalker::Reading::Residual:
        return "residual with a projection";
    case BlockWalker::Reading::Dense:
        return "dense (outputs concatenated to the input)";
    case BlockWalker::Reading::Parallel:
        return "parallel branches concatenated";
    case BlockWalker::Reading::StemParallel:
        return "stem, then parallel branches concatenated";
    case BlockWalker::Reading::ParallelPlusInput:
        return "parallel branches and the pooled input concatenated";
    case BlockWalker::Reading::SkipConcat:
        return "sequential with a skip tensor concatenated before a convolution";
    case BlockWalker::Reading::ParallelForks:
        return "parallel branches with forks, concatenated";
    case BlockWalker::Reading::Attention:
        return "attention (projections of the input, heads merged back)";
    case BlockWalker::Reading::PatchMerge:
        return "2x2 patches merged into channels, normalized, then reduced";
    case BlockWalker::Reading::GatedMlp:
        return "gated feed-forward (two projections of the input multiplied, then back)";
    case BlockWalker::Reading::ChannelsLast:
        return "a convolution, then the channels moved last for the rest, and back";
    }
    return "";
}

BlockWalker::BlockWalker(TorchVersion version, DiagnoseReport& report)
    : version_(version)
    , report_(report)
    , decisions_(&ownDecisions_) {}

Flow BlockWalker::walk(const ModuleNode& node, const std::string& path, Flow input,
                       const ModuleNode* consumer) {
    if (isLeaf(node)) return leaf(node, path, std::move(input), consumer);
    if (runsInPrintedOrder(node.type)) {
        embeddingOutput_.reset();
        return sequence(node, path, std::move(input), consumer);
    }
    // A class of its own: its forward() decides the data flow.
    const bool savedCustom = custom_;
    const std::string savedReading = reading_;
    custom_ = true;
    Flow out;
    if (!input.shape) {
        reading_ = node.type + ": unknown input";
        out = sequence(node, path, Flow{}, consumer);
    } else {
        const Decision d = decide(node, path, *input.shape, consumer);
        input.certainty = Certainty::Inferred; // which child takes the input is read, not seen
        if (summarize_) {
            // A trial of the block around this one: its decided outcome stands for its walk,
            // so each block's leaves are walked once per reading of that block only.
            custom_ = savedCustom;
            reading_ = savedReading;
            embeddingOutput_.reset();
            if (d.structureUnknown) {
                mismatches_ += d.mismatches;
                unknownBlockMismatches_ += d.mismatches;
                unknownSeen_ = true;
                return Flow{};
            }
            mismatches_ += d.outcome.errors;
            normMismatches_ += d.outcome.normErrors;
            unknownSeen_ = unknownSeen_ || d.outcome.unknownInside;
            if (d.unknownOutput || !d.outcome.output) {
                unknownSeen_ = true;
                return Flow{};
            }
            return Flow{d.outcome.output, Certainty::Inferred};
        }
        reading_ = (path.empty() ? node.type : path) + " (" + node.type + ") read as " +
                   std::string(readingName(d.reading)) +
                   (d.projection >= 0 ? " (" + node.children[std::size_t(d.projection)].name +
                                            " projects the input)"
                                      : "") +
                   ", the reading that fits the sizes its modules declare";
        if (d.structureUnknown) {
            // Its mismatches count against the reading of the block around it: a reading
            // may not look consistent by making this block unknown.
            mismatches_ += d.mismatches;
            reading_ = node.type + ": no data-flow reading fits";
            noteUnknownFlow(node, path, d.why + "; the shapes inside it and after it are unknown");
            out = sequence(node, path, Flow{}, consumer);
        } else {
            out = apply(node, path, input, consumer, d.reading, d.projection);
            if (d.unknownOutput) {
                noteUnknownFlow(node, path, d.why + "; its output shape is unknown");
                out.shape.reset();
            }
        }
        if (out.shape) out.certainty = Certainty::Inferred;
    }
    custom_ = savedCustom;
    reading_ = savedReading;
    embeddingOutput_.reset();
    if (!out.shape) out.certainty = Certainty::Unknown;
    return out;
}

Flow BlockWalker::sequence(const ModuleNode& node, const std::string& path, Flow input,
                           const ModuleNode* consumer, int skip) {
    Flow current = std::move(input);
    const auto& children = node.children;
    for (std::size_t i = 0; i < children.size(); ++i) {
        if (int(i) == skip) continue;
        // The consumer whose declared sizes judge this child's output: the next module that
        // declares any, passing over normalization layers (their sizes are the hypotheses)
        // and shape-keeping ones; the block's own consumer after the last.
        const ModuleNode* next = consumer;
        for (std::size_t j = i + 1; j < children.size(); ++j) {
            if (int(j) == skip) continue;
            const ModuleNode& c = children[j];
            if (isLeaf(c) && (readNormLayer(c) || (preservesShape(c.type) && !declaresInput(c))))
                continue;
            next = &c;
            break;
        }
        const ModuleNode& child = children[i];
        if (child.afterElision && current.shape) {
            // Lines cut by the user come before it: what reaches it is not in the text.
            current = Flow{};
            pendingWhy_ = "lines were cut (...) before it: its input is not in the text";
        }
        // forward() flattens (x.flatten(1), x.view(N, -1)) where a Linear follows, possibly
        // after dropout or an activation: the shape changes before them, not at the Linear.
        if (custom_ && current.shape && current.shape->size() > 2) {
            std::size_t k = i;
            while (k < children.size() &&
                   (int(k) == skip || (isLeaf(children[k]) && !declaresInput(children[k]) &&
                                       preservesShape(children[k].type))))
                ++k;
            const ModuleNode* linear = k < children.size() ? firstStructural(children[k]) : nullptr;
            if (linear && linear->type == "Linear") {
                const auto in = ModuleArguments(*linear).integer("in_features", 0);
                bool ambiguous = false;
                if (in && current.shape->back() != *in)
                    if (auto flat = implicitFlatten(*current.shape, *in, &ambiguous)) {
                        current.shape = ambiguous ? std::nullopt : flat;
                        current.certainty = ambiguous ? Certainty::Unknown : Certainty::Inferred;
                        pendingWhy_ =
                            ambiguous ? "forward() pools the channels or moves them last before "
                                        "the Linear that follows (in_features is the channel "
                                        "count): which, the text does not say"
                                      : "flattened in forward() before the Linear that follows: "
                                        "inferred from its in_features";
                    }
            }
        }
        // Skip concatenation (UNet, FPN decoders): forward() concatenates a tensor from
        // outside the block before a convolution that declares more channels than it gets.
        if (skipConcat_ && current.shape && current.shape->size() >= 3)
            if (const ModuleNode* conv = firstDeclaring(child);
                conv && conv->type.rfind("Conv", 0) == 0) {
                const auto in = ModuleArguments(*conv).integer("in_channels", 0);
                if (in && *in > (*current.shape)[1]) (*current.shape)[1] = *in;
            }
        // Adjacent Embeddings in a custom block are summed (token + position + type).
        if (custom_ && isLeaf(child) && child.type == "Embedding" && embeddingOutput_ &&
            embeddingInput_) {
            // Its own input (positions, token types) is made in forward(): not in the text.
            const Shape sum = *embeddingOutput_;
            leaf(child, childPath(path, child), Flow{}, next);
            report_.layers.back().why = "an Embedding added to the one before it; its input "
                                        "(positions or token types) is made in forward()";
            report_.layers.back().inputMadeInForward = true;
            report_.layers.back().outputShape.reset();
            embeddingOutput_ = sum;
            current.shape = sum;
            continue;
        }
        const bool embedding = isLeaf(child) && child.type == "Embedding";
        const std::optional<Shape> before = current.shape;
        current = walk(child, childPath(path, child), current, next);
        if (embedding && before && current.shape) {
            embeddingInput_ = before;
            embeddingOutput_ = current.shape;
        } else {
            embeddingOutput_.reset();
        }
    }
    return current;
}

Flow BlockWalker::apply(const ModuleNode& node, const std::string& path, Flow input,
                        const ModuleNode* consumer, Reading reading, int projection) {
    const auto& children = node.children;
    switch (reading) {
    case Reading::Sequential:
        return sequence(node, path, input, consumer);
    case Reading::Gate:
        sequence(node, path, input, nullptr);
        return input;
    case Reading::SkipConcat: {
        skipConcat_ = true;
        const Flow out = sequence(node, path, input, consumer);
        skipConcat_ = false;
        return out;
    }
    case Reading::Residual: {
        const Flow main = sequence(node, path, input, consumer, projection);
        previous_ = nullptr;
        const ModuleNode& p = children[std::size_t(projection)];
        const Flow side = walk(p, childPath(path, p), input, nullptr);
        Flow out = main;
        if (side.shape && main.shape && *side.shape != *main.shape) ++mismatches_;
        if (!side.shape || !main.shape || *side.shape != *main.shape) out.shape.reset();
        return out;
    }
    case Reading::Dense: {
        Flow x = input;
        for (const ModuleNode& child : children) {
            previous_ = nullptr;
            const Flow y = walk(child, childPath(path, child), x, nullptr);
            const bool bothKnown = x.shape && y.shape;
            x.shape = concatChannels(x.shape, y.shape);
            if (bothKnown && !x.shape) ++mismatches_;
        }
        return x;
    }
    case Reading::ParallelPlusInput: {
        Flow out = apply(node, path, input, consumer, Reading::Parallel, -1);
        if (out.shape && input.shape && out.shape->size() == input.shape->size())
            (*out.shape)[1] += (*input.shape)[1]; // spatial as the branches' (a stride-2 pool)
        else
            out.shape.reset();
        return out;
    }
    case Reading::PatchMerge: {
        if (!input.shape || input.shape->size() != 4) return Flow{};
        const Shape& in = *input.shape;
        const CheckedInt merged = CheckedInt(in[3]) * 4;
        if (!merged.valid()) return Flow{};
        Flow x{Shape{in[0], (in[1] + 1) / 2, (in[2] + 1) / 2, merged.get()}, input.certainty};
        // The normalization over the merged size runs first, then the rest in printed order.
        std::vector<int> order;
        for (int i = 0; i < int(children.size()); ++i)
            if (readNormLayer(children[std::size_t(i)])) order.push_back(i);
        for (int i = 0; i < int(children.size()); ++i)
            if (!readNormLayer(children[std::size_t(i)])) order.push_back(i);
        previous_ = nullptr;
        for (int i : order)
            x = walk(children[std::size_t(i)], childPath(path, children[std::size_t(i)]), x,
                     nullptr);
        return x;
    }
    case Reading::ChannelsLast: {
        int conv = -1;
        if (!input.shape || input.shape->size() < 3 || !looksChannelsLast(node, &conv))
            return Flow{};
        Flow x = input;
        for (int i = 0; i < int(children.size()); ++i) {
            const ModuleNode& c = children[std::size_t(i)];
            x = walk(c, childPath(path, c), x, nullptr);
            if (i == conv && x.shape) // x.permute(0, 2, ..., 1): NC... -> N...C
                std::rotate(x.shape->begin() + 1, x.shape->begin() + 2, x.shape->end());
        }
        if (x.shape && x.shape->size() >= 3) // and back at the end: N...C -> NC...
            std::rotate(x.shape->begin() + 1, x.shape->end() - 1, x.shape->end());
        return x;
    }
    case Reading::GatedMlp: {
        std::int64_t d = 0, h = 0;
        if (!input.shape || input.shape->empty() || !looksLikeGatedMlp(node, &d, &h)) return Flow{};
        Flow hidden = input;
        hidden.shape->back() = h;
        for (const ModuleNode& c : children) {
            previous_ = nullptr;
            const bool fromInput =
                c.type == "Linear" && ModuleArguments(c).integer("in_features", 0) == d;
            walk(c, childPath(path, c), fromInput ? input : hidden, nullptr);
        }
        Flow out = input;
        out.shape->back() = d;
        return out;
    }
    case Reading::Attention: {
        int lastLinear = -1;
        for (int i = 0; i < int(children.size()); ++i)
            if (children[std::size_t(i)].type == "Linear") lastLinear = i;
        Flow out = input;
        for (int i = 0; i < int(children.size()); ++i) {
            const ModuleNode& c = children[std::size_t(i)];
            if (i <= lastLinear) previous_ = nullptr;
            // Projections of the input up to the last Linear, which takes the merged heads
            // (the input's size where it fits); what follows it takes its output.
            const Flow in = i <= lastLinear ? input : out;
            const Flow y = walk(c, childPath(path, c), in, nullptr);
            if (i >= lastLinear) out = y;
        }
        return out;
    }
    case Reading::Parallel:
    case Reading::ParallelForks:
    case Reading::StemParallel: {
        const auto groups = branchesOf(node);
        Flow stem = input;
        std::size_t first = 0;
        if (reading == Reading::StemParallel) {
            for (int i : groups[0])
                stem = walk(children[std::size_t(i)], childPath(path, children[std::size_t(i)]),
                            stem, nullptr);
            first = 1;
        }
        // Branch chains: a group that takes the current branch's output by its declared
        // sizes continues that branch; one that does not starts a new branch from the stem.
        Flow out = stem;
        out.shape.reset();
        bool started = false;
        auto join = [&](const std::optional<Shape>& b) {
            if (!started) {
                out.shape = b;
                started = true;
                return;
            }
            const bool known = out.shape && b;
            out.shape = concatChannels(out.shape, b);
            if (known && !out.shape) ++mismatches_;
        };
        std::optional<Shape> branch, groupInput;
        const ModuleNode* previousHead = nullptr; // of a group inside a branch, not its first
        for (std::size_t g = first; g < groups.size(); ++g) {
            const ModuleNode& head = children[std::size_t(groups[g].front())];
            // A fork: the group takes the input of the group before it (same declared input
            // size), and the two outputs are concatenated. Groups that take the stem are
            // branches of their own.
            const auto declared = declaredInputSize(head);
            const bool forks = reading == Reading::ParallelForks && previousHead && groupInput &&
                               declared && declared == declaredInputSize(*previousHead) &&
                               fitsConsumer(&head, *groupInput);
            const bool continues = !forks && branch && fitsConsumer(&head, *branch);
            if (!forks && !continues) {
                if (branch) join(branch);
                branch = stem.shape;
                previous_ = nullptr;
            }
            const bool inside = forks || continues;
            if (forks) previous_ = nullptr;
            Flow b{forks ? groupInput : branch, stem.certainty};
            if (!forks) groupInput = branch;
            for (int i : groups[g])
                b = walk(children[std::size_t(i)], childPath(path, children[std::size_t(i)]), b,
                         nullptr);
            if (!b.shape) return Flow{};
            if (forks) {
                branch = concatChannels(branch, b.shape);
                if (!branch) {
                    ++mismatches_;
                    return Flow{};
                }
            } else {
                branch = b.shape;
            }
            previousHead = inside ? &head : nullptr;
        }
        if (branch) join(branch);
        return out;
    }
    }
    return {};
}

BlockWalker::Trial BlockWalker::trial(const ModuleNode& node, const std::string& path,
                                      const Shape& input, const ModuleNode* consumer,
                                      Reading reading, int projection) {
    DiagnoseReport scratch;
    BlockWalker t(version_, scratch);
    t.decisions_ = decisions_;
    t.custom_ = true;
    t.channelsLast_ = channelsLast_;
    t.summarize_ = true;
    const Flow out =
        t.apply(node, path, Flow{input, Certainty::Inferred}, consumer, reading, projection);
    Trial r;
    r.output = out.shape;
    r.errors = t.mismatches_;
    r.errorsInUnknownBlocks = t.unknownBlockMismatches_;
    r.unknownInside = t.unknownSeen_;
    // A normalization layer's declared sizes are what is being checked, never evidence for
    // or against a reading: its findings do not count against the reading that gives them
    // (else a wrong BatchNorm would make every reading look worse and the block go quiet).
    std::set<std::string> norms;
    for (const LayerReport& l : scratch.layers)
        if (l.normSpec) norms.insert(l.name);
    std::set<std::string> disagreeing, disagreeingNorms; // layers: one mistake may give two
    for (const Finding& f : scratch.findings) {
        if (f.severity == Severity::Error || f.severity == Severity::Warning)
            (norms.count(f.layer) ? disagreeingNorms : disagreeing).insert(f.layer);
        r.unknownInside = r.unknownInside || f.code == FindingCode::UnknownModule ||
                          f.code == FindingCode::UnreadableArguments ||
                          f.code == FindingCode::UnknownDataFlow;
    }
    for (const LayerReport& l : scratch.layers)
        r.unknownInside = r.unknownInside || (!l.inputShape && !l.inputMadeInForward);
    r.errors += int(disagreeing.size());
    r.normErrors = t.normMismatches_ + int(disagreeingNorms.size());
    // A residual sum or a concatenation whose parts do not match is a mismatch too.
    if (!r.output && !r.unknownInside) ++r.errors;
    return r;
}

BlockWalker::Decision BlockWalker::decide(const ModuleNode& node, const std::string& path,
                                          const Shape& input, const ModuleNode* consumer) {
    const Key key{&node, input, consumer, channelsLast_};
    if (const auto it = decisions_->find(key); it != decisions_->end()) return it->second;

    struct Candidate {
        Reading reading;
        int projection;
        Trial result;
    };
    std::vector<Candidate> candidates;
    const Trial seq = trial(node, path, input, consumer, Reading::Sequential, -1);
    // A chain that squeezes the spatial dims to 1 and returns to the input's channels is a
    // gate multiplied back onto the input.
    bool gateLike = seq.output && seq.output->size() == input.size() && input.size() >= 3 &&
                    (*seq.output)[0] == input[0] && (*seq.output)[1] == input[1];
    bool inputHasSpace = false;
    for (std::size_t i = 2; gateLike && i < input.size(); ++i) {
        gateLike = (*seq.output)[i] == 1;
        inputHasSpace = inputHasSpace || input[i] > 1;
    }
    // Such a chain is read as the gate only: the squeezed map is not the block's output.
    if (gateLike && inputHasSpace) {
        Trial gate = seq;
        gate.output = input; // the gate multiplies the input: the block gives the input's shape
        candidates.push_back({Reading::Gate, -1, gate});
    } else {
        candidates.push_back({Reading::Sequential, -1, seq});
    }
    const auto& children = node.children;
    // Occam, and linear time: when the printed order (or a gate) fits the block's own sizes
    // and its consumer, no other reading is tried.
    const bool printedOrderFits = seq.errors == 0 && seq.normErrors == 0 && seq.output &&
                                  !seq.unknownInside && fitsConsumer(consumer, *seq.output);
    // A container of many modules (a ModuleList of layers) is no residual or inception
    // block: those readings are tried for blocks of up to this many children.
    constexpr std::size_t kMaxBranchingChildren = 32;
    const bool tryOthers = !printedOrderFits && children.size() <= kMaxBranchingChildren;
    if (tryOthers && children.size() >= 2)
        for (int i = 0; i < int(children.size()); ++i) {
            const ModuleNode& c = children[std::size_t(i)];
            if (isLeaf(c) && (preservesShape(c.type) || !declaresInput(c))) continue;
            candidates.push_back(
                {Reading::Residual, i, trial(node, path, input, consumer, Reading::Residual, i)});
        }
    if (tryOthers)
        candidates.push_back(
            {Reading::Dense, -1, trial(node, path, input, consumer, Reading::Dense, -1)});
    const std::size_t branches = tryOthers ? branchesOf(node).size() : 0;
    if (branches >= 2)
        candidates.push_back(
            {Reading::Parallel, -1, trial(node, path, input, consumer, Reading::Parallel, -1)});
    if (branches >= 2 && hasForks(node))
        candidates.push_back({Reading::ParallelForks, -1,
                              trial(node, path, input, consumer, Reading::ParallelForks, -1)});
    if (tryOthers && channelsLast_ && input.size() == 4 && mergesPatches(node, input[3]))
        candidates.push_back(
            {Reading::PatchMerge, -1, trial(node, path, input, consumer, Reading::PatchMerge, -1)});
    if (tryOthers && input.size() >= 3 && looksChannelsLast(node))
        candidates.push_back({Reading::ChannelsLast, -1,
                              trial(node, path, input, consumer, Reading::ChannelsLast, -1)});
    if (tryOthers && looksLikeGatedMlp(node))
        candidates.push_back(
            {Reading::GatedMlp, -1, trial(node, path, input, consumer, Reading::GatedMlp, -1)});
    if (tryOthers && looksLikeAttention(node))
        candidates.push_back(
            {Reading::Attention, -1, trial(node, path, input, consumer, Reading::Attention, -1)});
    if (branches >= 3)
        candidates.push_back({Reading::StemParallel, -1,
                              trial(node, path, input, consumer, Reading::StemParallel, -1)});
    // Inception's reduction blocks also concatenate max_pool2d(x), a branch forward() makes
    // without a module: tried where the branches fall short of the consumer by the input's
    // channels exactly.
    if (branches >= 2) {
        const Trial& parallel =
            std::find_if(candidates.begin(), candidates.end(), [](const Candidate& c) {
                return c.reading == Reading::Parallel;
            })->result;
        if (parallel.output && parallel.output->size() >= 3 && consumer &&
            !fitsConsumer(consumer, *parallel.output)) {
            Trial plus = trial(node, path, input, consumer, Reading::ParallelPlusInput, -1);
            if (plus.output && fitsConsumer(consumer, *plus.output))
                candidates.push_back({Reading::ParallelPlusInput, -1, plus});
        }
    }
    // A skip concatenation follows upsampling (decoders): only such blocks are read so.
    const bool upsamples = std::any_of(children.begin(), children.end(), [](const ModuleNode& c) {
        return c.type.rfind("ConvTranspose", 0) == 0 || c.type.rfind("Upsample", 0) == 0;
    });
    if (tryOthers && upsamples)
        candidates.push_back(
            {Reading::SkipConcat, -1, trial(node, path, input, consumer, Reading::SkipConcat, -1)});

    auto consistent = [](const Trial& t) { return t.errors == 0 && t.output && !t.unknownInside; };
    std::vector<const Candidate*> fit, fitConsumer;
    for (const Candidate& c : candidates)
        if (consistent(c.result)) {
            fit.push_back(&c);
            if (fitsConsumer(consumer, *c.result.output)) fitConsumer.push_back(&c);
        }
    // Occam: the printed order (or a gate) before a residual sum before concatenations.
    auto tier = [](Reading r) {
        return r == Reading::Gate || r == Reading::Sequential ? 1
               : r == Reading::Residual || r == Reading::Attention || r == Reading::PatchMerge ||
                       r == Reading::GatedMlp || r == Reading::ChannelsLast
                   ? 2
               : r == Reading::SkipConcat ? 4
                                          : 3;
    };
    std::vector<const Candidate*> chosen = fitConsumer.empty() ? fit : fitConsumer;
    // Among the readings that fit the structure, those that also fit the normalization
    // layers best; where none fits them all, the disagreeing norms are the findings.
    if (!chosen.empty()) {
        const int fewest = (*std::min_element(chosen.begin(), chosen.end(), [](auto* a, auto* b) {
                               return a->result.normErrors < b->result.normErrors;
                           }))->result.normErrors;
        std::erase_if(chosen, [&](const Candidate* c) { return c->result.normErrors != fewest; });
    }
    if (!chosen.empty()) {
        const int best = tier(chosen.front()->reading);
        std::erase_if(chosen, [&](const Candidate* c) { return tier(c->reading) != best; });
    }
    Decision d;
    if (!chosen.empty()) {
        d.reading = chosen.front()->reading;
        d.projection = chosen.front()->projection;
        d.outcome = chosen.front()->result;
        for (const Candidate* c : chosen)
            if (*c->result.output != *chosen.front()->result.output) {
                d.unknownOutput = true;
                d.why = "two readings fit the declared sizes with different outputs (" +
                        std::string(readingName(chosen.front()->reading)) + ": " +
                        shapeToString(*chosen.front()->result.output) + ", " +
                        std::string(readingName(c->reading)) + ": " +
                        shapeToString(*c->result.output) + ")";
                break;
            }
    } else if (seq.errors == seq.errorsInUnknownBlocks) {
        // Nothing contradicts the printed order but blocks inside it whose own reading is
        // unknown: the shapes up to them stand, the rest is unknown.
        d.reading = Reading::Sequential;
        d.outcome = seq;
    } else {
        // The closest reading: fewest mismatches, then Occam's order. A single mismatch is
        // taken as the model's mistake only in the printed order or a residual sum; in a
        // concatenating reading it says more about the reading than about the model.
        const Candidate* best = nullptr;
        for (const Candidate& c : candidates)
            if (!best || c.result.errors < best->result.errors ||
                (c.result.errors == best->result.errors && tier(c.reading) < tier(best->reading)))
                best = &c;
        d.reading = best->reading;
        d.projection = best->projection;
        d.outcome = best->result;
        if (best->result.errors >= 1) {
            d.structureUnknown = true;
            d.mismatches = best->result.errors;
            d.why = "no data-flow reading NormLab knows fits the sizes its modules declare (the "
                    "closest, " +
                    std::string(readingName(best->reading)) + ", disagrees in " +
                    std::to_string(best->result.errors) + " places)";
        }
    }
    decisions_->emplace(key, d);
    return d;
}

Flow BlockWalker::leaf(const ModuleNode& node, const std::string& path, Flow input,
                       const ModuleNode* consumer) {
    LayerReport layer;
    layer.name = path.empty() ? node.type : path;
    layer.type = node.type;
    layer.line = node.line;
    // The shape sequence() gave this leaf, flattened in forward() where a Linear follows.
    layer.why = std::move(pendingWhy_);
    pendingWhy_.clear();
    layer.inputShape = input.shape;
    layer.certainty = input.shape ? input.certainty : Certainty::Unknown;
    if (layer.certainty == Certainty::Inferred) layer.reading = reading_;
    Flow out{std::nullopt, input.certainty};
    if (node.type == "Permute" && node.arguments.empty() && input.shape &&
        input.shape->size() >= 3) {
        // torchvision's Permute prints no dims. Channels moved last where the module after it
        // wants them last (LayerNorm / Linear over C); moved back by the next Permute.
        Shape last = *input.shape, first = *input.shape;
        std::rotate(last.begin() + 1, last.begin() + 2, last.end());
        std::rotate(first.begin() + 1, first.end() - 1, first.end());
        std::optional<Shape> result;
        if (channelsLast_) {
            result = first;
            channelsLast_ = false;
        } else if (!fitsConsumer(consumer, *input.shape) || fitsConsumer(consumer, last)) {
            // The module after it wants channels last, or takes neither: channels last is
            // then assumed (NCHW -> NHWC, the permutation such blocks make).
            result = last;
            channelsLast_ = true;
        }
        layer.inputShape = input.shape;
        layer.outputShape = result;
        layer.why = "Permute() prints no dims: " +
                    std::string(result ? "inferred from the modules around it"
                                       : "the modules around it do not tell which");
        if (!result) noteUnknown(layer.name);
        previous_ = &node;
        out.shape = result;
        if (!out.shape)
            out.certainty = Certainty::Unknown;
        else
            out.certainty = Certainty::Inferred;
        report_.layers.push_back(std::move(layer));
        return out;
    }
    if (auto norm = readNormLayer(node)) {
        if (!norm->readError.empty()) {
            Finding f;
            f.severity = Severity::Info;
            f.code = FindingCode::UnreadableArguments;
            f.message =
                node.type + ": could not read " + norm->readError + " from the printed arguments";
            f.why = "not checked";
            f.fix = "paste the line exactly as print(model) prints it";
            add(layer, std::move(f));
        } else {
            NormCheck check =
                checkNormLayer(node, *norm, input.shape, previous_, version_, channelsLast_);
            for (Finding& f : check.findings) add(layer, std::move(f));
            layer.normSpec = norm->spec;
            layer.normInputShape = check.normalizedShape;
            layer.outputShape = input.shape;
        }
    } else if (input.shape) {
        LayerStep step = layerShape(node, *input.shape);
        layer.outputShape = step.output;
        if (step.raised) add(layer, std::move(*step.raised));
        if (!step.output && step.raised) {
            noteUnknown(layer.name);
        } else if (!step.output) {
            Finding f;
            f.severity = Severity::Info;
            f.code = node.children.empty() && !step.unreadableArguments
                         ? FindingCode::UnknownModule
                         : FindingCode::UnreadableArguments;
            f.message = step.unknownReason + "; shapes after it are unknown";
            f.why = "not a mistake in itself";
            f.fix = "give the shape this module outputs as the input of the next part, "
                    "and diagnose that part separately";
            add(layer, std::move(f));
            noteUnknown(layer.name);
        }
    }
    (void)consumer;
    previous_ = &node;
    out.shape = layer.outputShape;
    if (!out.shape) out.certainty = Certainty::Unknown;
    if (!layer.inputShape && layer.why.empty()) layer.why = "the shape before it is unknown";
    report_.layers.push_back(std::move(layer));
    return out;
}

void BlockWalker::noteUnknownFlow(const ModuleNode& node, const std::string& path,
                                  const std::string& why) {
    LayerReport block;
    block.name = path.empty() ? node.type : path;
    Finding f;
    f.severity = Severity::Info;
    f.code = FindingCode::UnknownDataFlow;
    f.message = node.type + " (" + block.name + "): " + why;
    f.why = "not a mistake in itself";
    f.fix = "diagnose the part after it with the input shape its forward() gives, or read "
            "forward() for how it combines its modules";
    add(block, std::move(f));
    noteUnknown(block.name);
}

void BlockWalker::noteUnknown(const std::string& layer) {
    if (firstUnknown_.empty()) firstUnknown_ = layer;
}

void BlockWalker::add(const LayerReport& layer, Finding f) {
    f.layer = layer.name;
    f.certainty = layer.inputShape ? layer.certainty : Certainty::Unknown;
    // Inside a class of its own, where the channels stand is forward()'s choice, which the
    // text does not show: a LayerNorm over the last axis of a map is what a channels-last
    // block (ConvNeXt's, after its permute) does on purpose. Said as a possibility only.
    if (f.code == FindingCode::LayerNormTrailingAxis && f.certainty == Certainty::Inferred &&
        f.severity == Severity::Warning) {
        f.severity = Severity::Info;
        f.message += " (if forward() keeps the channels at dim 1; a block that moves them last "
                     "first, as ConvNeXt's does, normalises the channels as intended)";
    }
    switch (layer.inputShape ? layer.certainty : Certainty::Unknown) {
    case Certainty::Exact:
        f.restsOn = "exact shapes: nn.Sequential runs its modules in printed order";
        break;
    case Certainty::Inferred:
        f.restsOn = "inferred shapes: " + reading_;
        break;
    case Certainty::Unknown:
        f.restsOn = "the module's own arguments (its input shape is unknown)";
        break;
    }
    describeForVersion(f, version_);
    report_.findings.push_back(std::move(f));
}

void describeForVersion(Finding& f, TorchVersion version) {
    const std::string v = "PyTorch " + version.toString();
    const std::string& why = f.why;
    switch (f.action) {
    case TorchAction::Raises:
        if (f.exception.empty())
            f.pytorch = v + " fails here; what it says (or whether it crashes) is not modelled";
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
        if (f.code == FindingCode::UnknownModule || f.code == FindingCode::UnreadableArguments ||
            f.code == FindingCode::UnknownDataFlow) {
            // The shape is unknown here, so nothing is claimed about what PyTorch does.
            f.pytorch = v + " may or may not run this: the shape is not determined from the text";
            break;
        }
        f.pytorch =
            v + " runs it without an error or warning" + (why.empty() ? std::string() : ": " + why);
        break;
    }
}

} // namespace normlab::detail
