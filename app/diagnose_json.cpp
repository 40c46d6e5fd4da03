#include "diagnose_json.h"

#include <QJsonArray>

namespace normlab::app {

namespace {

QJsonValue shapeJson(const std::optional<Shape>& shape) {
    if (!shape) return QJsonValue::Null;
    QJsonArray dims;
    for (std::int64_t d : *shape) dims.append(qint64(d));
    return dims;
}

// Unknown dims as null: [null, 512, null, null].
QJsonValue partialShapeJson(const PartialShape& shape) {
    QJsonArray dims;
    for (const auto& d : shape) dims.append(d ? QJsonValue(qint64(*d)) : QJsonValue());
    return dims;
}

QString text(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QJsonArray texts(const std::vector<std::string>& v) {
    QJsonArray out;
    for (const std::string& s : v) out.append(text(s));
    return out;
}

QJsonValue optionalText(const std::optional<std::string>& s) {
    return s ? QJsonValue(text(*s)) : QJsonValue(QJsonValue::Null);
}

// What NormLab's reading of the file leaves out of torch.load's (or safetensors') checks.
std::string uncheckedBy(const Checkpoint& checkpoint) {
    if (checkpoint.format == "safetensors")
        return "read from the header alone: the tensors' bytes (NaN, infinity) are not read";
    return "the tensors' bytes are not read (NaN, infinity) and the zip entries' CRCs are "
           "checked by libzip only when an entry is read";
}

} // namespace

QJsonObject loadStateDictToJson(const LoadStateDictReport& report, const Checkpoint& checkpoint) {
    return QJsonObject{
        {"checkpoint", QJsonObject{{"format", text(checkpoint.format)},
                                   {"location", text(checkpoint.location)},
                                   {"note", text(checkpoint.note)},
                                   {"not_checked", text(uncheckedBy(checkpoint))},
                                   {"tensors", qint64(checkpoint.tensors.size())},
                                   {"module_versions", checkpoint.versions.has_value()}}},
        {"model_class", text(report.modelClass)},
        // null: the replay could not run (the reason is in "why"), so nothing is claimed.
        {"loads", report.certainty == Certainty::Unknown
                      ? QJsonValue()
                      : QJsonValue(!report.strictError.has_value())},
        {"strict_error", optionalText(report.strictError)},
        {"non_strict_error", optionalText(report.nonStrictError)},
        {"missing", texts(report.missing)},
        {"unexpected", texts(report.unexpected)},
        {"module_errors", texts(report.moduleErrors)},
        {"certainty", text(certaintyName(report.certainty))},
        {"why", text(report.why)},
        {"assumed_own", texts(report.assumedOwn)}};
}

QJsonObject diagnoseReportToJson(const DiagnoseReport& report, TorchVersion version) {
    QJsonArray assumptions, layers, findings;
    for (const std::string& a : report.assumptions) assumptions.append(text(a));
    for (const LayerReport& l : report.layers)
        layers.append(QJsonObject{{"name", text(l.name)},
                                  {"type", text(l.type)},
                                  {"line", l.line},
                                  {"input_shape", l.inputShape || l.partialInput.empty()
                                                      ? shapeJson(l.inputShape)
                                                      : partialShapeJson(l.partialInput)},
                                  {"output_shape", shapeJson(l.outputShape)},
                                  {"certainty", text(certaintyName(l.certainty))},
                                  {"reading", text(l.reading)},
                                  {"why", text(l.why)}});
    for (const Finding& f : report.findings)
        findings.append(QJsonObject{{"severity", text(severityName(f.severity))},
                                    {"code", text(findingCodeName(f.code))},
                                    {"layer", text(f.layer)},
                                    {"message", text(f.message)},
                                    {"pytorch", text(f.pytorch)},
                                    {"action", text(torchActionName(f.action))},
                                    {"exception", text(f.exception)},
                                    {"torch_message", text(f.torchMessage)},
                                    {"fix", text(f.fix)},
                                    {"rests_on", text(f.restsOn)},
                                    {"certainty", text(certaintyName(f.certainty))}});
    return QJsonObject{{"torch_version", text(version.toString())},
                       {"assumptions", assumptions},
                       {"layers", layers},
                       {"findings", findings}};
}

} // namespace normlab::app
