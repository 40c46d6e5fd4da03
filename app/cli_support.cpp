#include "cli_support.h"

#include "shape_text.h"
#include "spec_json.h"

#include "normlab/npy.h"

#include "user_files.h"

#include <QFile>

#include <QTextStream>
#include <algorithm>

namespace normlab::app {

void printError(const QString& message) {
    QTextStream err(stderr);
    err << "normlab-cli: " << formats::terminalSafe(message) << Qt::endl;
}

std::optional<int> parseCommandLine(QCommandLineParser& parser, const QString& command,
                                    const QString& description, const QStringList& arguments,
                                    const QStringList& required) {
    parser.setApplicationDescription(description);
    const QCommandLineOption help(QStringList{"h", "help"}, "Show this help.");
    parser.addOption(help);
    if (!parser.parse(QStringList{"normlab-cli " + command} + arguments)) {
        printError(parser.errorText() + " (see normlab-cli " + command + " --help)");
        return 2;
    }
    if (parser.isSet(help)) {
        QTextStream(stdout) << parser.helpText().replace("normlab-cli " + command + " [options]",
                                                         "normlab-cli " + command + " [options]");
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError("unexpected argument '" + parser.positionalArguments().first() + "'");
        return 2;
    }
    // A repeated option is a mistake (which of the two files was meant?), never "the last".
    const QStringList seen = parser.optionNames();
    for (const QString& name : seen)
        if (seen.count(name) > 1) {
            printError("--" + name + " is given more than once");
            return 2;
        }
    for (const QString& name : required)
        if (!parser.isSet(name)) {
            printError("--" + name + " is required (see normlab-cli " + command + " --help)");
            return 2;
        }
    return std::nullopt;
}

bool loadSpec(const QString& path, NormSpec& spec) {
    QFile file(path);
    if (const QString error = formats::openRegularFile(file, 1 << 20, "the spec");
        !error.isEmpty()) {
        printError(error);
        return false;
    }
    const formats::SpecParseResult parsed = formats::parseSpecJson(file.readAll());
    if (!parsed.error.isEmpty()) {
        printError(path + ": " + parsed.error);
        return false;
    }
    spec = parsed.spec;
    return true;
}

bool loadNpy(const QString& path, const char* what, Tensor& out) {
    NpyReadResult r = readNpy(path.toStdString());
    if (!r.ok()) {
        printError(QString("%1 (%2): %3").arg(what, path, QString::fromStdString(r.error)));
        return false;
    }
    out = std::move(r.tensor);
    return true;
}

Backend* chooseBackend(const QString& name, const QString& device) {
    const auto kind = backendFromName(name.toStdString());
    if (!kind) {
        printError("--backend must be cpu or cuda, got '" + name + "'");
        return nullptr;
    }
    std::string why;
    if (!device.isEmpty()) {
        bool ok = false;
        const int index = device.toInt(&ok);
        if (!ok || index < 0) {
            printError("--device must be a CUDA device number (0, 1, ...), got '" + device + "'");
            return nullptr;
        }
        if (*kind != BackendKind::Cuda) {
            printError("--device chooses a CUDA device: give it with --backend cuda");
            return nullptr;
        }
        if (!selectCudaDevice(index, &why)) {
            printError(QString::fromStdString(why));
            return nullptr;
        }
    }
    Backend* backend = backendFor(*kind, &why);
    if (!backend) printError(QString::fromStdString(why));
    return backend;
}

bool parseShapeOption(const QString& text, const char* option, int maxRank, Shape& shape) {
    const QString error = formats::shapeFromText(text, option, maxRank, shape);
    if (!error.isEmpty()) printError(error);
    return error.isEmpty();
}

TimingSummary TimingSummary::of(std::vector<double> times) {
    if (times.empty()) return {};
    std::sort(times.begin(), times.end());
    const std::size_t n = times.size();
    const double median = n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    return {median, times.front(), times.back()};
}

} // namespace normlab::app
