#include "layer_shapes.h"

#include "module_arguments.h"

#include <cmath>
#include <set>

namespace normlab::detail {

namespace {

const std::set<std::string>& shapePreserving() {
    static const std::set<std::string> types = {
        "ReLU",
        "ReLU6",
        "LeakyReLU",
        "PReLU",
        "RReLU",
        "ELU",
        "SELU",
        "CELU",
        "GELU",
        "SiLU",
        "Mish",
        "Sigmoid",
        "Tanh",
        "Hardtanh",
        "Hardswish",
        "Hardsigmoid",
        "Hardshrink",
        "Softshrink",
        "Softplus",
        "Softsign",
        "Tanhshrink",
        "Threshold",
        "LogSigmoid",
        "Softmax",
        "LogSoftmax",
        "Softmin",
        "Softmax2d",
        "Dropout",
        "Dropout1d",
        "Dropout2d",
        "Dropout3d",
        "AlphaDropout",
        "FeatureAlphaDropout",
        "Identity",
        "LocalResponseNorm",
        "CrossMapLRN2d",
    };
    return types;
}

std::string join(const Shape& s, const char* separator) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? separator : "") + std::to_string(s[i]);
    return out;
}

// "Conv2d" -> 2 when type is prefix + digit + "d"; 0 otherwise.
int spatialDims(const std::string& type, const std::string& prefix) {
    if (type.size() != prefix.size() + 2 || type.compare(0, prefix.size(), prefix) != 0 ||
        type.back() != 'd')
        return 0;
    const char d = type[prefix.size()];
    return d >= '1' && d <= '3' ? d - '0' : 0;
}

LayerStep unknown(std::string reason) {
    LayerStep step;
    step.unknownReason = std::move(reason);
    return step;
}

LayerStep unreadable(const ModuleNode& node, const char* what) {
    return unknown(node.type + ": could not read " + what + " from the printed arguments");
}

LayerStep raises(Shape output, std::string code, std::string message, std::string exception,
                 std::string torchMessage, std::string fix) {
    LayerStep step;
    step.output = std::move(output);
    Finding f;
    f.severity = Severity::Error;
    f.code = std::move(code);
    f.message = std::move(message);
    f.action = TorchAction::Raises;
    f.exception = std::move(exception);
    f.torchMessage = std::move(torchMessage);
    f.fix = std::move(fix);
    step.raised = std::move(f);
    return step;
}

LayerStep shape(Shape s) {
    LayerStep step;
    step.output = std::move(s);
    return step;
}

std::string rankPhrase(int d);

// PyTorch raises; the output is unknown (no rank to continue from). `torchMessage` empty
// when PyTorch's wording is not modelled here.
LayerStep wrongRank(const ModuleNode& node, const Shape& input, int d, std::string torchMessage) {
    LayerStep step =
        raises({}, "wrong_rank",
               node.type + " takes a " + rankPhrase(d) + " input, this one is " +
                   std::to_string(input.size()) + "D " + shapeToString(input),
               "RuntimeError", std::move(torchMessage),
               input.size() >= 3 && input.size() <= 5
                   ? "the " + std::to_string(input.size() - 2) +
                         "d variant of the module, or reshape the input"
                   : "reshape the input to [N, C, " + std::to_string(d) + " spatial dims]");
    step.output.reset();
    step.unknownReason = node.type + " raises on this input";
    return step;
}

// Batched (rank d+2) or unbatched (rank d+1) input of a d-dimensional conv or pool: the
// index of the channel axis, or -1 when the rank fits neither.
int channelAxis(const Shape& input, int d) {
    if (int(input.size()) == d + 2) return 1;
    if (int(input.size()) == d + 1) return 0;
    return -1;
}

std::string rankPhrase(int d) {
    return std::to_string(d + 1) + "D (unbatched) or " + std::to_string(d + 2) + "D (batched)";
}

