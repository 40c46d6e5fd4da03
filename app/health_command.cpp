// normlab-cli health: the health table of a capture (normlab_trace.py --activations) as
// JSON, one entry per normalization layer (normlab/layer_health.h). Exit 0 when the capture
// was read (a layer whose files are broken gets an `error` and a capture_unreadable finding),
// 2 when the capture's manifest or the arguments cannot be read.
#include "capture_file.h"
#include "cli_commands.h"
#include "cli_support.h"

#include "normlab/layer_health.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>

namespace normlab::app {

namespace {

QJsonValue optionalNumber(const std::optional<double>& v) {
    return v ? QJsonValue(std::isfinite(*v) ? *v : 1e308) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalIndex(const std::optional<std::int64_t>& v) {
    return v ? QJsonValue(qint64(*v)) : QJsonValue(QJsonValue::Null);
}

QJsonArray shapeJson(const Shape& s) {
    QJsonArray a;
    for (std::int64_t d : s) a.append(qint64(d));
    return a;
}

// One layer's entry of the health JSON (docs/cli.md, `health`).
QJsonObject layerHealthJson(const formats::CapturedLayer& l, const LayerHealth& h,
                            const QString& note) {
    QJsonArray findings;
    for (const HealthFinding& f : h.findings)
        findings.append(
            QJsonObject{{"code", QString::fromUtf8(findingCodeName(f.code).data())},
                        {"severity", QString::fromUtf8(severityName(f.severity).data())},
                        {"message", QString::fromStdString(f.message)}});
    return QJsonObject{
        {"name", l.name},
        {"type", l.type},
        {"kind", l.kind},
        {"training", l.spec.training},
        {"input_shape", shapeJson(l.inputShape)},
        {"captured_samples", qint64(l.capturedSamples)},
        {"dtype", l.dtype},
        {"slices", qint64(h.slices)},
        {"train_eval", QJsonObject{{"max_mean_gap_std", optionalNumber(h.maxMeanGap)},
                                   {"max_var_ratio", optionalNumber(h.maxVarRatio)},
                                   {"worst_mean_channel", optionalIndex(h.worstMeanChannel)},
                                   {"worst_var_channel", optionalIndex(h.worstVarChannel)},
                                   {"max_output_gap", optionalNumber(h.trainEvalOutputGap)},
                                   {"median_mean_gap_std", optionalNumber(h.medianMeanGap)},
                                   {"relative_output_gap", optionalNumber(h.trainEvalRelativeGap)},
                                   {"channels_beyond_sampling", qint64(h.channelsBeyondSampling)},
                                   {"channels_judged", qint64(h.channelsJudged)}}},
        {"dead_slices", qint64(h.deadSlices)},
        {"exploding_slices", qint64(h.explodingSlices)},
        {"max_mean_to_std", h.maxMeanToSpread},
        {"max_abs_input", h.maxAbsInput},
        {"non_finite_inputs", qint64(h.nonFiniteInputs)},
        {"padding", QJsonObject{{"max_mean_shift_std", optionalNumber(h.paddingMeanShift)},
                                {"max_output_gap", optionalNumber(h.paddingOutputGap)},
                                {"note", note}}},
        {"max_error_vs_pytorch", optionalNumber(h.maxErrorVsTorch)},
        {"findings", findings}};
}

} // namespace

int healthCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOption({"capture", "A capture folder (normlab_trace.py --activations DIR).", "DIR"});
    parser.addOption({"layer", "Only the layer of this dotted name.", "NAME"});
    if (auto code = parseCommandLine(parser, "health",
                                     "The health of every captured normalization layer: train/eval "
                                     "gap, dead and exploding channels, precision risk, padding "
                                     "contamination, and NormLab's output against PyTorch's.",
                                     arguments, {"capture"}))
        return *code;
    formats::Capture capture;
    if (const QString error = formats::readCapture(parser.value("capture"), capture);
        !error.isEmpty()) {
        printError(error);
        return kExitInvalid;
    }
    if (parser.isSet("layer") && std::none_of(capture.layers.begin(), capture.layers.end(),
                                              [&](const formats::CapturedLayer& l) {
                                                  return l.name == parser.value("layer");
                                              })) {
        printError("the capture " + capture.directory + " has no layer '" + parser.value("layer") +
                   "'");
        return kExitInvalid;
    }
    QElapsedTimer timer;
    timer.start();
    // Every layer is judged (the ranking needs them all), in execution order; --layer only
    // filters what is printed.
    std::vector<LayerHealth> healths(capture.layers.size());
    std::vector<QString> notes(capture.layers.size());
    std::vector<std::string> names;
    for (std::size_t i = 0; i < capture.layers.size(); ++i) {
        names.push_back(capture.layers[i].name.toStdString());
        formats::LoadedLayer loaded;
        if (const QString error = formats::loadCapturedLayer(capture, i, loaded);
            !error.isEmpty()) {
            healths[i].error = error.toStdString();
        } else {
            healths[i] = layerHealth(loaded.health);
            notes[i] = loaded.paddingNote;
        }
    }
    const HealthRanking ranking = rankByExecution(healths, names);
    QJsonArray layers;
    for (std::size_t i = 0; i < capture.layers.size(); ++i) {
        const formats::CapturedLayer& l = capture.layers[i];
        if (parser.isSet("layer") && l.name != parser.value("layer")) continue;
        const LayerHealth& health = healths[i];
        QJsonObject o = layerHealthJson(l, health, notes[i]);
        o["inherited_from"] = ranking.inheritedFrom[i]
                                  ? QJsonValue(capture.layers[*ranking.inheritedFrom[i]].name)
                                  : QJsonValue();
        if (!health.ok()) {
            o["error"] = QString::fromStdString(health.error);
            o["findings"] = QJsonArray{QJsonObject{
                {"code", QString::fromUtf8(findingCodeName(FindingCode::CaptureUnreadable).data())},
                {"severity", "error"},
                {"message", QString::fromStdString(health.error)}}};
        }
        layers.append(o);
    }
    const QJsonObject out{
        {"capture", QJsonObject{{"directory", capture.directory},
                                {"torch_version", capture.torchVersion},
                                {"model_class", capture.modelClass},
                                {"layers", qint64(capture.layers.size())}}},
        {"first_divergence", ranking.firstDivergence
                                 ? QJsonValue(capture.layers[*ranking.firstDivergence].name)
                                 : QJsonValue()},
        {"elapsed_ms", double(timer.elapsed())},
        {"layers", layers}};
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Indented);
    return kExitOk;
}

} // namespace normlab::app
