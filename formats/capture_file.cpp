#include "capture_file.h"

#include "user_files.h"

#include "normlab/npy.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <set>

namespace normlab::formats {

namespace {

constexpr qint64 kMaxManifestBytes = qint64(64) << 20;

// `relative` inside `directory`, as an absolute path; empty (with `error` set) when it is
// absolute or climbs out of the directory.
QString inside(const QString& directory, const QJsonValue& relative, QString& error) {
    if (relative.isNull() || relative.isUndefined()) return {};
    const QString rel = relative.toString();
    if (!relative.isString() || rel.isEmpty() || QDir::isAbsolutePath(rel)) {
        error = "a file name in the manifest is not a relative path";
        return {};
    }
    const QString root = QDir::cleanPath(QDir(directory).absolutePath());
    const QString path = QDir::cleanPath(root + "/" + rel);
    if (!path.startsWith(root + "/")) {
        error = "the manifest names " + rel + ", outside the capture's folder";
        return {};
    }
    // A symbolic link inside the folder may still point out of it: the file that would be
    // read (links resolved) must lie inside the folder (links resolved) too.
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    const QString canonicalPath = QFileInfo(path).canonicalFilePath();
    if (!canonicalPath.isEmpty() && !canonicalPath.startsWith(canonicalRoot + "/")) {
        error = "the manifest names " + rel +
                ", a symbolic link to a file outside the capture's folder";
        return {};
    }
    return path;
}

bool shapeOf(const QJsonValue& v, Shape& out) {
    if (!v.isArray() || v.toArray().size() > kMaxRank) return false;
    out.clear();
    for (const QJsonValue& d : v.toArray()) {
        if (!d.isDouble() || d.toDouble() < 0 || d.toDouble() > 1e12 ||
            d.toDouble() != double(qint64(d.toDouble())))
            return false;
        out.push_back(qint64(d.toDouble()));
    }
    return true;
}

// The layer's configuration as a NormSpec; empty on success, else what is wrong.
QString specOf(const QString& kind, const QJsonObject& c, NormSpec& spec) {
    const std::optional<Variant> variant =
        kind == "batch_norm"      ? std::optional(Variant::BatchNorm)
        : kind == "instance_norm" ? std::optional(Variant::InstanceNorm)
        : kind == "layer_norm"    ? std::optional(Variant::LayerNorm)
        : kind == "group_norm"    ? std::optional(Variant::GroupNorm)
        : kind == "rms_norm"      ? std::optional(Variant::RmsNorm)
                                  : std::nullopt;
    if (!variant) return "unknown kind '" + kind + "'";
    spec = NormSpec::defaultsFor(*variant);
    const QJsonValue eps = c.value("eps");
    if (eps.isDouble() && eps.toDouble() >= 0)
        spec.eps = eps.toDouble();
    else if (eps.isNull() && *variant == Variant::RmsNorm)
        spec.eps.reset();
    else
        return "eps is not a non-negative number";
    auto positive = [&](const char* key, std::int64_t& out) {
        const double v = c.value(key).toDouble(-1);
        if (v < 1 || v > 1e9 || v != double(qint64(v))) return false;
        out = qint64(v);
        return true;
    };
    switch (*variant) {
    case Variant::BatchNorm:
    case Variant::InstanceNorm: {
        std::int64_t features = 0;
        if (!positive("num_features", features)) return "num_features is not a positive integer";
        spec.numFeatures = features;
        spec.affine = c.value("affine").toBool(spec.affine);
        spec.trackRunningStats = c.value("track_running_stats").toBool(spec.trackRunningStats);
        const QJsonValue momentum = c.value("momentum");
        if (momentum.isNull())
            spec.momentum.reset();
        else if (momentum.isDouble())
            spec.momentum = momentum.toDouble();
        break;
    }
    case Variant::GroupNorm: {
        std::int64_t groups = 0, channels = 0;
        if (!positive("num_groups", groups) || !positive("num_channels", channels))
            return "num_groups / num_channels are not positive integers";
        spec.numGroups = groups;
        spec.numFeatures = channels;
        spec.affine = c.value("affine").toBool(spec.affine);
        break;
    }
    default: {
        Shape normalized;
        if (!shapeOf(c.value("normalized_shape"), normalized) || normalized.empty())
            return "normalized_shape is not a list of sizes";
        spec.normalizedShape = normalized;
        spec.affine = c.value("elementwise_affine").toBool(spec.affine);
        break;
    }
    }
    return {};
}

QString layerOf(const QString& directory, const QJsonObject& o, CapturedLayer& l) {
    l.name = o.value("name").toString();
    l.type = o.value("type").toString();
    l.kind = o.value("kind").toString();
    l.repr = o.value("repr").toString();
    l.dtype = o.value("dtype").toString("float32");
    if (const QString why = specOf(l.kind, o.value("config").toObject(), l.spec); !why.isEmpty())
        return why;
    l.spec.training = o.value("training").toBool(true);
    if (!shapeOf(o.value("input_shape"), l.inputShape) || l.inputShape.empty())
        return "input_shape is not a list of sizes";
    const double samples = o.value("captured_samples").toDouble(double(l.inputShape[0]));
    if (samples < 0 || samples > double(l.inputShape[0]) || samples != double(qint64(samples)))
        return "captured_samples is not between 0 and the batch size";
    l.capturedSamples = qint64(samples);
    // Clamped before the conversion: a double beyond int64 has no integer (JSON has no NaN).
    l.numBatchesTracked = qint64(std::clamp(o.value("num_batches_tracked").toDouble(0), 0.0, 9e15));
    const QJsonObject files = o.value("files").toObject();
    QString error;
    l.input = inside(directory, files.value("input"), error);
    l.output = inside(directory, files.value("output"), error);
    l.weight = inside(directory, files.value("weight"), error);
    l.bias = inside(directory, files.value("bias"), error);
    l.runningMean = inside(directory, files.value("running_mean"), error);
    l.runningVar = inside(directory, files.value("running_var"), error);
    if (!error.isEmpty()) return error;
    if (l.input.isEmpty()) return "the layer's input file is not named";
    return {};
}

// Reads a floating-point .npy; empty on success.
QString floatingNpy(const QString& path, const char* what, Tensor& out) {
    NpyReadResult r = readNpy(path.toStdString());
    if (!r.ok()) return QString("%1: %2").arg(what, QString::fromStdString(r.error));
    if (!isFloating(r.tensor.dtype()))
        return QString("%1 holds %2 values, not floating point")
            .arg(what, QString::fromUtf8(dtypeName(r.tensor.dtype()).data()));
    out = std::move(r.tensor);
    return {};
}

// The valid-element mask of this layer's captured input, from the capture's lengths or mask:
// placed along the one axis (after the batch) whose size is the input's padded length.
QString paddingMask(const Capture& capture, const CapturedLayer& l, const Shape& shape,
                    Tensor& mask, QString& note) {
    if (capture.lengths.isEmpty() && capture.mask.isEmpty()) return {};
    std::vector<std::int64_t> lengths; // per sample
    std::int64_t padded = 0;
    if (!capture.mask.isEmpty()) {
        const NpyReadResult m = readNpy(capture.mask.toStdString());
        if (!m.ok() || m.tensor.rank() != 2) return "the capture's mask is not an [N, L] array";
        padded = m.tensor.shape()[1];
        for (std::int64_t n = 0; n < m.tensor.shape()[0]; ++n) {
            std::int64_t valid = 0; // the mask as lengths: its valid prefix
            while (valid < padded && m.tensor.at(n * padded + valid) != 0) ++valid;
            lengths.push_back(valid);
        }
    } else {
        const NpyReadResult r = readNpy(capture.lengths.toStdString());
        if (!r.ok() || r.tensor.rank() != 1 || isFloating(r.tensor.dtype()))
            return "the capture's lengths are not a 1-D integer array";
        for (std::int64_t n = 0; n < r.tensor.size(); ++n)
            lengths.push_back(std::int64_t(r.tensor.at(n)));
        const std::int64_t longest =
            lengths.empty() ? 0 : *std::max_element(lengths.begin(), lengths.end());
        std::set<std::int64_t> candidates;
        for (std::size_t a = 1; a < capture.modelInputShape.size(); ++a)
            if (capture.modelInputShape[a] >= longest)
                candidates.insert(capture.modelInputShape[a]);
        if (candidates.size() != 1) {
            note = "padding not placed: the model input's padded length cannot be told from its "
                   "shape (pass an [N, L] mask to the capture)";
            return {};
        }
        padded = *candidates.begin();
    }
    if (l.inputShape[0] != std::int64_t(lengths.size())) {
        note = "padding not placed: this layer's batch differs from the lengths' count";
        return {};
    }
    std::vector<std::size_t> axes;
    for (std::size_t a = 1; a < shape.size(); ++a)
        if (shape[a] == padded) axes.push_back(a);
    if (axes.size() != 1) {
        note = axes.empty() ? QString("padding not placed: no axis of this layer has the padded "
                                      "length %1 (the sequence was resampled)")
                                  .arg(padded)
                            : QString("padding not placed: several axes of this layer have the "
                                      "padded length %1")
                                  .arg(padded);
        return {};
    }
    const std::size_t axis = axes[0];
    mask = Tensor::zeros(shape, DType::Bool);
    std::int64_t inner = 1;
    for (std::size_t a = axis + 1; a < shape.size(); ++a) inner *= shape[a];
    for (std::int64_t i = 0; i < mask.size(); ++i) {
        const std::int64_t n = i / (mask.size() / std::max<std::int64_t>(shape[0], 1));
        const std::int64_t position = (i / inner) % shape[axis];
        if (position < std::clamp<std::int64_t>(lengths[std::size_t(n)], 0, padded)) mask.set(i, 1);
    }
    note = QString("padding placed along axis %1 (length %2)").arg(axis).arg(padded);
    return {};
}

} // namespace

QString readCapture(const QString& directory, Capture& out) {
    QFile file(QDir(directory).filePath("capture.json"));
    if (!QFileInfo::exists(file.fileName()))
        return directory + " holds no capture.json (written by normlab_trace.py --activations)";
    if (const QString error = openRegularFile(file, kMaxManifestBytes, "the capture's manifest");
        !error.isEmpty())
        return error;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return "capture.json is not JSON: " + parseError.errorString();
    const QJsonObject root = doc.object();
    if (root.value("normlab_capture").toInt(-1) != 1)
        return "capture.json is not a NormLab capture of format 1";
    Capture c;
    c.directory = QDir(directory).absolutePath();
    c.torchVersion = root.value("torch_version").toString();
    c.modelClass = root.value("model_class").toString();
    c.generated = root.value("generated").toString();
    shapeOf(root.value("input").toObject().value("shape"), c.modelInputShape);
    QString error;
    c.lengths = inside(directory, root.value("lengths"), error);
    c.mask = inside(directory, root.value("mask"), error);
    if (!error.isEmpty()) return error;
    const QJsonArray layers = root.value("layers").toArray();
    for (qsizetype i = 0; i < layers.size(); ++i) {
        CapturedLayer l;
        if (const QString why = layerOf(c.directory, layers[i].toObject(), l); !why.isEmpty())
            return QString("layer %1 of capture.json: %2").arg(i).arg(why);
        c.layers.push_back(std::move(l));
    }
    out = std::move(c);
    return {};
}

QString loadCapturedLayer(const Capture& capture, std::size_t index, LoadedLayer& out) {
    if (index >= capture.layers.size()) return "no such layer";
    const CapturedLayer& l = capture.layers[index];
    LoadedLayer r;
    LayerHealthInput& h = r.health;
    h.spec = l.spec;
    h.capturedDType = l.dtype.toStdString();
    h.wholeBatch = l.capturedSamples == l.inputShape[0];
    Shape expected = l.inputShape;
    expected[0] = l.capturedSamples;
    auto fail = [&](const QString& why) { return l.name + ": " + why; };
    if (QString e = floatingNpy(l.input, "the input", h.inputs.input); !e.isEmpty()) return fail(e);
    if (h.inputs.input.shape() != expected)
        return fail("the input file has shape " +
                    QString::fromStdString(shapeToString(h.inputs.input.shape())) +
                    ", the manifest says " + QString::fromStdString(shapeToString(expected)));
    if (!l.output.isEmpty()) {
        if (QString e = floatingNpy(l.output, "PyTorch's output", h.torchOutput); !e.isEmpty())
            return fail(e);
        if (h.torchOutput.shape() != expected)
            return fail("PyTorch's output has shape " +
                        QString::fromStdString(shapeToString(h.torchOutput.shape())) +
                        ", the input " + QString::fromStdString(shapeToString(expected)));
    }
    const std::pair<const QString*, Tensor*> optional[] = {{&l.weight, &h.inputs.weight},
                                                           {&l.bias, &h.inputs.bias},
                                                           {&l.runningMean, &h.inputs.runningMean},
                                                           {&l.runningVar, &h.inputs.runningVar}};
    for (const auto& [path, tensor] : optional)
        if (!path->isEmpty())
            if (QString e = floatingNpy(*path, "a parameter", *tensor); !e.isEmpty())
                return fail(e);
    // Parameters the module does not use are not passed (bias-free LayerNorm, RMSNorm).
    if (!h.spec.affine) h.inputs.weight = h.inputs.bias = Tensor();
    if (h.spec.variant == Variant::RmsNorm) h.inputs.bias = Tensor();
    if (!h.spec.trackRunningStats) h.inputs.runningMean = h.inputs.runningVar = Tensor();
    h.inputs.numBatchesTracked = l.numBatchesTracked;
    if (const ConfigurationCheck check = checkConfiguration(h.spec, expected);
        !check.error.empty()) {
        // PyTorch ran this module on this input, so its forward() does not hand the input to
        // the standard normalization as captured (a subclass that permutes or reshapes).
        return fail(QString("NormLab cannot run this %1 as a standard %2 on its captured input "
                            "(%3): its class overrides forward(), so the input it normalises is "
                            "not the one its forward() received")
                        .arg(l.type, l.kind, QString::fromStdString(check.error)));
    }
    if (QString e = paddingMask(capture, l, expected, h.inputs.mask, r.paddingNote); !e.isEmpty())
        return fail(e);
    out = std::move(r);
    return {};
}

} // namespace normlab::formats
