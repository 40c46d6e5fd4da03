// Pieces the normlab-cli subcommands share: argument parsing with exit code 2 on misuse,
// loading the spec and .npy inputs, and choosing the backend.
#pragma once

#include "normlab/backend.h"
#include "normlab/spec.h"
#include "normlab/tensor.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace normlab::app {

// Parses `arguments` (without program/subcommand names). Returns an exit code if the
// command is finished (help printed: 0; misuse: 2), or nothing to go on.
std::optional<int> parseCommandLine(QCommandLineParser& parser, const QString& command,
                                    const QString& description, const QStringList& arguments,
                                    const QStringList& required);

void printError(const QString& message);

// Each returns false after printing the reason.
bool loadSpec(const QString& path, NormSpec& spec);
bool loadNpy(const QString& path, const char* what, Tensor& out);
// `device` (may be empty): the CUDA device number, for --backend cuda.
Backend* chooseBackend(const QString& name, const QString& device = {});
// The same for a command-line option, printing the reason.
bool parseShapeOption(const QString& text, const char* option, int maxRank, Shape& shape);

// Median, fastest and slowest of timed iterations (milliseconds).
struct TimingSummary {
    double median = 0, min = 0, max = 0;
    static TimingSummary of(std::vector<double> times);
};

} // namespace normlab::app
