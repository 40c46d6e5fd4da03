#include "normlab/pytorch_code.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace normlab {

std::string pythonFloat(double value) {
    if (value != value) return "float('nan')";
    if (value == 1.0 / 0.0) return "float('inf')";
    if (value == -1.0 / 0.0) return "-float('inf')";
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    std::string text(buffer, end);
    if (text.find_first_of(".en") == std::string::npos) text += ".0";
    return text;
}

namespace {

std::string tupleOf(const std::vector<std::int64_t>& values) {
    std::string text = "(";
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i ? ", " : "") + std::to_string(values[i]);
    return text + (values.size() == 1 ? ",)" : ")");
}

std::string listOf(const std::vector<int>& values) {
    std::string text = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i ? ", " : "") + std::to_string(values[i]);
    return text + "]";
}

std::string pythonBool(bool b) {
    return b ? "True" : "False";
}

std::string torchDtype(DType t) {
    return t == DType::Float64 ? "torch.float64" : "torch.float32";
}

// Python lines making a tensor like NormLab's recipe (generators.h), named x.
std::string recipeLines(const InputRecipe& r) {
    const std::string shape = tupleOf(r.shape), dt = torchDtype(r.dtype);
    const std::string mean = pythonFloat(r.mean), spread = pythonFloat(r.spread);
    const int rank = int(r.shape.size());
    std::ostringstream s;
    switch (r.generator) {
    case Generator::Normal:
        s << "x = torch.randn(" << shape << ", dtype=" << dt << ") * " << spread << " + " << mean
          << "\n";
        break;
    case Generator::Uniform:
        s << "x = (torch.rand(" << shape << ", dtype=" << dt << ") * 2 - 1) * " << spread << " + "
          << mean << "\n";
        break;
    case Generator::Constant:
        s << "x = torch.full(" << shape << ", " << mean << ", dtype=" << dt << ")\n";
        break;
    case Generator::Ramp:
        s << "x = " << mean << " + " << spread << " * torch.linspace(-1, 1, "
          << numElements(r.shape) << ", dtype=" << dt << ").reshape(" << shape << ")\n";
        break;
    case Generator::SinePerChannel: {
        // Channel c (dim 1) has frequency c + 1 along the last axis.
        std::vector<std::int64_t> channelView(std::size_t(rank), 1);
        if (rank >= 2) channelView[1] = -1;
        s << "c = torch.arange(" << (rank >= 2 ? r.shape[1] : 1) << ", dtype=" << dt << ").reshape("
          << tupleOf(rank >= 2 ? channelView : std::vector<std::int64_t>{1}) << ")\n"
          << "k = torch.arange(" << r.shape.back() << ", dtype=" << dt << ")\n"
          << "x = (" << mean << " + " << spread << " * torch.sin(2 * torch.pi * (c + 1) * k / "
          << r.shape.back() << ")).expand(" << shape << ").contiguous()\n";
        break;
    }
    case Generator::Outliers:
        s << "x = torch.randn(" << shape << ", dtype=" << dt << ") * " << spread << " + " << mean
          << "\n"
          << "x.view(-1)[torch.randperm(x.numel())[: max(1, x.numel() // 100)]] = " << mean
          << " + 20 * " << spread << "  # 1% outliers\n";
        break;
    case Generator::Checkerboard:
        s << "parity = sum(torch.arange(size).reshape([-1] + [1] * (" << rank
          << " - 1 - axis)) for axis, size in enumerate(" << shape << ")) % 2\n"
          << "x = (" << mean << " + " << spread << " * (2 * parity - 1)).to(" << dt << ").expand("
          << shape << ").contiguous()\n";
        break;
    }
    return s.str();
}

// nn.BatchNorm2d etc.: the module class for a rank-`rank` input.
std::string moduleClass(const char* family, int rank) {
    const int dims = rank <= 3 ? 1 : rank - 2;
    return std::string("nn.") + family + std::to_string(dims) + "d";
}

std::string momentumArgument(const NormSpec& spec) {
    return spec.momentum ? pythonFloat(*spec.momentum) : "None";
}