LayerStep convShape(const ModuleNode& node, const Shape& input, int d, bool transposed) {
    const ModuleArguments a(node);
    const auto in = a.integer("in_channels", 0), out = a.integer("out_channels", 1);
    const auto k = a.integers("kernel_size", 2, std::size_t(d));
    if (!in || !out || !k) return unreadable(node, "in_channels, out_channels or kernel_size");
    const Shape s = a.has("stride") ? a.integers("stride", -1, d).value_or(Shape{}) : Shape(d, 1);
    const Shape dil =
        a.has("dilation") ? a.integers("dilation", -1, d).value_or(Shape{}) : Shape(d, 1);
    const Shape op = a.has("output_padding") ? a.integers("output_padding", -1, d).value_or(Shape{})
                                             : Shape(d, 0);
    const std::int64_t groups = a.integer("groups").value_or(1);
    const std::string paddingText = a.text("padding");
    Shape p(d, 0);
    const bool same = paddingText == "same";
    if (!paddingText.empty() && paddingText != "valid" && !same) {
        auto parsed = a.integers("padding", -1, d);
        if (!parsed) return unreadable(node, "padding");
        p = *parsed;
    }
    if (s.size() != std::size_t(d) || dil.size() != std::size_t(d) || op.size() != std::size_t(d) ||
        groups <= 0)
        return unreadable(node, "stride, dilation, output_padding or groups");
    const std::string op_name = transposed ? "conv_transpose" : "conv";
    const int axis = channelAxis(input, d);
    if (axis < 0)
        return wrongRank(node, input, d,
                         "Expected " + rankPhrase(d) + " input to " + op_name + std::to_string(d) +
                             "d, but got input of size: " + shapeToString(input));
    Shape batched = input;
    if (axis == 0) batched.insert(batched.begin(), 1);
    Shape result = input;
    result[std::size_t(axis)] = *out;
    for (int i = 0; i < d; ++i) {
        const std::int64_t L = input[std::size_t(axis + 1 + i)];
        const std::int64_t dk = dil[std::size_t(i)] * (k->at(std::size_t(i)) - 1) + 1;
        std::int64_t o;
        if (transposed)
            o = (L - 1) * s[std::size_t(i)] - 2 * p[std::size_t(i)] + dk + op[std::size_t(i)];
        else if (same)
            o = L;
        else
            o = (L + 2 * p[std::size_t(i)] - dk) / s[std::size_t(i)] + 1;
        result[std::size_t(axis + 1 + i)] = o;
    }
    // Weight: [out, in/groups, k...] for conv, [in, out/groups, k...] for transposed conv.
    Shape weight = transposed ? Shape{*in, *out / groups} : Shape{*out, *in / groups};
    weight.insert(weight.end(), k->begin(), k->end());
    const std::int64_t channels = input[std::size_t(axis)];
    if (channels != *in) {
        const std::string torch =
            "Given " +
            std::string(transposed ? "transposed=1" : "groups=" + std::to_string(groups)) +
            ", weight of size " + shapeToString(weight) + ", expected input" +
            shapeToString(batched) + " to have " + std::to_string(*in) + " channels, but got " +
            std::to_string(channels) + " channels instead";
        return raises(
            result, "in_channels_mismatch",
            node.type + " expects " + std::to_string(*in) +
                " input channels but the previous layer gives " + std::to_string(channels),
            "RuntimeError", torch, a.constructorWith("in_channels", std::to_string(channels), 0));
    }
    if (!transposed) {
        Shape padded, dilated;
        bool tooSmall = false;
        for (int i = 0; i < d; ++i) {
            const std::int64_t L = input[std::size_t(axis + 1 + i)];
            const std::int64_t dk = dil[std::size_t(i)] * (k->at(std::size_t(i)) - 1) + 1;
            padded.push_back(same ? L + dk - 1 : L + 2 * p[std::size_t(i)]);
            dilated.push_back(dk);
            tooSmall = tooSmall || padded.back() < dk;
        }
        if (tooSmall)
            return raises(result, "invalid_output_size",
                          node.type + ": the kernel (" + join(dilated, " x ") +
                              ") is larger than the padded input (" + join(padded, " x ") + ")",
                          "RuntimeError",
                          "Calculated padded input size per channel: (" + join(padded, " x ") +
                              "). Kernel size: (" + join(dilated, " x ") +
                              "). Kernel size can't be greater than actual input size",
                          "a smaller kernel_size, more padding, or a larger input");
    }
    return shape(result);
}

