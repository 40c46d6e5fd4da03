// normlab-cli bench: times forward (or forward + backward) on random data and prints one
// JSON object. Each iteration is one normalize() call without the inverse, as the GUI
// would call it on an edit: validation, statistics, running update, output, gradients.
#include "cli_commands.h"
#include "cli_support.h"

#include "normlab/grid_summary.h"
#include "normlab/normalize.h"
#include "normlab/npy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <random>

namespace normlab::app {

namespace {

bool parseShape(const QString& text, Shape& shape) {
    if (!parseShapeOption(text, "--shape", kMaxRank, shape)) return false;
    if (numElements(shape) > kMaxElements / 4) {
        printError("--shape " + text + " is too large to benchmark (more than 2^29 elements)");
        return false;
    }
    return true;
}

Tensor randomTensor(const Shape& shape, DType type, std::mt19937_64& rng, double mean,
                    double stddev) {
    std::normal_distribution<double> normal(mean, stddev);
    Tensor t = Tensor::uninitialized(shape, type);
    for (std::int64_t i = 0; i < t.size(); ++i) t.set(i, normal(rng));
    return t;
}

// "900x1400" -> (900, 1400); false for anything else or a side outside 1..65536.
bool parseCells(const QString& text, int& rows, int& cols) {
    const QStringList parts = text.split('x');
    bool okRows = false, okCols = false;
    if (parts.size() == 2) {
        rows = parts[0].toInt(&okRows);
        cols = parts[1].toInt(&okCols);
    }
    if (okRows && okCols && rows >= 1 && cols >= 1 && rows <= 65536 && cols <= 65536) return true;
    printError("--summary " + text + " is not ROWSxCOLS (each 1..65536), e.g. 900x1400");
    return false;
}

// The workbench's drawing aggregates of one output, each timed `repeat` times: its
// screen-sized grid summary and its 60-bin histogram (with the finite range before it).
QJsonObject timeAggregates(const Tensor& output, int rows, int cols, int repeat) {
    std::vector<double> summary, histogram;
    for (int i = 0; i < repeat; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        const GridSummary g = summarizeGrid(output, nullptr, rows, cols);
        auto t1 = std::chrono::steady_clock::now();
        const auto range = finiteRangeOf(output, nullptr);
        const std::vector<double> counts =
            histogramCounts(output, nullptr, range ? range->low : 0, range ? range->high : 1, 60);
        auto t2 = std::chrono::steady_clock::now();
        summary.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        histogram.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
    return {{"cells", QString("%1x%2").arg(rows).arg(cols)},
            {"summary_median_ms", TimingSummary::of(summary).median},
            {"histogram_median_ms", TimingSummary::of(histogram).median}};
}

} // namespace

int benchCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.addOption({"spec", "Normalization spec (JSON).", "SPEC.json"});
    parser.addOption({"shape", "Input shape, e.g. 4096,1024.", "DIMS"});
    parser.addOption({"backward", "Time forward + backward (random dy) instead of forward only."});
    parser.addOption({"repeat", "Timed iterations (default 20).", "N", "20"});
    parser.addOption({"warmup", "Untimed iterations first (default 3).", "N", "3"});
    parser.addOption({"lengths", "int64 [N] valid lengths along the last axis.", "L.npy"});
    parser.addOption({"backend", "cpu (default) or cuda.", "NAME", "cpu"});
    parser.addOption({"summary",
                      "Also time the workbench's drawing aggregates of the output: its grid "
                      "summarized to ROWSxCOLS blocks and its histogram, each against the "
                      "normalization's median of the same run.",
                      "ROWSxCOLS"});
    parser.addOption({"device",
                      "With --backend cuda: the CUDA device number (default 0, or the "
                      "environment variable NORMLAB_CUDA_DEVICE).",
                      "N"});
    if (auto code =
            parseCommandLine(parser, "bench",
                             "Benchmark a normalization on random input; prints median_ms, min_ms, "
                             "max_ms, bytes_moved, gb_per_s, threads, backend as JSON.",
                             arguments, {"spec", "shape"}))
        return *code;

