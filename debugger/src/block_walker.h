// Propagates shapes through a parsed model, block by block, with the certainty of each.
//
// nn.Sequential runs its children in printed order: shapes there are as certain as the
// block's input (exact from the given input). Any other class runs them as its forward()
// says, which print(model) does not show. For such a block the walker tries data-flow
// readings and keeps one that fits the sizes the modules declare (in_channels, in_features,
// num_features, normalized_shape, ...) inside the block and at the module that consumes its
// output:
//   sequential      children in printed order (with torch.flatten / global pooling before a
//                   Linear whose in_features is the flattened or channel size, and adjacent
//                   Embeddings summed, as forward() code does)
//   gate            the children compute a [N, C, 1, ...] gate from the input, which is
//                   multiplied back: the output is the input (squeeze-and-excitation)
//   residual        one child (any name, any printed position) projects the input to the
//                   main path's output, and the two are added
//   dense           each child's output is concatenated to its input along dim 1 (DenseNet)
//   parallel        the children (a shape-preserving module joins the one before it) all take
//                   the input and are concatenated along dim 1 (Inception, GoogLeNet); a child
//                   that takes the output of the one before it continues that branch
//   parallel forks  as parallel, but a child that declares the same input as the one before
//                   it takes that one's input, and the two are concatenated (Inception-v3's
//                   1x3 / 3x1 pairs)
//   patch merge     on a channels-last map [N, H, W, C] whose modules declare 4C: forward()
//                   concatenates each 2x2 neighbourhood ([N, H/2, W/2, 4C], odd sizes padded)
//                   and normalizes it before the Linear that reduces it, whatever the
//                   printed order (Swin's PatchMerging)
//   attention       every child takes the block's input (query, key, value projections), the
//                   last Linear the merged heads, which have the input's size (attention
//                   blocks whose Linear layers fuse or repeat the projections)
//   stem+parallel   the first child, then the rest in parallel on its output (Fire)
//   parallel+input  the branches and the (pooled) input concatenated, where only that fits
//                   the consumer (Inception's reduction blocks)
//   skip concat     sequential, with a tensor from outside the block concatenated before a
//                   convolution that declares more channels than it gets (UNet decoders)
// Shapes found this way are inferred. Where several readings fit with different outputs, the
// output is unknown (said so); where none fits, one mismatch of the closest reading is
// reported as a finding, and more than one makes the block's shapes unknown rather than a
// list of errors that a misread structure would produce.
#pragma once

#include "normlab/diagnose.h"
#include "normlab/model_text.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace normlab::detail {

struct Flow {
    std::optional<Shape> shape;
    Certainty certainty = Certainty::Unknown;
};

class BlockWalker {
  public:
    BlockWalker(TorchVersion version, DiagnoseReport& report);

    // Walks `node` (named `path`) on `input`; `consumer` is the module that takes its output
    // (null at the end of the model). Layers and findings go to the report.
    Flow walk(const ModuleNode& node, const std::string& path, Flow input,
              const ModuleNode* consumer);

    const std::string& firstUnknown() const { return firstUnknown_; }

    enum class Reading {
        Sequential,
        Gate,
        Residual,
        Dense,
        Parallel,
        StemParallel,
        ParallelPlusInput,
        SkipConcat,
        ParallelForks,
        Attention,
        PatchMerge,
        GatedMlp,
        ChannelsLast
    };

  private:
    struct Trial {
        std::optional<Shape> output;
        int errors = 0;
        int errorsInUnknownBlocks = 0; // of `errors`: those of blocks inside with no reading
        // Normalization layers that disagree: not counted in `errors` (a norm's sizes are
        // the hypothesis checked), used only to choose among readings that fit the rest.
        int normErrors = 0;
        bool unknownInside = false;
    };
    struct Decision {
        Reading reading = Reading::Sequential;
        int projection = -1;           // Residual: the projecting child
        bool unknownOutput = false;    // several readings fit with different outputs
        bool structureUnknown = false; // no reading fits; shapes inside are not given
        int mismatches = 0;            // of the closest reading, when structureUnknown
        std::string why;
        Trial outcome; // of the reading chosen: what the block gives the block around it
    };
    using Key = std::tuple<const ModuleNode*, Shape, const ModuleNode*, bool>;

    Flow leaf(const ModuleNode& node, const std::string& path, Flow input,
              const ModuleNode* consumer);
    Flow sequence(const ModuleNode& node, const std::string& path, Flow input,
                  const ModuleNode* consumer, int skip = -1);
    Flow apply(const ModuleNode& node, const std::string& path, Flow input,
               const ModuleNode* consumer, Reading reading, int projection);
    Decision decide(const ModuleNode& node, const std::string& path, const Shape& input,
                    const ModuleNode* consumer);
    Trial trial(const ModuleNode& node, const std::string& path, const Shape& input,
                const ModuleNode* consumer, Reading reading, int projection);
    void add(const LayerReport& layer, Finding f);
    void noteUnknown(const std::string& layer);
    // An info finding at a block whose data flow is not determined, and why.
    void noteUnknownFlow(const ModuleNode& node, const std::string& path, const std::string& why);

    TorchVersion version_;
    DiagnoseReport& report_;
    std::map<Key, Decision>* decisions_;
    std::map<Key, Decision> ownDecisions_;
    const ModuleNode* previous_ = nullptr;
    bool custom_ = false; // inside a block whose forward() is not its printed order
    std::string reading_ = "nn.Sequential: printed order";
    std::string firstUnknown_;
    int normMismatches_ = 0;         // normalization layers disagreeing in blocks inside (trials)
    std::string pendingWhy_;         // why the next leaf's input is what it is (set by sequence)
    int mismatches_ = 0;             // residual sums and concatenations whose parts did not fit
    int unknownBlockMismatches_ = 0; // of mismatches_: those of blocks inside with no reading
    bool skipConcat_ = false;
    bool summarize_ = false; // a trial: custom blocks inside give their decided outcome
    bool unknownSeen_ =
        false; // a summarized block inside was unknown   // the SkipConcat reading is being applied
    bool channelsLast_ = false; // a Permute() moved channels last in this walk
    // Embedding sums: the input and output of the Embedding just walked in this sequence.
    std::optional<Shape> embeddingInput_, embeddingOutput_;
};

std::string_view readingName(BlockWalker::Reading reading);

// Fills f.pytorch: what `version` does with it (raises which message, warns, or stays silent).
void describeForVersion(Finding& f, TorchVersion version);

// Attention-like: the block's own Linear layers fuse the projections (out_features a multiple
// of in_features, as qkv) or repeat them (three or more with one in_features).
bool looksLikeAttention(const ModuleNode& node);
// A gated feed-forward (SwiGLU / GEGLU): leaves only, three Linear layers, two from d to h and
// one from h back to d. Sets d and h.
bool looksLikeGatedMlp(const ModuleNode& node, std::int64_t* d = nullptr,
                       std::int64_t* h = nullptr);
// A block that moves the channels last in forward() after its first convolution (ConvNeXt's):
// leaves only, a convolution giving C first, then a Linear taking C. Sets `conv` (its index).
bool looksChannelsLast(const ModuleNode& node, int* conv = nullptr);

} // namespace normlab::detail
