#include "layer_shapes.h"

#include "module_arguments.h"

#include "normlab/checked_int.h"

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
        "StochasticDepth",
        "DropPath",
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
    LayerStep step =
        unknown(node.type + ": could not read " + what + " from the printed arguments");
    step.unreadableArguments = true;
    return step;
}

LayerStep raises(Shape output, FindingCode code, std::string message, std::string exception,
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

// PyTorch raises and the output has no size to continue from: propagation stops here.
LayerStep raisesAndStops(const ModuleNode& node, FindingCode code, std::string message,
                         std::string torchMessage, std::string fix) {
    LayerStep step = raises({}, std::move(code), std::move(message), "RuntimeError",
                            std::move(torchMessage), std::move(fix));
    step.output.reset();
    step.unknownReason = node.type + " raises on this input";
    return step;
}

// A size computed from the printed arguments overflows 64-bit integers. PyTorch's own shape
// arithmetic overflows there too; what it then says differs by version and is not modelled.
LayerStep sizeOverflow(const ModuleNode& node, const std::string& what) {
    LayerStep step = raisesAndStops(node, FindingCode::SizeOverflow,
                                    node.type + ": " + what +
                                        " overflows 64-bit integers; no input can pass this layer",
                                    "", "sizes that fit the input");
    step.raised->exception.clear();
    return step;
}

// A module argument PyTorch rejects when the layer runs (non-positive stride, negative
// padding, ...): propagation stops with PyTorch's message.
LayerStep invalidArgument(const ModuleNode& node, const std::string& message,
                          std::string torchMessage, std::string fix) {
    return raisesAndStops(node, FindingCode::InvalidArgument, node.type + ": " + message,
                          std::move(torchMessage), std::move(fix));
}

bool anyBelow(const Shape& values, std::int64_t bound) {
    for (auto v : values)
        if (v < bound) return true;
    return false;
}

// "name_height: 1 name_width: 2" in ATen's transposed-conv wording: a 1D conv reads as 2D
// with height 1 (pad = `height1D`), a 3D one adds depth.
std::string namedDims(const std::string& name, const Shape& v, std::int64_t height1D,
                      const char* separator) {
    static const char* const names[] = {"depth", "height", "width"};
    Shape all = v;
    if (v.size() == 1) all.insert(all.begin(), height1D);
    std::string out;
    for (std::size_t i = 0; i < all.size(); ++i)
        out += (i ? separator : "") + name + "_" + names[3 - all.size() + i] + ": " +
               std::to_string(all[i]);
    return out;
}

std::string rankPhrase(int d);

// PyTorch raises; the output is unknown (no rank to continue from). `torchMessage` empty
// when PyTorch's wording is not modelled here.
LayerStep wrongRank(const ModuleNode& node, const Shape& input, int d, std::string torchMessage) {
    LayerStep step =
        raises({}, FindingCode::WrongRank,
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
    // ATen's argument checks, in its order (padding, output_padding, stride, dilation).
    if (anyBelow(p, 0))
        return invalidArgument(node, "padding " + shapeToString(p) + " is negative",
                               "negative padding is not supported", "padding >= 0");
    if (anyBelow(op, 0))
        return invalidArgument(node, "output_padding " + shapeToString(op) + " is negative",
                               "negative output_padding is not supported", "output_padding >= 0");
    if (anyBelow(s, 1))
        return invalidArgument(node, "stride " + shapeToString(s) + " is not positive",
                               "non-positive stride is not supported", "stride >= 1");
    if (anyBelow(dil, 1))
        return invalidArgument(node, "dilation " + shapeToString(dil) + " is not positive",
                               transposed ? "dilation should be greater than zero, but got " +
                                                namedDims("dilation", dil, 1, ", ")
                                          : "non-positive dilation is not supported",
                               "dilation >= 1");
    if (anyBelow(*k, 1))
        return invalidArgument(node, "kernel_size " + shapeToString(*k) + " is not positive", "",
                               "kernel_size >= 1");
    if (transposed) {
        bool tooLarge = false;
        for (int i = 0; i < d; ++i)
            tooLarge = tooLarge || (op[std::size_t(i)] >= s[std::size_t(i)] &&
                                    op[std::size_t(i)] >= dil[std::size_t(i)]);
        if (tooLarge)
            return invalidArgument(
                node, "output_padding " + shapeToString(op) + " is not below stride or dilation",
                "output padding must be smaller than either stride or dilation, but got " +
                    namedDims("output_padding", op, 0, " ") + " " + namedDims("stride", s, 1, " ") +
                    " " + namedDims("dilation", dil, 1, " "),
                "output_padding < stride");
    }
    Shape batched = input;
    if (axis == 0) batched.insert(batched.begin(), 1);
    Shape result = input;
    result[std::size_t(axis)] = *out;
    Shape padded, dilated;
    for (int i = 0; i < d; ++i) {
        const std::size_t j = std::size_t(i);
        const CheckedInt L = input[std::size_t(axis + 1 + i)];
        const CheckedInt dk = CheckedInt(dil[j]) * (k->at(j) - 1) + 1;
        const CheckedInt pad = same ? dk - 1 : CheckedInt(2) * p[j];
        const CheckedInt o = transposed ? (L - 1) * s[j] - CheckedInt(2) * p[j] + dk + op[j]
                             : same     ? L
                                        : floorDiv(L + pad - dk, s[j]) + 1;
        if (!o.valid() || !(L + pad).valid())
            return sizeOverflow(node, "the output size along spatial dim " + std::to_string(i));
        result[std::size_t(axis + 1 + i)] = o.get();
        padded.push_back((L + pad).get());
        dilated.push_back(dk.get());
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
        LayerStep step = raises(
            result, FindingCode::InChannelsMismatch,
            node.type + " expects " + std::to_string(*in) +
                " input channels but the previous layer gives " + std::to_string(channels),
            "RuntimeError", torch, a.constructorWith("in_channels", std::to_string(channels), 0));
        // Analysis goes on with the fixed layer's output, unless even that has no size.
        if (anyBelow(Shape(result.begin() + axis + 1, result.end()), 1)) {
            step.output.reset();
            step.unknownReason = node.type + " raises on this input";
        }
        return step;
    }
    const Shape spatialIn(input.begin() + axis + 1, input.end()),
        spatialOut(result.begin() + axis + 1, result.end());
    if (!transposed) {
        bool tooSmall = false;
        for (int i = 0; i < d; ++i)
            tooSmall = tooSmall || padded[std::size_t(i)] < dilated[std::size_t(i)];
        if (tooSmall)
            return raisesAndStops(
                node, FindingCode::InvalidOutputSize,
                node.type + ": the kernel (" + join(dilated, " x ") +
                    ") is larger than the padded input (" + join(padded, " x ") + ")",
                "Calculated padded input size per channel: (" + join(padded, " x ") +
                    "). Kernel size: (" + join(dilated, " x ") +
                    "). Kernel size can't be greater than actual input size",
                "a smaller kernel_size, more padding, or a larger input");
    }
    if (transposed && anyBelow(spatialOut, 1)) {
        // ATen reads a 1D transposed conv as 2D with height 1.
        const Shape in2 = d == 1 ? Shape{1, spatialIn[0]} : spatialIn;
        const Shape out2 = d == 1 ? Shape{1, spatialOut[0]} : spatialOut;
        return raisesAndStops(node, FindingCode::InvalidOutputSize,
                              node.type + ": the output would be " + join(spatialOut, " x ") +
                                  ", below 1",
                              "Given input size per channel: (" + join(in2, " x ") +
                                  "). Calculated output size per channel: (" + join(out2, " x ") +
                                  "). Output size is too small",
                              "less padding, or a larger input");
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
    // AvgPool's repr never prints ceil_mode: where it would change the output, the printed
    // text cannot tell which one the model has.
    const bool ceilUnknown = !max && !a.has("ceil_mode");
    if (p.size() != std::size_t(d) || dil.size() != std::size_t(d))
        return unreadable(node, "padding or dilation");
    const int axis = channelAxis(input, d);
    if (axis < 0) return wrongRank(node, input, d, "");
    // ATen's pooling checks, in its order: per spatial dim (from the first) stride non-zero,
    // padding non-negative and at most half the effective kernel; then kernel, stride and
    // dilation positive; then an output of at least 1. AvgPool1d runs as a 2D pool of height
    // 1. MaxPool1d has checks of its own whose words depend on whether the input requires
    // grad, so its messages are not given.
    const bool words = !(max && d == 1);
    const char* const kNames[] = {"T", "H", "W"};
    auto listed = [&](const char* prefix, const Shape& v, std::int64_t height1D) {
        Shape all = v;
        if (d == 1) all.insert(all.begin(), height1D);
        std::string out;
        for (std::size_t i = 0; i < all.size(); ++i)
            out += std::string(i ? " " : "") + prefix + kNames[3 - all.size() + i] + ": " +
                   std::to_string(all[i]);
        return out;
    };
    auto rejected = [&](const std::string& message, const std::string& torch,
                        const std::string& fix) {
        return invalidArgument(node, message, words ? torch : "", fix);
    };
    for (int i = 0; i < d; ++i) {
        const std::size_t j = std::size_t(i);
        if (s[j] == 0)
            return rejected("stride " + shapeToString(s) + " has a zero",
                            "stride should not be zero", "stride >= 1");
        if (p[j] < 0)
            return rejected("padding " + shapeToString(p) + " is negative",
                            "pad must be non-negative, but got pad: " + std::to_string(p[j]),
                            "padding >= 0");
        const CheckedInt half = floorDiv((CheckedInt(k->at(j)) - 1) * dil[j] + 1, 2);
        if (!half.valid()) return sizeOverflow(node, "the effective kernel size");
        if (p[j] > half.get())
            return rejected(
                "padding " + shapeToString(p) + " is more than half the kernel " +
                    shapeToString(*k),
                "pad should be at most half of kernel size, but got pad=" + std::to_string(p[j]) +
                    " and kernel_size=" + std::to_string(k->at(j)),
                "padding <= kernel_size / 2");
    }
    if (anyBelow(*k, 1))
        return rejected("kernel_size " + shapeToString(*k) + " is not positive",
                        "kernel size should be greater than zero, but got " + listed("k", *k, 1),
                        "kernel_size >= 1");
    if (anyBelow(s, 1))
        return rejected("stride " + shapeToString(s) + " is not positive",
                        "stride should be greater than zero, but got " + listed("d", s, 1),
                        "stride >= 1");
    if (anyBelow(dil, 1))
        return rejected("dilation " + shapeToString(dil) + " is not positive",
                        "dilation should be greater than zero, but got " +
                            listed("dilation", dil, 1),
                        "dilation >= 1");
    Shape result = input;
    bool tooSmall = false, kernelLarger = false;
    for (int i = 0; i < d; ++i) {
        const std::size_t j = std::size_t(axis + 1 + i);
        const std::int64_t st = s[std::size_t(i)], pad = p[std::size_t(i)];
        const CheckedInt L = input[j];
        const CheckedInt span = L + CheckedInt(2) * pad -
                                CheckedInt(dil[std::size_t(i)]) * (k->at(std::size_t(i)) - 1) - 1;
        CheckedInt o = floorDiv(span + (ceil ? st - 1 : 0), st) + 1;
        // ceil_mode: the last window must start inside the input or its left padding.
        if (ceil && o.valid() && o.get() > 0) {
            const CheckedInt start = (o - 1) * st, limit = L + pad;
            if (!start.valid() || !limit.valid())
                o = CheckedInt::invalid();
            else if (start.get() >= limit.get())
                o = o - 1;
        }
        if (!o.valid()) return sizeOverflow(node, "the output size");
        if (ceilUnknown && o.valid()) {
            const CheckedInt withCeil = floorDiv(span + (st - 1), st) + 1;
            const CheckedInt start = (withCeil - 1) * st, limit = L + pad;
            const bool lastStartsInside =
                start.valid() && limit.valid() && start.get() < limit.get();
            if (withCeil.valid() && withCeil.get() != o.get() && lastStartsInside) {
                LayerStep step = unknown(
                    node.type + ": the output is " + std::to_string(o.get()) + " or " +
                    std::to_string(withCeil.get()) +
                    " along a spatial dim, by ceil_mode, which print(model) does not show for "
                    "average pooling; could not read ceil_mode");
                step.unreadableArguments = true;
                return step;
            }
        }
        result[j] = o.get();
        tooSmall = tooSmall || o.get() <= 0;
        kernelLarger = kernelLarger || input[j] < k->at(std::size_t(i));
    }
    if (tooSmall) {
        Shape in(input.begin() + axis, input.end()), outShape(result.begin() + axis, result.end());
        if (d == 1) in.insert(in.begin() + 1, 1), outShape.insert(outShape.begin() + 1, 1);
        const Shape spatial(input.begin() + axis + 1, input.end());
        std::string torch = "Given input size: (" + join(in, "x") + "). Calculated output size: (" +
                            join(outShape, "x") + "). Output size is too small";
        if (!max && d == 3 && kernelLarger)
            torch = "input image (T: " + std::to_string(spatial[0]) +
                    " H: " + std::to_string(spatial[1]) + " W: " + std::to_string(spatial[2]) +
                    ") smaller than kernel size (" + listed("k", *k, 1) + ")";
        return raisesAndStops(node, FindingCode::InvalidOutputSize,
                              node.type + ": the output would be " +
                                  join(Shape(result.begin() + axis + 1, result.end()), "x") +
                                  ", the input is too small for the window",
                              words ? torch : "", "a smaller kernel_size or a larger input");
    }
    return shape(result);
}

LayerStep adaptivePoolShape(const ModuleNode& node, const Shape& input, int d, bool max) {
    const ModuleArguments a(node);
    const auto size = a.integers("output_size", 0, std::size_t(d));
    if (!size) return unreadable(node, "output_size");
    const int axis = channelAxis(input, d);
    if (axis < 0) return wrongRank(node, input, d, "");
    Shape result = input;
    bool negative = false;
    for (int i = 0; i < d; ++i)
        if (size->at(std::size_t(i)) != kNoneEntry) {
            result[std::size_t(axis + 1 + i)] = size->at(std::size_t(i));
            negative = negative || size->at(std::size_t(i)) < 0;
        }
    if (negative) {
        // ATen pools 1D as 2D of height 1; its 3D check repeats the 2D words. Only these
        // messages are known; AdaptiveMaxPool1d/3d's are not given.
        Shape asked(result.begin() + axis + 1, result.end());
        if (d == 1) asked.insert(asked.begin(), 1);
        std::string listed = "{";
        for (std::size_t i = 0; i < asked.size(); ++i)
            listed += (i == 0 ? "" : i == 2 ? "," : ", ") + std::to_string(asked[i]);
        listed += "}";
        Shape batched = result;
        if (axis == 0) batched.insert(batched.begin(), 1);
        std::int64_t firstNegative = 0;
        for (auto v : asked)
            if (v < 0 && firstNegative == 0) firstNegative = v;
        const std::string torch =
            !max ? "adaptive_avg_pool2d: elements of output_size must be greater than or equal "
                   "to 0 but received " +
                       listed
            : d == 2 ? "Trying to create tensor with negative dimension " +
                           std::to_string(firstNegative) + ": " + shapeToString(result)
                     : "";
        return invalidArgument(node, "output_size " + shapeToString(*size) + " is negative", torch,
                               "output_size >= 1");
    }
    if (!checkedProduct(result).valid())
        return raisesAndStops(node, FindingCode::SizeOverflow,
                              node.type + ": the output " + shapeToString(result) +
                                  " has more elements than 64-bit integers count",
                              "numel: integer multiplication overflow", "a smaller output_size");
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
    const CheckedInt merged = checkedProduct(Shape(input.begin() + start, input.begin() + end + 1));
    if (!merged.valid()) return sizeOverflow(node, "the flattened size");
    result.push_back(merged.get());
    result.insert(result.end(), input.begin() + end + 1, input.end());
    return shape(result);
}

LayerStep unflattenShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    const auto dim = a.integer("dim", 0);
    auto sizes = a.tuple("unflattened_size", 1);
    if (!dim || !sizes) return unreadable(node, "dim or unflattened_size");
    const int axis = wrapDim(*dim, input.size());
    if (axis < 0 || axis >= int(input.size())) return unknown(node.type + ": dim out of range");
    const std::int64_t size = input[std::size_t(axis)];
    // One entry may be -1: inferred from the others (as torch.Tensor.view).
    CheckedInt known = 1;
    int inferred = -1, inferredCount = 0;
    for (std::size_t i = 0; i < sizes->size(); ++i) {
        if (sizes->at(i) == -1) {
            inferred = int(i);
            ++inferredCount;
        } else {
            known = sizes->at(i) < 0 ? CheckedInt::invalid() : known * sizes->at(i);
        }
    }
    if (inferredCount == 1 && known.valid() && known.get() > 0 && size % known.get() == 0)
        sizes->at(std::size_t(inferred)) = size / known.get();
    else if (inferredCount > 0 || !known.valid() || known.get() != size)
        return invalidArgument(node,
                               "unflattened_size " + shapeToString(*sizes) +
                                   " does not multiply to " + std::to_string(size),
                               inferredCount > 0
                                   ? ""
                                   : "unflatten: Provided sizes " + shapeToString(*sizes) +
                                         " don't multiply up to the size of dim " +
                                         std::to_string(axis) + " (" + std::to_string(size) +
                                         ") in the input tensor",
                               "sizes whose product is " + std::to_string(size));
    Shape result(input.begin(), input.begin() + axis);
    result.insert(result.end(), sizes->begin(), sizes->end());
    result.insert(result.end(), input.begin() + axis + 1, input.end());
    return shape(result);
}

// "(H: 8, W: 8)" as ATen's upsample check prints sizes: the last 1 to 3 dims.
std::string upsampleSizes(const Shape& v) {
    static const char* const names[] = {"D", "H", "W"};
    std::string out = "(";
    for (std::size_t i = 0; i < v.size(); ++i)
        out += std::string(i ? ", " : "") + names[3 - v.size() + i] + ": " + std::to_string(v[i]);
    return out + ")";
}

LayerStep upsampleShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    if (input.size() < 3) return unknown(node.type + " needs a 3D to 5D input (N, C, spatial)");
    const std::size_t d = input.size() - 2;
    if (d > 3) return unknown(node.type + " takes 3D to 5D inputs");
    Shape result = input;
    if (a.has("size") && !a.isNone("size")) {
        const auto size = a.integers("size", -1, d);
        if (!size) return unreadable(node, "size");
        std::copy(size->begin(), size->end(), result.begin() + 2);
    } else {
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
        for (std::size_t i = 0; i < d; ++i) {
            const CheckedInt o = CheckedInt::floorOf(double(input[2 + i]) * scale[i]);
            if (!o.valid())
                return sizeOverflow(node, "scale_factor " + std::to_string(scale[i]) +
                                              " times the input size");
            result[2 + i] = o.get();
        }
    }
    const Shape in(input.begin() + 2, input.end()), out(result.begin() + 2, result.end());
    if (anyBelow(out, 1))
        return invalidArgument(node, "the output size " + shapeToString(out) + " is below 1",
                               "Input and output sizes should be greater than 0, but got input " +
                                   upsampleSizes(in) + (d == 1 ? " and output " : " output ") +
                                   upsampleSizes(out),
                               "a size or scale_factor that gives at least 1");
    return shape(result);
}

LayerStep pixelShuffleShape(const ModuleNode& node, const Shape& input, bool shuffle) {
    const ModuleArguments a(node);
    const char* factorName = shuffle ? "upscale_factor" : "downscale_factor";
    const char* op = shuffle ? "pixel_shuffle" : "pixel_unshuffle";
    const auto r = a.integer(factorName, 0);
    if (!r) return unreadable(node, "the factor");
    if (input.size() < 3) return unknown(node.type + " needs at least 3 dims (C, H, W)");
    if (*r <= 0)
        return invalidArgument(
            node, std::string(factorName) + " " + std::to_string(*r) + " is not positive",
            std::string(op) + " expects a positive " + factorName + ", but got " +
                std::to_string(*r),
            std::string(factorName) + " >= 1");
    const CheckedInt square = CheckedInt(*r) * *r;
    Shape result = input;
    const std::size_t c = input.size() - 3;
    if (shuffle) {
        if (!square.valid())
            // ATen's r * r wraps to 0 here and the process may crash dividing by it.
            return sizeOverflow(node, std::string(factorName) + "² (" + std::to_string(*r) + "²)");
        if (input[c] % square.get() != 0)
            return invalidArgument(
                node,
                "channels " + std::to_string(input[c]) + " are not divisible by " +
                    std::to_string(square.get()) + ", the square of the upscale factor",
                "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
                "square of upscale_factor, but input.size(-3)=" +
                    std::to_string(input[c]) + " is not divisible by " +
                    std::to_string(square.get()),
                "channels divisible by " + std::to_string(square.get()));
        const CheckedInt h = CheckedInt(input[c + 1]) * *r, w = CheckedInt(input[c + 2]) * *r;
        if (!h.valid() || !w.valid()) return sizeOverflow(node, "the output height or width");
        result[c] /= square.get();
        result[c + 1] = h.get();
        result[c + 2] = w.get();
    } else {
        for (int k = 1; k <= 2; ++k)
            if (input[c + std::size_t(k)] % *r != 0)
                return invalidArgument(
                    node,
                    std::string(k == 1 ? "height " : "width ") +
                        std::to_string(input[c + std::size_t(k)]) + " is not divisible by " +
                        std::to_string(*r),
                    "pixel_unshuffle expects " + std::string(k == 1 ? "height" : "width") +
                        " to be divisible by downscale_factor, but input.size(" +
                        std::to_string(k - 3) + ")=" + std::to_string(input[c + std::size_t(k)]) +
                        " is not divisible by " + std::to_string(*r),
                    "a height and width divisible by " + std::to_string(*r));
        const CheckedInt channels = CheckedInt(input[c]) * square;
        if (!channels.valid()) return sizeOverflow(node, "the output channels");
        result[c] = channels.get();
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
    const bool reflection = node.type.rfind("Reflection", 0) == 0;
    Shape result = input;
    // (left, right, top, bottom, front, back): pairs from the last dim backwards.
    for (std::size_t i = 0; i < d; ++i) {
        const std::size_t dim = input.size() - 1 - i;
        const std::int64_t before = pads->at(2 * i), after = pads->at(2 * i + 1);
        if (reflection && (before >= input[dim] || after >= input[dim]))
            return invalidArgument(
                node,
                "padding (" + std::to_string(before) + ", " + std::to_string(after) +
                    ") is not less than the input's size " + std::to_string(input[dim]),
                d == 2 ? "Argument #4: Padding size should be less than the corresponding input "
                         "dimension, but got: padding (" +
                             std::to_string(before) + ", " + std::to_string(after) +
                             ") at dimension " + std::to_string(dim) + " of input " +
                             std::to_string(input.size())
                       : "",
                "padding below the input's size");
        const CheckedInt o = CheckedInt(input[dim]) + before + after;
        if (!o.valid()) return sizeOverflow(node, "the padded size");
        result[dim] = o.get();
    }
    const Shape out(result.end() - std::ptrdiff_t(d), result.end());
    if (anyBelow(out, 1))
        return invalidArgument(node, "the padded size " + shapeToString(out) + " is below 1", "",
                               "padding that leaves at least 1 element");
    return shape(result);
}

LayerStep linearShape(const ModuleNode& node, const Shape& input) {
    const ModuleArguments a(node);
    const auto in = a.integer("in_features", 0), out = a.integer("out_features", 1);
    if (!in || !out) return unreadable(node, "in_features or out_features");
    Shape result = input;
    result.back() = *out;
    if (input.back() != *in) {
        const CheckedInt rows = checkedProduct(Shape(input.begin(), input.end() - 1));
        return raises(
            result, FindingCode::InFeaturesMismatch,
            node.type + " expects " + std::to_string(*in) + " features in the last dim but gets " +
                std::to_string(input.back()) + " (input " + shapeToString(input) + ")",
            "RuntimeError",
            rows.valid() ? "mat1 and mat2 shapes cannot be multiplied (" +
                               std::to_string(rows.get()) + "x" + std::to_string(input.back()) +
                               " and " + std::to_string(*in) + "x" + std::to_string(*out) + ")"
                         : "",
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

bool runsInPrintedOrder(const std::string& type) {
    // Not "MLP": torchvision's ops.MLP is a Sequential, but models' own MLP classes (LLaMA's
    // gate/up/down projections) are not, and print alike.
    static const std::set<std::string> types = {"Sequential",           "Conv2dNormActivation",
                                                "Conv3dNormActivation", "ConvNormActivation",
                                                "ConvBNActivation",     "ConvBNReLU"};
    return types.count(type) > 0;
}

bool preservesShape(const std::string& type) {
    // A ModuleList or ModuleDict has no forward(): printed empty ("ModuleList()", as taming's
    // VQ-VAE keeps one per level for attention it does not use) it is never on the data path.
    // Only leaves are asked, so a container that holds modules is never taken for one.
    if (type == "ModuleList" || type == "ModuleDict") return true;
    // Normalization classes of a model's own (ConvNeXt's LayerNorm2d, FrozenBatchNorm2d,
    // LlamaRMSNorm) keep the shape; the built-in ones are checked on their own.
    return shapePreserving().count(type) > 0 || type.find("Norm") != std::string::npos;
}

bool keepsChannels(const std::string& type) {
    for (const char* prefix :
         {"MaxPool", "AvgPool", "AdaptiveAvgPool", "AdaptiveMaxPool", "Upsample", "ZeroPad",
          "ConstantPad", "ReflectionPad", "ReplicationPad"})
        if (type.rfind(prefix, 0) == 0) return true;
    return false;
}

bool isOpaqueModule(const std::string& type) {
    return type == "MultiheadAttention";
}

// The rule of a module type, before the common check below.
LayerStep ruleShape(const ModuleNode& node, const Shape& input);

LayerStep layerShape(const ModuleNode& node, const Shape& input) {
    LayerStep step = ruleShape(node, input);
    // A shape whose element count passes 64 bits (upsampling on upsampling) reaches nothing
    // after it: later arithmetic on it would overflow.
    if (step.output && !anyBelow(*step.output, 0) && !checkedProduct(*step.output).valid()) {
        if (step.raised) {
            step.output.reset();
            step.unknownReason = node.type + " raises on this input";
            return step;
        }
        return sizeOverflow(node, "the number of elements of " + shapeToString(*step.output));
    }
    // A negative size comes only from printed arguments no PyTorch module accepts (e.g.
    // Conv2d(8, -11)); whatever the rule computed, nothing runs past it.
    if (step.output && anyBelow(*step.output, 0)) {
        if (!step.raised)
            return invalidArgument(node,
                                   "its printed arguments give the output size " +
                                       shapeToString(*step.output) + ", below 0",
                                   "", "sizes of at least 0");
        step.output.reset();
        step.unknownReason = node.type + " raises on this input";
    }
    return step;
}

// nn.MultiheadAttention(query, key, value): the query is [L, E] or [L, N, E] ([N, L, E]
// with batch_first), E = embed_dim, which the module prints only as its out_proj's
// in_features. The output has the query's shape. PyTorch (_mha_shape_check, then the
// embedding check) raises otherwise.
LayerStep attentionShape(const ModuleNode& node, const Shape& input) {
    if (input.size() != 2 && input.size() != 3)
        return raisesAndStops(node, FindingCode::WrongRank,
                              "MultiheadAttention takes a 2D or 3D query, this one is " +
                                  std::to_string(input.size()) + "D " + shapeToString(input),
                              "query should be unbatched 2D or batched 3D tensor but received " +
                                  std::to_string(input.size()) + "-D query tensor",
                              "flatten the spatial dims into a sequence first "
                              "(x.flatten(2).transpose(1, 2))");
    for (const ModuleNode& child : node.children)
        if (child.name == "out_proj")
            if (const auto e = ModuleArguments(child).integer("in_features", 0);
                e && *e != input.back())
                return raisesAndStops(
                    node, FindingCode::InFeaturesMismatch,
                    "MultiheadAttention has embed_dim " + std::to_string(*e) +
                        " (its out_proj's in_features), the query's last dim is " +
                        std::to_string(input.back()),
                    "was expecting embedding dimension of " + std::to_string(*e) + ", but got " +
                        std::to_string(input.back()),
                    "nn.MultiheadAttention(" + std::to_string(input.back()) + ", num_heads)");
    return shape(input);
}

LayerStep ruleShape(const ModuleNode& node, const Shape& input) {
    const std::string& t = node.type;
    if (t == "MultiheadAttention") return attentionShape(node, input);
    if (preservesShape(t) || isOpaqueModule(t)) return shape(input);
    if (int d = spatialDims(t, "Conv")) return convShape(node, input, d, false);
    if (int d = spatialDims(t, "ConvTranspose")) return convShape(node, input, d, true);
    if (int d = spatialDims(t, "MaxPool")) return poolShape(node, input, d, true);
    if (int d = spatialDims(t, "AvgPool")) return poolShape(node, input, d, false);
    if (int d = spatialDims(t, "AdaptiveAvgPool")) return adaptivePoolShape(node, input, d, false);
    if (int d = spatialDims(t, "AdaptiveMaxPool")) return adaptivePoolShape(node, input, d, true);
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
