#include "trace_json.h"

#include "normlab/checked_int.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace normlab::formats {

namespace {

// The first tensor of a list of {shape, dtype}; null when there is none. Sets `bad` on a
// shape that is not a list of sizes >= 0 (at most 8 of them) whose product fits 64 bits.
std::optional<Shape> firstShape(const QJsonValue& list, bool& bad) {
    const QJsonArray tensors = list.toArray();
    if (tensors.isEmpty()) return std::nullopt;
    const QJsonValue dims = tensors.first().toObject().value("shape");
    if (!dims.isArray() || dims.toArray().size() > kMaxModelInputRank) {
        bad = true;
        return std::nullopt;
    }
    Shape s;
    for (const QJsonValue& d : dims.toArray()) {
        const qint64 v = d.toInteger(-1);
        if (!d.isDouble() || v < 0) {
            bad = true;
            return std::nullopt;
        }
        s.push_back(v);
    }
    if (!checkedProduct(s).valid()) bad = true; // no tensor has 2^63 elements
    return s;
}

} // namespace

QString traceFromJson(const QByteArray& json, Trace& out) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QStringLiteral("not a trace: %1 at offset %2")
            .arg(parseError.errorString())
            .arg(parseError.offset);
    const QJsonObject o = doc.object();
    if (o.value("normlab_trace").toInt(-1) != 1)
        return QStringLiteral("not a trace written by normlab_trace.py (format 1 expected)");
    if (!o.value("calls").isArray()) return QStringLiteral("the trace has no list of calls");
    Trace t;
    t.torchVersion = o.value("torch_version").toString().toStdString();
    const QJsonArray calls = o.value("calls").toArray();
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const QJsonObject c = calls[i].toObject();
        TracedCall call;
        call.name = c.value("name").toString().toStdString();
        call.type = c.value("type").toString().toStdString();
        call.repr = c.value("repr").toString().toStdString();
        call.leaf = c.value("leaf").toBool(true);
        bool bad = false;
        call.input = firstShape(c.value("inputs"), bad);
        call.output = firstShape(c.value("outputs"), bad);
        if (bad || call.type.empty())
            return QStringLiteral("call %1 of the trace has no class or a malformed shape")
                .arg(i + 1);
        t.calls.push_back(std::move(call));
    }
    const QJsonArray modules = o.value("modules").toArray();
    for (qsizetype i = 0; i < modules.size(); ++i) {
        const QJsonObject m = modules[i].toObject();
        TracedModule module{m.value("name").toString().toStdString(),
                            m.value("type").toString().toStdString(),
                            m.value("repr").toString().toStdString(),
                            {}};
        for (const QJsonValue& t : m.value("tensors").toArray()) {
            bool bad = false;
            const QJsonArray one{QJsonObject{{"shape", t.toObject().value("shape")}}};
            std::optional<Shape> shape = firstShape(one, bad);
            if (bad || !shape || !t.toObject().value("name").isString())
                return QStringLiteral("module %1 of the trace has a malformed tensor").arg(i + 1);
            module.tensors.push_back({t.toObject().value("name").toString().toStdString(), *shape});
        }
        if (module.type.empty())
            return QStringLiteral("module %1 of the trace has no class").arg(i + 1);
        t.modules.push_back(std::move(module));
    }
    if (o.value("error").isObject()) {
        const QJsonObject e = o.value("error").toObject();
        t.error = TracedError{e.value("type").toString().toStdString(),
                              e.value("message").toString().toStdString(),
                              e.value("module").toString().toStdString()};
    }
    out = std::move(t);
    return {};
}

} // namespace normlab::formats