// The constructor call of the PyTorch module for spec on a rank-`rank` input.
std::string moduleConstructor(const NormSpec& spec, const Shape& shape) {
    const int rank = int(shape.size());
    const std::int64_t C = rank >= 2 ? shape[1] : shape[0];
    const std::string eps = pythonFloat(spec.eps.value_or(1e-5));
    switch (spec.variant) {
    case Variant::BatchNorm:
    case Variant::InstanceNorm:
        return moduleClass(spec.variant == Variant::BatchNorm ? "BatchNorm" : "InstanceNorm",
                           rank) +
               "(" + std::to_string(spec.numFeatures.value_or(C)) + ", eps=" + eps +
               ", momentum=" + momentumArgument(spec) + ", affine=" + pythonBool(spec.affine) +
               ", track_running_stats=" + pythonBool(spec.trackRunningStats) + ")";
    case Variant::LayerNorm:
        return "nn.LayerNorm(" + tupleOf(spec.normalizedShape) + ", eps=" + eps +
               ", elementwise_affine=" + pythonBool(spec.affine) + ")";
    case Variant::GroupNorm:
        return "nn.GroupNorm(" + std::to_string(spec.numGroups.value_or(1)) + ", " +
               std::to_string(spec.numFeatures.value_or(C)) + ", eps=" + eps +
               ", affine=" + pythonBool(spec.affine) + ")";
    default:
        return {};
    }
}

bool usesRunningStatsInEval(const NormSpec& spec) {
    return !spec.training && spec.trackRunningStats &&
           (spec.variant == Variant::BatchNorm || spec.variant == Variant::InstanceNorm ||
            spec.variant == Variant::Custom);
}

const char* kMaskedNormalize = R"(def masked_normalize(x, mask, dims, eps, centered=True):
    """(x - mean) / sqrt(var + eps), mean and biased var over `dims` from the valid
    elements (mask True) only, without a loop over samples; 0 at invalid elements.
    centered=False: RMSNorm (mean 0, var = mean of x^2)."""
    m = mask.to(x.dtype)
    n = m.sum(dims, keepdim=True).clamp(min=1)  # valid elements per slice
    mean = (x * m).sum(dims, keepdim=True) / n if centered else torch.zeros_like(n)
    var = ((x - mean) ** 2 * m).sum(dims, keepdim=True) / n
    return (x - mean) / torch.sqrt(var + eps) * m

)";

// Per-channel parameters broadcast over (N, C, ...).
std::string channelView(int rank) {
    return ".reshape(" + tupleOf([&] {
               std::vector<std::int64_t> v(std::size_t(rank), 1);
               v[1] = -1;
               return v;
           }()) +
           ")";
}

// weight / bias lines for the functional forms: from the files, or PyTorch's initial values.
void parameterLines(std::ostringstream& s, const SnippetSetup& setup, const std::string& shape,
                    bool withBias, const std::string& prefix = "") {
    if (setup.parameterFiles) {
        s << prefix << "weight = torch.from_numpy(np.load(\"" << prefix
          << "weight.npy\")).to(x.dtype)\n";
        if (withBias)
            s << prefix << "bias = torch.from_numpy(np.load(\"" << prefix
              << "bias.npy\")).to(x.dtype)\n";
        return;
    }
    s << prefix << "weight = torch.ones(" << shape << ", dtype=x.dtype)  # PyTorch's initial γ\n";
    if (withBias) s << prefix << "bias = torch.zeros(" << shape << ", dtype=x.dtype)  # and β\n";
}

