#include "session_file.h"
#include "workbench_limits.h"

#include "spec_json.h"

#include "normlab/npy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "user_files.h"

namespace normlab::ui {

namespace {
constexpr int kFormat = 1;
constexpr qint64 kMaxSessionBytes = qint64(1) << 31;
} // namespace

namespace {

QString embeddedNpy(const Tensor& t) {
    const std::string npy = encodeNpy(t);
    return QString::fromLatin1(QByteArray(npy.data(), qsizetype(npy.size())).toBase64());
}

NpyReadResult npyFromEmbedded(const QJsonValue& value) {
    const QByteArray bytes = QByteArray::fromBase64(value.toString().toLatin1());
    return parseNpy(std::string_view(bytes.constData(), std::size_t(bytes.size())));
}

} // namespace

QByteArray sessionToJson(const Session& session) {
    const WorkbenchState& s = session.state;
    QJsonObject input;
    QJsonArray shape;
    for (auto d : s.recipe.shape) shape.append(double(d));
    input["shape"] = shape;
    input["generator"] = QString::fromStdString(std::string(generatorName(s.recipe.generator)));
    input["mean"] = s.recipe.mean;
    input["spread"] = s.recipe.spread;
    input["seed"] = double(s.recipe.seed);
    input["dtype"] = QString::fromStdString(std::string(dtypeName(s.recipe.dtype)));
    if (s.loadedInput) input["npy_base64"] = embeddedNpy(*s.loadedInput);
    if (s.mask) input["mask_npy_base64"] = embeddedNpy(*s.mask);
    QJsonArray lengths;
    for (auto l : s.lengths) lengths.append(double(l));
    const char* affineNames[] = {"identity", "random", "loaded"};
    QJsonObject affine{{"init", affineNames[int(s.affineInit)]}, {"seed", double(s.affineSeed)}};
    if (s.loadedWeight) affine["weight_npy_base64"] = embeddedNpy(*s.loadedWeight);
    if (s.loadedBias) affine["bias_npy_base64"] = embeddedNpy(*s.loadedBias);
    if (!s.source.isEmpty()) input["source"] = s.source;
    QJsonObject running{{"num_batches_tracked", double(s.loadedNumBatchesTracked)}};
    if (s.loadedRunningMean) running["mean_npy_base64"] = embeddedNpy(*s.loadedRunningMean);
    if (s.loadedRunningVar) running["var_npy_base64"] = embeddedNpy(*s.loadedRunningVar);
    QJsonObject o{{"normlab_session", kFormat},
                  {"input", input},
                  {"lengths", lengths},
                  {"spec", formats::specToJsonObject(s.spec)},
                  {"backend", QString::fromStdString(std::string(backendName(s.backend)))},
                  {"upstream", QString::fromStdString(std::string(upstreamName(s.upstream)))},
                  {"upstream_channel", double(s.upstreamChannel)},
                  {"reestimate_inverse", s.reestimateInverse},
                  {"affine", affine},
                  {"view", session.view}};
    if (s.loadedRunningMean || s.loadedRunningVar) o["running_stats"] = running;
    if (session.compareSpec) o["compare_spec"] = formats::specToJsonObject(*session.compareSpec);
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

QString sessionFromJson(const QByteArray& json, Session& out) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QObject::tr("not a session file: %1 at offset %2")
            .arg(parseError.errorString())
            .arg(parseError.offset);
    const QJsonObject o = doc.object();
    if (o.value("normlab_session").toInt(-1) != kFormat)
        return QObject::tr("not a NormLab session file (format %1 expected)").arg(kFormat);
    Session s;
    const QJsonObject input = o.value("input").toObject();
    s.state.recipe.shape.clear();
    for (const QJsonValue& d : input.value("shape").toArray())
        s.state.recipe.shape.push_back(d.toInteger(-1));
    if (s.state.recipe.shape.empty() || s.state.recipe.shape.size() > 5)
        return QObject::tr("the session's input shape must have 1 to 5 dimensions");
    for (auto d : s.state.recipe.shape)
        if (d < 1) return QObject::tr("the session's input shape has a size below 1");
    const auto generator = generatorFromName(input.value("generator").toString().toStdString());
    if (!generator)
        return QObject::tr("unknown generator '%1'").arg(input.value("generator").toString());
    s.state.recipe.generator = *generator;
    s.state.recipe.mean = input.value("mean").toDouble();
    s.state.recipe.spread = input.value("spread").toDouble(1.0);
    s.state.recipe.seed = std::uint64_t(input.value("seed").toInteger(1));
    const auto dtype = dtypeFromName(input.value("dtype").toString().toStdString());
    if (!dtype || !isFloating(*dtype))
        return QObject::tr("the session's dtype must be float32 or float64");
    s.state.recipe.dtype = *dtype;
    if (input.contains("npy_base64")) {
        NpyReadResult r = npyFromEmbedded(input.value("npy_base64"));
        if (!r.ok())
            return QObject::tr("the embedded input: %1").arg(QString::fromStdString(r.error));
        if (!isFloating(r.tensor.dtype()) || r.tensor.rank() < 1)
            return QObject::tr("the embedded input must be a float32/float64 array of rank 1 to 5");
        s.state.recipe.shape = r.tensor.shape();
        s.state.loadedInput = std::make_shared<const Tensor>(std::move(r.tensor));
    }
    if (input.contains("mask_npy_base64")) {
        NpyReadResult r = npyFromEmbedded(input.value("mask_npy_base64"));
        if (!r.ok())
            return QObject::tr("the embedded mask: %1").arg(QString::fromStdString(r.error));
        if (r.tensor.dtype() != DType::UInt8 && r.tensor.dtype() != DType::Bool)
            return QObject::tr("the embedded mask must be a bool or uint8 array");
        if (r.tensor.shape() != s.state.recipe.shape)
            return QObject::tr("the embedded mask has shape %1, the input %2")
                .arg(QString::fromStdString(shapeToString(r.tensor.shape())),
                     QString::fromStdString(shapeToString(s.state.recipe.shape)));
        s.state.mask = std::make_shared<const Tensor>(std::move(r.tensor));
    }
    for (const QJsonValue& l : o.value("lengths").toArray()) {
        if (l.toInteger(-1) < 0)
            return QObject::tr("the session's lengths must be non-negative integers");
        s.state.lengths.push_back(l.toInteger());
    }
    if (s.state.mask && !s.state.lengths.empty())
        return QObject::tr("the session has both lengths and a painted mask; keep one");
    // A session the workbench cannot show as saved is refused, never clamped into another.
    if (const QString why = recipeRefusal(s.state.recipe, s.state.loadedInput != nullptr);
        !why.isEmpty())
        return why;
    const formats::SpecParseResult spec = formats::specFromJsonObject(o.value("spec").toObject());
    if (!spec.error.isEmpty()) return spec.error;
    s.state.spec = spec.spec;
    const auto backend = backendFromName(o.value("backend").toString("cpu").toStdString());
    if (!backend) return QObject::tr("unknown backend '%1'").arg(o.value("backend").toString());
    s.state.backend = *backend;
    bool knownUpstream = false;
    for (Upstream u : kAllUpstreams)
        if (QString::fromStdString(std::string(upstreamName(u))) ==
            o.value("upstream").toString("random")) {
            s.state.upstream = u;
            knownUpstream = true;
        }
    if (!knownUpstream)
        return QObject::tr("unknown upstream gradient '%1'").arg(o.value("upstream").toString());
    s.state.upstreamChannel = o.value("upstream_channel").toInteger(0);
    s.state.reestimateInverse = o.value("reestimate_inverse").toBool(false);
    const QJsonObject affine = o.value("affine").toObject();
    const QString init = affine.value("init").toString("identity");
    if (init == "identity")
        s.state.affineInit = AffineInit::Identity;
    else if (init == "random")
        s.state.affineInit = AffineInit::Random;
    else if (init == "loaded")
        s.state.affineInit = AffineInit::Loaded;
    else
        return QObject::tr("unknown γ, β setting '%1'").arg(init);
    s.state.affineSeed = std::uint64_t(affine.value("seed").toInteger(7));
    for (auto [key, into] : {std::pair{"weight_npy_base64", &s.state.loadedWeight},
                             std::pair{"bias_npy_base64", &s.state.loadedBias}}) {
        if (!affine.contains(key)) continue;
        NpyReadResult r = npyFromEmbedded(affine.value(key));
        if (!r.ok())
            return QObject::tr("the embedded γ/β: %1").arg(QString::fromStdString(r.error));
        *into = std::make_shared<const Tensor>(std::move(r.tensor));
    }
    const QJsonObject running = o.value("running_stats").toObject();
    for (auto [key, into] : {std::pair{"mean_npy_base64", &s.state.loadedRunningMean},
                             std::pair{"var_npy_base64", &s.state.loadedRunningVar}}) {
        if (!running.contains(key)) continue;
        NpyReadResult r = npyFromEmbedded(running.value(key));
        if (!r.ok() || !isFloating(r.tensor.dtype()) || r.tensor.rank() != 1)
            return QObject::tr("the embedded running statistics: %1")
                .arg(r.ok() ? QObject::tr("not a 1-D floating-point array")
                            : QString::fromStdString(r.error));
        *into = std::make_shared<const Tensor>(std::move(r.tensor));
    }
    s.state.loadedNumBatchesTracked =
        std::max<qint64>(0, running.value("num_batches_tracked").toInteger(0));
    if (s.state.loadedInput)
        s.state.source = o.value("input").toObject().value("source").toString();
    s.view = o.value("view").toString();
    if (o.contains("compare_spec")) {
        const formats::SpecParseResult b =
            formats::specFromJsonObject(o.value("compare_spec").toObject());
        if (!b.error.isEmpty())
            return QObject::tr("the Compare view's configuration: %1").arg(b.error);
        s.compareSpec = b.spec;
    }
    out = std::move(s);
    return {};
}

QString saveSession(const QString& path, const Session& session) {
    QSaveFile file(path); // atomic: a failed save leaves the old file
    if (!file.open(QIODevice::WriteOnly)) return QObject::tr("cannot write %1").arg(path);
    file.write(sessionToJson(session));
    if (!file.commit()) return QObject::tr("cannot write %1").arg(path);
    return {};
}

QString loadSession(const QString& path, Session& out) {
    QFile file(path);
    if (const QString error =
            formats::openRegularFile(file, kMaxSessionBytes, QObject::tr("the session"));
        !error.isEmpty())
        return error;
    const QString error = sessionFromJson(file.readAll(), out);
    return error.isEmpty() ? QString() : QObject::tr("%1: %2").arg(path, error);
}

} // namespace normlab::ui
