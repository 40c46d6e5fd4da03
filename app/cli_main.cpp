// normlab-cli: the command-line face of the compute library (QtCore only).
#include "cli_commands.h"
#include "heap_tuning.h"

#include <QCoreApplication>
#include <QTextStream>

#include <new>

namespace {

const char* kUsage =
    "usage: normlab-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  run     one normalization step: outputs, statistics, gradients, inverse -> DIR\n"
    "  bench   time a normalization on random input, print JSON\n"
    "  bench-diagnose  time the shape debugger on a model text (or a generated one)\n"
    "  diagnose  explain shape/affine mistakes in a print(model) text (and a checkpoint)\n"
    "  health  the health of every layer of a capture (normlab_trace.py --activations)\n"
    "\n"
    "normlab-cli <command> --help shows the options of a command.\n"
    "The contract (output files, exit codes, the spec JSON) is in docs/cli.md and docs/spec.md\n"
    "of the NormLab sources, installed in share/doc/normlab/ (e.g. /usr/share/doc/normlab).\n";

int runCommand(const QString& command, const QStringList& args) {
    if (command == "run") return normlab::app::runCommand(args);
    if (command == "bench") return normlab::app::benchCommand(args);
    if (command == "bench-diagnose") return normlab::app::benchDiagnoseCommand(args);
    if (command == "diagnose") return normlab::app::diagnoseCommand(args);
    if (command == "health") return normlab::app::healthCommand(args);
    QTextStream(stderr) << "normlab-cli: unknown command '" << command << "'\n\n" << kUsage;
    return normlab::app::kExitInvalid;
}

} // namespace

int main(int argc, char** argv) {
    normlab::app::keepMediumAllocationsInTheHeap();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("normlab-cli");
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.first() == "--help" || args.first() == "-h" ||
        args.first() == "help") {
        QTextStream(args.isEmpty() ? stderr : stdout) << kUsage;
        return args.isEmpty() ? normlab::app::kExitInvalid : normlab::app::kExitOk;
    }
    const QString command = args.takeFirst();
    // A reader's limits keep its memory near its input's size; past them (an input that
    // still needs more than the machine has), the command ends with a message, not SIGABRT.
    try {
        return runCommand(command, args);
    } catch (const std::bad_alloc&) {
        QTextStream(stderr) << "normlab-cli: out of memory while running '" << command
                            << "': the input needs more memory than this machine can give; "
                               "nothing was written\n";
        return normlab::app::kExitInvalid;
    }
}