void functionalBody(std::ostringstream& s, const SnippetSetup& setup) {
    const NormSpec& spec = setup.spec;
    const Shape& shape = setup.recipe.shape;
    const int rank = int(shape.size());
    const std::int64_t C = rank >= 2 ? shape[1] : 1;
    const std::string eps =
        spec.eps ? pythonFloat(*spec.eps) : std::string("torch.finfo(x.dtype).eps");
    s << "eps = " << eps << "\n";
    std::vector<int> dims;
    std::string paramShape = tupleOf({C}), view = channelView(rank);
    bool grouped = false;
    std::int64_t G = spec.numGroups.value_or(1);
    switch (spec.variant) {
    case Variant::BatchNorm:
        dims.push_back(0);
        [[fallthrough]];
    case Variant::InstanceNorm:
        for (int a = 2; a < rank; ++a) dims.push_back(a);
        break;
    case Variant::LayerNorm:
    case Variant::RmsNorm:
        for (int a = rank - int(spec.normalizedShape.size()); a < rank; ++a) dims.push_back(a);
        paramShape = tupleOf(spec.normalizedShape);
        view.clear(); // normalized_shape parameters broadcast over the leading dims
        break;
    case Variant::GroupNorm:
        grouped = true;
        dims.push_back(2);
        for (int a = 2; a < rank; ++a) dims.push_back(a + 1);
        break;
    case Variant::Custom: {
        grouped = G != 1;
        for (int a : spec.reduceAxes) {
            const int axis = a < 0 ? a + rank : a;
            dims.push_back(grouped && axis >= 1 ? axis + 1 : axis);
        }
        if (grouped) dims.push_back(2);
        std::sort(dims.begin(), dims.end());
        dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
        break;
    }
    default:
        break;
    }
    const bool centered = spec.variant != Variant::RmsNorm;
    if (usesRunningStatsInEval(spec)) {
        s << "# Eval mode with tracked statistics: normalise with the running buffers\n"
             "# (PyTorch's initial running_mean 0 and running_var 1), not the batch's.\n"
             "running_mean, running_var = 0.0, 1.0\n"
             "xhat = (x - running_mean) / (running_var + eps) ** 0.5 * mask\n";
    } else if (grouped) {
        s << "# Channels split into " << G << " groups: view [N, C, ...] as [N, G, C/G, ...].\n"
          << "grouped = (x.shape[0], " << G << ", x.shape[1] // " << G << ") + tuple(x.shape[2:])\n"
          << "xhat = masked_normalize(x.reshape(grouped), mask.reshape(grouped), " << listOf(dims)
          << ", eps).reshape(x.shape)\n";
    } else {
        s << "xhat = masked_normalize(x, mask, " << listOf(dims) << ", eps"
          << (centered ? "" : ", centered=False") << ")\n";
    }
    if (!spec.affine) {
        s << "y = xhat\n";
        return;
    }
    parameterLines(s, setup, paramShape, centered);
    s << "y = (xhat * weight" << view;
    if (centered) s << " + bias" << view;
    s << ") * mask  # invalid elements stay 0\n";
}

void batchChannelBody(std::ostringstream& s, const SnippetSetup& setup) {
    const NormSpec& spec = setup.spec;
    const int rank = int(setup.recipe.shape.size());
    const std::int64_t C = setup.recipe.shape[1], G = spec.numGroups.value_or(1);
    const std::string view = channelView(rank);
    s << "# Batch-Channel Norm (Qiao et al. 2019, arXiv 1911.09738), labml form:\n"
         "# a batch stage per channel, then a channel stage over "
      << G << " groups.\n"
      << "eps = " << pythonFloat(spec.eps.value_or(1e-5)) << "\n"
      << "m = mask.to(x.dtype)\n"
      << "dims = " << listOf([&] {
             std::vector<int> d{0};
             for (int a = 2; a < rank; ++a) d.push_back(a);
             return d;
         }())
      << "\n"
      << "n = m.sum(dims, keepdim=True).clamp(min=1)\n"
      << "batch_mean = (x * m).sum(dims, keepdim=True) / n\n"
      << "batch_var = ((x - batch_mean) ** 2 * m).sum(dims, keepdim=True) / n  # biased\n"
      << "running_mean = torch.zeros(" << C << ", dtype=x.dtype)" << view
      << "  # PyTorch-style initial buffers\n"
      << "running_var = torch.ones(" << C << ", dtype=x.dtype)" << view << "\n";
    const std::string momentum =
        spec.momentum ? pythonFloat(*spec.momentum)
                      : std::string("1.0  # momentum None: 1 / num_batches_tracked, 1 at the "
                                    "first batch");
    if (spec.estimate) {
        if (spec.training)
            s << "momentum = " << momentum << "\n"
              << "# estimate=True: update the estimates with the batch's biased statistics,\n"
                 "# then normalise with the estimates even in training.\n"
                 "running_mean = (1 - momentum) * running_mean + momentum * batch_mean\n"
                 "running_var = (1 - momentum) * running_var + momentum * batch_var\n";
        s << "mean_used, var_used = running_mean, running_var\n";
    } else if (spec.training) {
        s << "mean_used, var_used = batch_mean, batch_var  # as nn.BatchNorm in training\n";
    } else {
        s << "mean_used, var_used = running_mean, running_var  # as nn.BatchNorm in eval\n";
    }
    parameterLines(s, setup, tupleOf({C}), true);
    s << "x1 = ((x - mean_used) / torch.sqrt(var_used + eps) * weight" << view << " + bias" << view
      << ") * m\n";
    parameterLines(s, setup, tupleOf({G}), true, "channel_");
    s << "grouped = (x.shape[0], " << G << ", -1)\n"
      << "x2 = masked_normalize(x1.reshape(grouped), mask.reshape(grouped), [2], eps)\n"
      << "y = ((x2 * channel_weight.reshape(1, -1, 1) + channel_bias.reshape(1, -1, 1)) * "
         "mask.reshape(grouped).to(x.dtype)).reshape(x.shape)\n";
}

} // namespace

