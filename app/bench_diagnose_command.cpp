// normlab-cli bench-diagnose: times the static debugger (parse + shape propagation + checks)
// on a print(model) text, or on a generated model of a given size, and prints one JSON
// object. The reference measured in the same run is reading the text alone (parse), so the
// ratio says what the data-flow readings cost on top of it.
#include "cli_commands.h"
#include "cli_support.h"

#include "normlab/diagnose.h"
#include "normlab/model_text.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <string>

namespace normlab::app {

namespace {

// A ResNet-like model of about `modules` modules as print(model) shows it: custom blocks
// (their forward() is not their printed order), a quarter of them with a projection printed
// first under a name that says nothing ("proj"), and squeeze-and-excitation gates, so every
// reading of the walker is tried. Input [2, 64, 16, 16].
std::string generatedModel(long long modules) {
    std::string text = "Net(\n  (blocks): Sequential(\n";
    long long count = 2, block = 0;
    int channels = 64;
    auto conv = [](int in, int out, int k) {
        return "Conv2d(" + std::to_string(in) + ", " + std::to_string(out) + ", kernel_size=(" +
               std::to_string(k) + ", " + std::to_string(k) + "), stride=(1, 1)" +
               (k == 3 ? ", padding=(1, 1)" : "") + ", bias=False)\n";
    };
    auto bn = [](int c) {
        return "BatchNorm2d(" + std::to_string(c) +
               ", eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n";
    };
    while (count < modules) {
        const std::string pad = "      ";
        const bool project = block % 4 == 3;
        const int out = project ? (channels == 64 ? 128 : 64) : channels;
        text += "    (" + std::to_string(block) + "): " + (project ? "Down" : "Basic") + "Block(\n";
        if (project) {
            text += pad + "(proj): Sequential(\n" + pad + "  (0): " + conv(channels, out, 1) + pad +
                    "  (1): " + bn(out) + pad + ")\n";
            count += 3;
        }
        text += pad + "(conv1): " + conv(channels, out, 3) + pad + "(bn1): " + bn(out) + pad +
                "(relu): ReLU(inplace=True)\n" + pad + "(conv2): " + conv(out, out, 3) + pad +
                "(bn2): " + bn(out);
        count += 6;
        if (block % 2 == 1) {
            text += pad + "(se): SqueezeExcitation(\n" + pad +
                    "  (avgpool): AdaptiveAvgPool2d(output_size=1)\n" + pad +
                    "  (fc1): " + conv(out, out / 4, 1) + pad +
                    "  (fc2): " + conv(out / 4, out, 1) + pad +
                    "  (scale_activation): Sigmoid()\n" + pad + ")\n";
            count += 5;
        }
        text += "    )\n";
        channels = out;
        ++block;
    }
    text += "  )\n  (pool): AdaptiveAvgPool2d(output_size=(1, 1))\n  (fc): Linear(in_features=" +
            std::to_string(channels) + ", out_features=10, bias=True)\n)\n";
    return text;
}

long long countModules(const ModuleNode& node) {
    long long n = 1;
    for (const ModuleNode& c : node.children) n += countModules(c);
    return n;
}

} // namespace

int benchDiagnoseCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOption({"model", "print(model) text to analyse.", "MODEL.txt"});
    parser.addOption({"input-shape", "Shape of the model's input (with --model).", "DIMS"});
    parser.addOption({"generate",
                      "Analyse a generated ResNet-like model of about N modules instead "
                      "(input 2,64,16,16).",
                      "N"});
    parser.addOption({"repeat", "Timed iterations (default 10).", "N", "10"});
    if (auto code = parseCommandLine(parser, "bench-diagnose",
                                     "Benchmark the shape debugger; prints modules, median_ms, "
                                     "min_ms, max_ms and parse_median_ms as JSON.",
                                     arguments, {}))
        return *code;
    bool ok = false;
    const int repeat = parser.value("repeat").toInt(&ok);
    if (!ok || repeat < 1 || repeat > 10000) {
        printError("--repeat must be an integer in 1..10000");
        return kExitInvalid;
    }
    std::string text;
    Shape shape;
    if (parser.isSet("generate") == parser.isSet("model")) {
        printError("give --model (with --input-shape) or --generate N");
        return kExitInvalid;
    }
    if (parser.isSet("generate")) {
        const long long n = parser.value("generate").toLongLong(&ok);
        if (!ok || n < 1 || n > 1000000) {
            printError("--generate must be an integer in 1..1000000");
            return kExitInvalid;
        }
        text = generatedModel(n);
        shape = {2, 64, 16, 16};
    } else {
        if (!parser.isSet("input-shape")) {
            printError("--model needs --input-shape");
            return kExitInvalid;
        }
        if (!parseShapeOption(parser.value("input-shape"), "--input-shape", kMaxModelInputRank,
                              shape))
            return kExitInvalid;
        if (const std::string error = readModelTextFile(parser.value("model").toStdString(), text);
            !error.empty()) {
            printError(QString::fromStdString(error));
            return kExitInvalid;
        }
    }
    const ModelText parsed = parseModelText(text);
    if (!parsed.root) {
        printError(QString::fromStdString(parsed.error));
        return kExitInvalid;
    }
    const DiagnoseReport first = diagnoseModel(text, shape);
    if (!first.ok()) {
        printError(QString::fromStdString(first.error));
        return kExitInvalid;
    }

    auto timeIt = [&](auto&& work) {
        std::vector<double> times;
        for (int i = 0; i < repeat; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            work();
            times.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count());
        }
        return TimingSummary::of(std::move(times));
    };
    const TimingSummary parse = timeIt([&] { (void)parseModelText(text); });
    const TimingSummary all = timeIt([&] { (void)diagnoseModel(text, shape); });

    long long shaped = 0;
    for (const LayerReport& l : first.layers) shaped += l.inputShape.has_value();
    QJsonObject o;
    o["modules"] = double(countModules(*parsed.root));
    o["text_bytes"] = double(text.size());
    o["layers_shaped"] = double(shaped);
    o["layers"] = double(first.layers.size());
    o["median_ms"] = all.median;
    o["min_ms"] = all.min;
    o["max_ms"] = all.max;
    o["parse_median_ms"] = parse.median;
    o["ratio_to_parse"] = parse.median > 0 ? all.median / parse.median : 0.0;
    o["repeat"] = repeat;
    o["timing"] = "wall clock, one thread";
    QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
    return kExitOk;
}

} // namespace normlab::app