    NormSpec spec;
    Shape shape;
    if (!loadSpec(parser.value("spec"), spec) || !parseShape(parser.value("shape"), shape))
        return kExitInvalid;
    bool ok = false;
    const int repeat = parser.value("repeat").toInt(&ok);
    if (!ok || repeat < 1 || repeat > 100000) {
        printError("--repeat must be an integer in 1..100000");
        return kExitInvalid;
    }
    const int warmup = parser.value("warmup").toInt(&ok);
    if (!ok || warmup < 0 || warmup > 1000) {
        printError("--warmup must be an integer in 0..1000");
        return kExitInvalid;
    }
    int summaryRows = 0, summaryCols = 0;
    if (parser.isSet("summary") && !parseCells(parser.value("summary"), summaryRows, summaryCols))
        return kExitInvalid;
    Backend* backend = chooseBackend(parser.value("backend"), parser.value("device"));
    if (!backend) return kExitInvalid;

    std::mt19937_64 rng(20261122);
    NormInputs inputs;
    inputs.input = randomTensor(shape, spec.dtype, rng, 0.0, 1.0);
    if (parser.isSet("lengths") && !loadNpy(parser.value("lengths"), "lengths", inputs.lengths))
        return kExitInvalid;
    const bool backward = parser.isSet("backward");
    if (backward) inputs.gradOutput = randomTensor(shape, spec.dtype, rng, 0.0, 1.0);

    // Parameters of the planned shapes: a first run tells them (and validates).
    RunOptions options;
    options.inverse = false;
    NormResult probe = normalize(spec, inputs, *backend, options);
    if (!probe.ok()) {
        printError(QString::fromStdString(probe.error));
        return kExitInvalid;
    }
    if (spec.affine && !probe.gradWeight.isNull()) {
        inputs.weight = randomTensor(probe.gradWeight.shape(), spec.dtype, rng, 1.0, 0.1);
        if (!probe.gradBias.isNull())
            inputs.bias = randomTensor(probe.gradBias.shape(), spec.dtype, rng, 0.0, 0.1);
    }

    for (int i = 0; i < warmup; ++i) normalize(spec, inputs, *backend, options);
    // CPU: wall-clock time of normalize(). CUDA: the kernels' time between CUDA events
    // (host-device copies excluded; they are the interface's, not the kernels').
    const bool deviceTimed = backend->deviceMs() >= 0;
    std::vector<double> times;
    for (int i = 0; i < repeat; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const double device0 = backend->deviceMs();
        const NormResult r = normalize(spec, inputs, *backend, options);
        times.push_back(deviceTimed ? backend->deviceMs() - device0
                                    : std::chrono::duration<double, std::milli>(
                                          std::chrono::steady_clock::now() - t0)
                                          .count());
    }
    const TimingSummary timing = TimingSummary::of(times);
    const double median = timing.median;

    // Minimum traffic: read the valid elements of x once and write y (forward); backward
    // reads valid x and dy once more and writes dx.
    const double elementBytes = double(dtypeSize(spec.dtype));
    double valid = double(inputs.input.size());
    if (!inputs.lengths.isNull()) {
        valid = 0;
        const double perUnit =
            double(inputs.input.size()) / double(shape[0]) / double(shape.back());
        for (std::int64_t n = 0; n < inputs.lengths.size(); ++n)
            valid += perUnit * std::clamp<double>(inputs.lengths.at(n), 0, double(shape.back()));
    }
    const double all = double(inputs.input.size());
    const double bytes = elementBytes * (backward ? 3 * valid + 2 * all : valid + all);

    QJsonObject o;
    o["median_ms"] = median;
    o["min_ms"] = timing.min;
    o["max_ms"] = timing.max;
    o["bytes_moved"] = bytes;
    o["gb_per_s"] = bytes / (median * 1e-3) / 1e9;
    o["threads"] = backend->parallelism();
    o["backend"] = QString::fromStdString(std::string(backendName(backend->kind())));
    if (const std::string device = backend->deviceDescription(); !device.empty())
        o["device"] = QString::fromStdString(device);
    o["repeat"] = repeat;
    o["backward"] = backward;
    o["timing"] = deviceTimed ? "cuda events (kernels only)" : "wall clock";
    if (summaryRows > 0) {
        QJsonObject a = timeAggregates(probe.output, summaryRows, summaryCols, repeat);
        a["summary_vs_normalize"] = a["summary_median_ms"].toDouble() / median;
        a["histogram_vs_normalize"] = a["histogram_median_ms"].toDouble() / median;
        o["aggregates"] = a;
    }
    QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
    return kExitOk;
}

} // namespace normlab::app