LayerStep poolShape(const ModuleNode& node, const Shape& input, int d, bool max) {
    const ModuleArguments a(node);
    const auto k = a.integers("kernel_size", 0, std::size_t(d));
    if (!k) return unreadable(node, "kernel_size");
    Shape s = *k;
    if (a.has("stride", 1) && !a.isNone("stride", 1)) {
        auto parsed = a.integers("stride", 1, d);
        if (!parsed) return unreadable(node, "stride");
        s = *parsed;
    }
    const Shape p =
        a.has("padding", 2) ? a.integers("padding", 2, d).value_or(Shape{}) : Shape(d, 0);
    const Shape dil =
        max && a.has("dilation", 3) ? a.integers("dilation", 3, d).value_or(Shape{}) : Shape(d, 1);
    const bool ceil = a.boolean("ceil_mode").value_or(false);
    if (p.size() != std::size_t(d) || dil.size() != std::size_t(d))
        return unreadable(node, "padding or dilation");
    const int axis = channelAxis(input, d);
    if (axis < 0) return wrongRank(node, input, d, "");
    Shape result = input;
    bool tooSmall = false;
    for (int i = 0; i < d; ++i) {
        const std::size_t j = std::size_t(axis + 1 + i);
        const std::int64_t L = input[j], st = s[std::size_t(i)], pad = p[std::size_t(i)];
        const std::int64_t span =
            L + 2 * pad - dil[std::size_t(i)] * (k->at(std::size_t(i)) - 1) - 1;
        std::int64_t o = (span + (ceil ? st - 1 : 0)) / st + 1;
        if (span < 0) o = span / st + (span % st ? 0 : 1); // floor toward -inf, then +1
        if (ceil && o > 0 && (o - 1) * st >= L + pad) --o; // last window starts in the padding
        result[j] = o;
        tooSmall = tooSmall || o <= 0;
    }
    if (tooSmall) {
        const Shape in(input.begin() + axis, input.end()),
            outShape(result.begin() + axis, result.end());
        return raises(result, "invalid_output_size",
                      node.type + ": the output would be " + join(outShape, "x") +
                          ", the input is too small for the window",
                      "RuntimeError",
                      "Given input size: (" + join(in, "x") + "). Calculated output size: (" +
                          join(outShape, "x") + "). Output size is too small",
                      "a smaller kernel_size or a larger input");
    }
    return shape(result);
}

LayerStep adaptivePoolShape(const ModuleNode& node, const Shape& input, int d) {
    const ModuleArguments a(node);
    const auto size = a.integers("output_size", 0, std::size_t(d));
    if (!size) return unreadable(node, "output_size");
    const int axis = channelAxis(input, d);
    if (axis < 0) return wrongRank(node, input, d, "");
    Shape result = input;
    for (int i = 0; i < d; ++i)
        if (size->at(std::size_t(i)) != kNoneEntry)
            result[std::size_t(axis + 1 + i)] = size->at(std::size_t(i));
    return shape(result);
}

int wrapDim(std::int64_t dim, std::size_t rank) {
    return int(dim < 0 ? dim + std::int64_t(rank) : dim);
}

LayerStep flattenShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    const std::size_t rank = input.size();
    const int start = wrapDim(a.integer("start_dim", 0).value_or(1), rank);
    const int end = wrapDim(a.integer("end_dim", 1).value_or(-1), rank);
    if (start < 0 || start >= int(rank) || end < 0 || end >= int(rank) || start > end)
        return unknown(node.type + ": start_dim/end_dim are outside the " + std::to_string(rank) +
                       "D input " + shapeToString(input));
    Shape result(input.begin(), input.begin() + start);
    std::int64_t merged = 1;
    for (int i = start; i <= end; ++i) merged *= input[std::size_t(i)];
    result.push_back(merged);
    result.insert(result.end(), input.begin() + end + 1, input.end());
    return shape(result);
}

LayerStep unflattenShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    const auto dim = a.integer("dim", 0);
    const auto sizes = a.tuple("unflattened_size", 1);
    if (!dim || !sizes) return unreadable(node, "dim or unflattened_size");
    const int axis = wrapDim(*dim, input.size());
    if (axis < 0 || axis >= int(input.size())) return unknown(node.type + ": dim out of range");
    std::int64_t product = 1;
    for (auto v : *sizes) product *= v;
    if (product != input[std::size_t(axis)])
        return unknown(node.type + ": unflattened_size does not multiply to " +
                       std::to_string(input[std::size_t(axis)]));
    Shape result(input.begin(), input.begin() + axis);
    result.insert(result.end(), sizes->begin(), sizes->end());
    result.insert(result.end(), input.begin() + axis + 1, input.end());
    return shape(result);
}

LayerStep upsampleShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    if (input.size() < 3) return unknown(node.type + " needs a 3D to 5D input (N, C, spatial)");
    const std::size_t d = input.size() - 2;
    Shape result = input;
    if (a.has("size") && !a.isNone("size")) {
        const auto size = a.integers("size", -1, d);
        if (!size) return unreadable(node, "size");
        std::copy(size->begin(), size->end(), result.begin() + 2);
        return shape(result);
    }
    // scale_factor: one float or a tuple of floats.
    std::vector<double> scale;
    if (auto one = a.number("scale_factor")) {
        scale.assign(d, *one);
    } else if (const std::string* text = a.find("scale_factor")) {
        std::string t = *text;
        for (char& c : t)
            if (c == '(' || c == ')' || c == ',') c = ' ';
        const char* p = t.c_str();
        char* end = nullptr;
        for (double v = std::strtod(p, &end); end != p; v = std::strtod(p, &end)) {
            scale.push_back(v);
            p = end;
        }
    }
    if (scale.size() != d) return unreadable(node, "size or scale_factor");
    for (std::size_t i = 0; i < d; ++i)
        result[2 + i] = std::int64_t(std::floor(double(input[2 + i]) * scale[i]));
    return shape(result);
}