std::string pytorchSnippet(const SnippetSetup& setup) {
    const NormSpec& spec = setup.spec;
    const Shape& shape = setup.recipe.shape;
    const bool masked = setup.paintedMask || !setup.lengths.empty();
    const bool hasModule = spec.variant == Variant::BatchNorm ||
                           spec.variant == Variant::InstanceNorm ||
                           spec.variant == Variant::LayerNorm || spec.variant == Variant::GroupNorm;
    const bool useModule = hasModule && !masked;
    std::ostringstream s;
    s << kSnippetMarker << variantName(spec.variant) << " on an input of shape "
      << shapeToString(shape) << ", " << dtypeName(setup.recipe.dtype) << ", "
      << (spec.training ? "training" : "eval") << " mode.\n"
      << "# Run it where NormLab's PyTorch code view saved its files (input.npy, ...).\n"
      << "import os\n\nimport numpy as np\nimport torch\nimport torch.nn as nn\n\n";
    if (setup.inputFromFile) {
        s << "x = torch.from_numpy(np.load(\"input.npy\")).to(" << torchDtype(setup.recipe.dtype)
          << ")  # your activation\n";
    } else {
        s << "torch.manual_seed(0)\n"
          << "# Like NormLab's '" << generatorName(setup.recipe.generator)
          << "' input; NormLab draws its own random numbers, so for its exact values\n"
             "# save input.npy from NormLab's PyTorch code view next to this file.\n"
          << recipeLines(setup.recipe) << "if os.path.exists(\"input.npy\"):\n"
          << "    x = torch.from_numpy(np.load(\"input.npy\")).to("
          << torchDtype(setup.recipe.dtype) << ")\n";
    }
    s << "\n";
    if (setup.paintedMask) {
        s << "mask = torch.from_numpy(np.load(\"mask.npy\")).bool()  # painted: True = valid\n";
    } else if (!setup.lengths.empty()) {
        s << "# Variable lengths along the last axis, as a mask without a loop:\n"
          << "lengths = torch.tensor(" << tupleOf(setup.lengths) << ")\n"
          << "mask = torch.arange(x.shape[-1]) < lengths.reshape((-1,) + (1,) * (x.dim() - 1))\n"
          << "mask = mask.expand_as(x)\n";
    } else if (!useModule) {
        s << "mask = torch.ones_like(x, dtype=torch.bool)  # no padding: every element valid\n";
    }
    if (useModule) {
        s << "norm = " << moduleConstructor(spec, shape) << ".to(x.dtype)\n";
        if (spec.affine && setup.parameterFiles)
            s << "with torch.no_grad():\n"
                 "    norm.weight.copy_(torch.from_numpy(np.load(\"weight.npy\")))\n"
                 "    norm.bias.copy_(torch.from_numpy(np.load(\"bias.npy\")))\n";
        s << "norm." << (spec.training ? "train()" : "eval()") << "\n"
          << "y = norm(x)\n";
        if (spec.trackRunningStats)
            s << "print(\"running_mean:\", norm.running_mean)\n"
                 "print(\"running_var:\", norm.running_var)\n";
    } else {
        s << "\n" << kMaskedNormalize;
        if (spec.variant == Variant::RmsNorm)
            s << "# RMSNorm as torch ops (nn.RMSNorm(" << tupleOf(spec.normalizedShape)
              << ", eps=...) exists from PyTorch 2.4).\n";
        if (hasModule)
            s << "# nn."
              << (spec.variant == Variant::BatchNorm      ? "BatchNorm"
                  : spec.variant == Variant::InstanceNorm ? "InstanceNorm"
                  : spec.variant == Variant::LayerNorm    ? "LayerNorm"
                                                          : "GroupNorm")
              << " would count the padding in its statistics; this is the masked form.\n";
        if (spec.variant == Variant::BatchChannelNorm)
            batchChannelBody(s, setup);
        else
            functionalBody(s, setup);
    }
    s << "print(\"y:\", tuple(y.shape), y.dtype)\n";
    return s.str();
}

} // namespace normlab
