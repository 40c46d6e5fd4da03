#include "spec_json.h"

#include "normlab/tensor.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

#include <cmath>

namespace normlab::formats {

namespace {

QString typeName(const QJsonValue& v) {
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    default:
        return QStringLiteral("undefined");
    }
}

QString wrongType(const QString& key, const char* expected, const QJsonValue& v) {
    return QStringLiteral("SPEC.json: key '%1' must be %2, got %3")
        .arg(key, QLatin1String(expected), typeName(v));
}

bool isInteger(const QJsonValue& v) {
    if (!v.isDouble()) return false;
    const double d = v.toDouble();
    return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15;
}

bool intList(const QString& key, const QJsonValue& v, std::vector<std::int64_t>& out,
             QString& error) {
    if (isInteger(v)) { // normalized_shape: 8 means [8], as in PyTorch
        out = {static_cast<std::int64_t>(v.toDouble())};
        return true;
    }
    if (!v.isArray()) {
        error = wrongType(key, "an integer or a list of integers", v);
        return false;
    }
    out.clear();
    for (const QJsonValue& e : v.toArray()) {
        if (!isInteger(e)) {
            error = wrongType(key, "a list of integers", v);
            return false;
        }
        out.push_back(static_cast<std::int64_t>(e.toDouble()));
    }
    return true;
}

} // namespace

SpecParseResult parseSpecJson(const QByteArray& json) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return {{},
                QStringLiteral("SPEC.json is not valid JSON: %1 at offset %2")
                    .arg(parseError.errorString())
                    .arg(parseError.offset)};
    if (!doc.isObject()) return {{}, QStringLiteral("SPEC.json must hold a JSON object")};
    return specFromJsonObject(doc.object());
}

SpecParseResult specFromJsonObject(const QJsonObject& o) {
    static const QSet<QString> known = {"variant",
                                        "num_features",
                                        "normalized_shape",
                                        "num_groups",
                                        "reduce_axes",
                                        "eps",
                                        "momentum",
                                        "affine",
                                        "elementwise_affine",
                                        "track_running_stats",
                                        "training",
                                        "estimate",
                                        "dtype"};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return {{}, QStringLiteral("SPEC.json: unknown key '%1'").arg(it.key())};

    const QJsonValue variantValue = o.value("variant");
    if (variantValue.isUndefined())
        return {{}, QStringLiteral("SPEC.json: key 'variant' is required")};
    if (!variantValue.isString()) return {{}, wrongType("variant", "a string", variantValue)};
    const auto variant = variantFromName(variantValue.toString().toStdString());
    if (!variant)
        return {{},
                QStringLiteral(
                    "SPEC.json: key 'variant' has unknown value '%1' (batch_norm, instance_norm, "
                    "layer_norm, group_norm, rms_norm, batch_channel_norm, custom)")
                    .arg(variantValue.toString())};
    NormSpec spec = NormSpec::defaultsFor(*variant);
    QString error;

    auto integer = [&](const char* key, std::optional<std::int64_t>& out) {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) return true;
        if (!isInteger(v)) {
            error = wrongType(key, "an integer", v);
            return false;
        }
        out = static_cast<std::int64_t>(v.toDouble());
        return true;
    };
    auto boolean = [&](const char* key, bool& out) {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) return true;
        if (!v.isBool()) {
            error = wrongType(key, "true or false", v);
            return false;
        }
        out = v.toBool();
        return true;
    };
    auto numberOrNull = [&](const char* key, std::optional<double>& out) {
        const QJsonValue v = o.value(key);
        if (v.isUndefined()) return true;
        if (v.isNull()) {
            out.reset();
            return true;
        }
        if (!v.isDouble()) {
            error = wrongType(key, "a number or null", v);
            return false;
        }
        out = v.toDouble();
        return true;
    };

    if (!integer("num_features", spec.numFeatures) || !integer("num_groups", spec.numGroups) ||
        !numberOrNull("eps", spec.eps) || !numberOrNull("momentum", spec.momentum) ||
        !boolean("track_running_stats", spec.trackRunningStats) ||
        !boolean("training", spec.training) || !boolean("estimate", spec.estimate))
        return {{}, error};
    if (o.contains("affine") && o.contains("elementwise_affine") &&
        o.value("affine") != o.value("elementwise_affine"))
        return {{},
                QStringLiteral(
                    "SPEC.json: 'affine' and 'elementwise_affine' are synonyms but disagree")};
    if (!boolean("affine", spec.affine) || !boolean("elementwise_affine", spec.affine))
        return {{}, error};
    if (o.contains("normalized_shape") &&
        !intList("normalized_shape", o.value("normalized_shape"), spec.normalizedShape, error))
        return {{}, error};
    if (o.contains("reduce_axes")) {
        std::vector<std::int64_t> axes;
        if (!intList("reduce_axes", o.value("reduce_axes"), axes, error)) return {{}, error};
        for (const std::int64_t a : axes)
            if (a < -kMaxRank || a >= kMaxRank) // never truncated to int: 2^32 is not axis 0
                return {{},
                        QStringLiteral("SPEC.json: reduce_axes: axis %1 is out of range for any "
                                       "tensor (rank at most %2)")
                            .arg(a)
                            .arg(kMaxRank)};
        spec.reduceAxes.assign(axes.begin(), axes.end());
    }
    if (o.contains("dtype")) {
        const QJsonValue v = o.value("dtype");
        if (!v.isString()) return {{}, wrongType("dtype", "\"float32\" or \"float64\"", v)};
        const auto t = dtypeFromName(v.toString().toStdString());
        if (!t || !isFloating(*t))
            return {{},
                    QStringLiteral(
                        "SPEC.json: key 'dtype' must be \"float32\" or \"float64\", got \"%1\"")
                        .arg(v.toString())};
        spec.dtype = *t;
    }
    return {spec, {}};
}

QJsonObject specToJsonObject(const NormSpec& spec) {
    QJsonObject o;
    o["variant"] = QString::fromStdString(std::string(variantName(spec.variant)));
    if (spec.numFeatures) o["num_features"] = double(*spec.numFeatures);
    if (!spec.normalizedShape.empty()) {
        QJsonArray a;
        for (auto d : spec.normalizedShape) a.append(double(d));
        o["normalized_shape"] = a;
    }
    if (spec.numGroups) o["num_groups"] = double(*spec.numGroups);
    if (!spec.reduceAxes.empty()) {
        QJsonArray a;
        for (int d : spec.reduceAxes) a.append(d);
        o["reduce_axes"] = a;
    }
    o["eps"] = spec.eps ? QJsonValue(*spec.eps) : QJsonValue(QJsonValue::Null);
    o["momentum"] = spec.momentum ? QJsonValue(*spec.momentum) : QJsonValue(QJsonValue::Null);
    o["affine"] = spec.affine;
    o["track_running_stats"] = spec.trackRunningStats;
    o["training"] = spec.training;
    if (spec.variant == Variant::BatchChannelNorm) o["estimate"] = spec.estimate;
    o["dtype"] = QString::fromStdString(std::string(dtypeName(spec.dtype)));
    return o;
}

} // namespace normlab::formats