LayerStep pixelShuffleShape(const ModuleNode& node, const Shape& input, bool shuffle) {
    const ModuleArguments a(node);
    const auto r = a.integer(shuffle ? "upscale_factor" : "downscale_factor", 0);
    if (!r || *r <= 0) return unreadable(node, "the factor");
    if (input.size() < 3) return unknown(node.type + " needs at least 3 dims (C, H, W)");
    Shape result = input;
    const std::size_t c = input.size() - 3;
    if (shuffle) {
        if (input[c] % (*r * *r) != 0)
            return unknown(node.type + ": channels " + std::to_string(input[c]) +
                           " are not divisible by the square of the upscale factor");
        result[c] /= *r * *r;
        result[c + 1] *= *r;
        result[c + 2] *= *r;
    } else {
        result[c] *= *r * *r;
        result[c + 1] /= *r;
        result[c + 2] /= *r;
    }
    return shape(result);
}

LayerStep padShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    auto pads = a.tuple("padding", 0);
    if (!pads) return unreadable(node, "padding");
    std::size_t d = 0;
    for (const char* suffix : {"1d", "2d", "3d"}) {
        ++d;
        if (node.type.size() > 2 && node.type.compare(node.type.size() - 2, 2, suffix) == 0) break;
    }
    if (pads->size() == 1) pads = Shape(2 * d, pads->front());
    if (pads->size() != 2 * d || input.size() < d) return unreadable(node, "padding");
    Shape result = input;
    // (left, right, top, bottom, front, back): pairs from the last dim backwards.
    for (std::size_t i = 0; i < d; ++i)
        result[input.size() - 1 - i] += pads->at(2 * i) + pads->at(2 * i + 1);
    return shape(result);
}

LayerStep linearShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    const auto in = a.integer("in_features", 0), out = a.integer("out_features", 1);
    if (!in || !out) return unreadable(node, "in_features or out_features");
    Shape result = input;
    result.back() = *out;
    if (input.back() != *in) {
        std::int64_t rows = 1;
        for (std::size_t i = 0; i + 1 < input.size(); ++i) rows *= input[i];
        return raises(result, "in_features_mismatch",
                      node.type + " expects " + std::to_string(*in) +
                          " features in the last dim but gets " + std::to_string(input.back()) +
                          " (input " + shapeToString(input) + ")",
                      "RuntimeError",
                      "mat1 and mat2 shapes cannot be multiplied (" + std::to_string(rows) + "x" +
                          std::to_string(input.back()) + " and " + std::to_string(*in) + "x" +
                          std::to_string(*out) + ")",
                      a.constructorWith("in_features", std::to_string(input.back()), 0));
    }
    return shape(result);
}

LayerStep embeddingShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    const auto dim = a.integer("embedding_dim", 1);
    if (!dim) return unreadable(node, "embedding_dim");
    Shape result = input;
    result.push_back(*dim);
    return shape(result);
}

} // namespace

bool isOpaqueModule(const std::string& type) {
    return type == "MultiheadAttention";
}

LayerStep layerShape(const ModuleNode& node, const Shape& input) {
    const std::string& t = node.type;
    if (shapePreserving().count(t) || isOpaqueModule(t)) return shape(input);
    if (int d = spatialDims(t, "Conv")) return convShape(node, input, d, false);
    if (int d = spatialDims(t, "ConvTranspose")) return convShape(node, input, d, true);
    if (int d = spatialDims(t, "MaxPool")) return poolShape(node, input, d, true);
    if (int d = spatialDims(t, "AvgPool")) return poolShape(node, input, d, false);
    if (int d = spatialDims(t, "AdaptiveAvgPool")) return adaptivePoolShape(node, input, d);
    if (int d = spatialDims(t, "AdaptiveMaxPool")) return adaptivePoolShape(node, input, d);
    if (t == "Flatten") return flattenShape(node, input);
    if (t == "Unflatten") return unflattenShape(node, input);
    if (t == "Upsample" || t == "UpsamplingNearest2d" || t == "UpsamplingBilinear2d")
        return upsampleShape(node, input);
    if (t == "PixelShuffle" || t == "PixelUnshuffle")
        return pixelShuffleShape(node, input, t == "PixelShuffle");
    if (t == "Linear" || t == "NonDynamicallyQuantizableLinear") return linearShape(node, input);
    if (t == "Embedding") return embeddingShape(node, input);
    if (t.find("Pad") != std::string::npos) return padShape(node, input);
    return unknown(t + " is not a module NormLab knows, so its output shape is unknown");
}

} // namespace normlab::detail
