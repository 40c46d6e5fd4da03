// normlab: the desktop workbench.
//   normlab [--screenshot FILE.png [--size WxH] [--view NAME]]
// --screenshot renders the window offscreen once the first result is drawn, writes the PNG
// and exits (0 written, 2 otherwise).
#include "capture_dock.h"
#include "debugger_view.h"
#include "guarded_application.h"
#include "heap_tuning.h"
#include "image_file.h"
#include "language.h"
#include "lesson_panel.h"
#include "main_window.h"
#include "user_files.h"
#include "workbench_limits.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLibraryInfo>
#include <QTextStream>
#include <QTimer>
#include <QTranslator>

#include <algorithm>

#include <cstring>
#include <string_view>
#include <vector>

#include <sys/resource.h>

namespace {

// The process's peak resident memory so far (Linux: ru_maxrss in KiB), in MB.
double peakResidentMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) * 1024.0 / 1e6;
}

// Edits the eps field N times, waiting for each redraw; the first (cold) run is not counted.
int measureLatency(QApplication& app, normlab::ui::MainWindow& window,
                   const QCommandLineParser& parser) {
    using namespace normlab;
    const int edits = parser.value("measure-latency").toInt();
    ui::WorkbenchState state = window.state();
    state.recipe.shape.clear();
    for (const QString& d : parser.value("shape").split(','))
        state.recipe.shape.push_back(d.toLongLong());
    if (edits < 1 || edits > 10000 || numElements(state.recipe.shape) <= 0) {
        QTextStream(stderr)
            << "normlab: --measure-latency needs 1..10000 edits and a valid --shape\n";
        return 2;
    }
    if (const QString why = ui::inputSizeRefusal(state.recipe.shape, state.recipe.dtype);
        !why.isEmpty()) {
        QTextStream(stderr) << "normlab: " << normlab::formats::terminalSafe(why) << "\n";
        return 2;
    }
    state.spec = ui::specFittingShape(Variant::InstanceNorm, state.recipe.shape);
    state.spec.affine = true;
    window.resize(1400, 900);
    window.show();
    std::vector<double> total, compute, redraw;
    QObject::connect(&window, &ui::MainWindow::outcomeShown, &app,
                     [&](double t, double c, double r) {
                         total.push_back(t);
                         compute.push_back(c);
                         redraw.push_back(r);
                         if (int(total.size()) > edits) {
                             app.quit();
                             return;
                         }
                         state.spec.eps = 1e-5 * double(total.size() + 1);
                         QTimer::singleShot(0, &app, [&] { window.applyState(state); });
                     });
    // The longest the event loop went without running a 5 ms timer: how long the window was
    // unresponsive at worst (compute runs off the GUI thread; drawing does not), from the
    // window's first appearance on.
    QElapsedTimer sinceTick;
    double longestStallMs = 0;
    QTimer ticker;
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
        longestStallMs = std::max(longestStallMs, double(sinceTick.nsecsElapsed()) / 1e6);
        sinceTick.restart();
    });
    window.applyState(state);
    QTimer::singleShot(600000, &app, &QApplication::quit);
    // Counted from the start, the first input built and computed included: the window must
    // be usable while the first result is computed.
    sinceTick.start();
    ticker.start();
    app.exec();
    if (int(total.size()) <= edits) return 2;
    auto median = [](std::vector<double> v) {
        v.erase(v.begin()); // cold start
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    QJsonObject o{{"elements", double(numElements(state.recipe.shape))},
                  {"edits", edits},
                  {"median_edit_to_redraw_ms", median(total)},
                  {"max_edit_to_redraw_ms", *std::max_element(total.begin() + 1, total.end())},
                  {"median_compute_ms", median(compute)},
                  {"median_redraw_ms", median(redraw)},
                  {"longest_gui_stall_ms", longestStallMs},
                  {"peak_resident_mb", peakResidentMb()},
                  {"input_mb", double(numElements(state.recipe.shape)) *
                                   double(dtypeSize(state.recipe.dtype)) / 1e6},
                  {"view", window.currentViewName()}};
    QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
    return 0;
}

// --measure-capture: opens the capture given by --capture, then opens its layers in the
// workbench one after another (all of them, or --repeat N), each time until the visible view
// has drawn it. Prints JSON: the time to open the capture (manifest read and layers listed),
// the median and slowest switch, peak resident memory.
int measureCapture(QApplication& app, normlab::ui::MainWindow& window, const QString& directory,
                   int switches) {
    window.resize(1400, 900);
    window.show();
    QElapsedTimer timer;
    timer.start();
    if (const QString error = window.openCapture(directory); !error.isEmpty()) {
        QTextStream(stderr) << "normlab: " << normlab::formats::terminalSafe(error) << "\n";
        return 2;
    }
    const double openMs = double(timer.nsecsElapsed()) / 1e6;
    const int layers = int(window.captureDock()->capture().layers.size());
    const int count = std::min(switches > 0 ? switches : layers, layers);
    std::vector<double> times;
    int next = 0;
    auto openNext = [&] {
        timer.restart();
        const int index = next++ % layers;
        window.captureDock()->selectLayer(index);
    };
    QObject::connect(&window, &normlab::ui::MainWindow::outcomeShown, &app,
                     [&](double, double, double) {
                         if (next == 0) return; // the start-up outcome
                         times.push_back(double(timer.nsecsElapsed()) / 1e6);
                         if (int(times.size()) >= count) {
                             app.quit();
                             return;
                         }
                         QTimer::singleShot(0, &app, openNext);
                     });
    QTimer::singleShot(500, &app, openNext);
    QTimer::singleShot(600000, &app, &QApplication::quit);
    app.exec();
    if (times.empty()) return 2;
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    const std::size_t slowest =
        std::size_t(std::max_element(times.begin(), times.end()) - times.begin());
    const auto& slowLayer = window.captureDock()->capture().layers[slowest % std::size_t(layers)];
    QJsonObject o{
        {"layers", layers},
        {"slowest_layer", slowLayer.name},
        {"slowest_layer_elements", double(normlab::numElements(slowLayer.inputShape)) *
                                       double(slowLayer.capturedSamples) /
                                       double(std::max<std::int64_t>(1, slowLayer.inputShape[0]))},
        {"open_ms", openMs},
        {"switches", int(times.size())},
        {"median_switch_ms", sorted[sorted.size() / 2]},
        {"max_switch_ms", sorted.back()},
        {"peak_resident_mb", peakResidentMb()},
        {"view", window.currentViewName()}};
    QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
    return 0;
}

// QGuiApplication takes "-session ID" / "--session ID" for X11 session management and
// removes it from argv, so NormLab's --session FILE is taken out before Qt sees it.
// Returns the file (empty if none); `args` keeps everything else.
QString takeSessionOption(std::vector<char*>& args, bool& missingValue) {
    QString file;
    for (std::size_t i = 1; i < args.size();) {
        const std::string_view a = args[i];
        if (a == "--session" || a == "-session") {
            if (i + 1 >= args.size()) {
                missingValue = true;
                args.erase(args.begin() + std::ptrdiff_t(i));
                continue;
            }
            file = QString::fromLocal8Bit(args[i + 1]);
            args.erase(args.begin() + std::ptrdiff_t(i), args.begin() + std::ptrdiff_t(i) + 2);
        } else if (a.starts_with("--session=")) {
            file = QString::fromLocal8Bit(args[i] + std::strlen("--session="));
            args.erase(args.begin() + std::ptrdiff_t(i));
        } else {
            ++i;
        }
    }
    return file;
}

} // namespace

int main(int argc, char** argv) {
    normlab::app::keepMediumAllocationsInTheHeap();
    bool offscreen = false; // --screenshot and --measure-latency need no display
    for (int i = 1; i < argc; ++i)
        offscreen |= std::strcmp(argv[i], "--screenshot") == 0 ||
                     std::strcmp(argv[i], "--measure-latency") == 0 ||
                     std::strcmp(argv[i], "--measure-capture") == 0;
    if (offscreen && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::vector<char*> args(argv, argv + argc);
    bool sessionWithoutFile = false;
    const QString sessionFile = takeSessionOption(args, sessionWithoutFile);
    args.push_back(nullptr);
    int qtArgc = int(args.size()) - 1;
    normlab::ui::GuardedApplication app(qtArgc, args.data());
    QApplication::setOrganizationName("NormLab");
    QApplication::setApplicationName("NormLab");
    // The installed desktop entry (resources/desktop) and its icon, for window managers.
    QGuiApplication::setDesktopFileName("org.normlab.NormLab");
    QApplication::setWindowIcon(QIcon(":/icons/normlab.png"));

    QCommandLineParser parser;
    parser.setApplicationDescription("NormLab: a workbench for normalization layers.");
    parser.addHelpOption();
    parser.addOption({"screenshot", "Render the window offscreen to FILE.png and exit.", "FILE"});
    parser.addOption(
        {"size", "Window size for --screenshot (default 1400x900).", "WxH", "1400x900"});
    parser.addOption({"view", "View to show first.", "NAME"});
    parser.addOption({"session", "Open a session file (JSON).", "FILE"});
    parser.addOption({"lesson", "Open built-in lesson N (1 to 12) at its first step.", "N"});
    parser.addOption({"lessons",
                      "Open a lessons file (docs/lessons.md) and its first lesson; remembered for "
                      "the next start.",
                      "FILE"});
    parser.addOption({"capture",
                      "Open a capture (a folder written by normlab_trace.py --activations) in the "
                      "Layers dock.",
                      "DIR"});
    parser.addOption(
        {"layer", "With --capture: open this layer (dotted name) in the workbench.", "NAME"});
    parser.addOption({"measure-capture",
                      "With --capture: time opening it and switching between its layers (N "
                      "switches, 0 for every layer), print JSON and exit.",
                      "N"});
    parser.addOption({"model", "Open a print(model) text in the Debugger.", "FILE"});
    parser.addOption({"checkpoint",
                      "Check a checkpoint (.pt, .pth, .bin, .safetensors) against --model in the "
                      "Debugger.",
                      "FILE"});
    parser.addOption(
        {"input-shape", "The model's input shape for --model, e.g. 1,3,224,224.", "DIMS"});
    parser.addOption({"presentation", "Start in presentation mode (large, high contrast)."});
    parser.addOption({"lang",
                      "Language of the interface: en, zh_CN or ja (default: as chosen "
                      "in View > Language, else the system's).",
                      "CODE"});
    parser.addOption(
        {"measure-latency",
         "Benchmark: make N edits (eps changes) on a SHAPE input (--shape) and print the "
         "median and worst edit-to-redrawn time as JSON.",
         "N"});
    parser.addOption(
        {"shape", "Input shape for --measure-latency (default 16,64,1024).", "DIMS", "16,64,1024"});
    parser.process(app);
    if (sessionWithoutFile) {
        QTextStream(stderr) << "normlab: --session needs a FILE\n";
        return 2;
    }

    QTranslator translator, qtTranslator;
    const QString language = normlab::ui::interfaceLanguage(parser.value("lang"), !offscreen);
    if (!normlab::ui::kLanguages.contains(language)) {
        QTextStream(stderr) << "normlab: no interface language '" << language << "' ("
                            << normlab::ui::kLanguages.join(", ") << ")\n";
        return 2;
    }
    normlab::ui::setActiveLanguage(language);
    if (language != "en") {
        if (!translator.load(":/i18n/normlab_" + language)) {
            QTextStream(stderr) << "normlab: the " << language << " translation is missing\n";
            return 2;
        }
        QApplication::installTranslator(&translator);
        // Qt's own dialogs and buttons, where Debian's qt6-translations-l10n is installed.
        if (qtTranslator.load("qtbase_" + language,
                              QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QApplication::installTranslator(&qtTranslator);
    }

    // Screenshots and measurements start from a clean state (or the given --session).
    normlab::ui::MainWindow window(!offscreen);
    if (!sessionFile.isEmpty()) {
        if (const QString error = window.openSession(sessionFile); !error.isEmpty()) {
            QTextStream(stderr) << "normlab: " << normlab::formats::terminalSafe(error) << "\n";
            if (offscreen) return 2;
        }
        window.setRemembersSession(false); // until the user saves it
    }
    if (parser.isSet("view") && !window.selectView(parser.value("view"))) {
        QTextStream(stderr) << "normlab: no view '" << parser.value("view") << "' ("
                            << window.viewNames().join(", ") << ")\n";
        return 2;
    }
    if (parser.isSet("model") || parser.isSet("checkpoint")) {
        // Files the user named: a failure is reported and leaves the Debugger as it was.
        normlab::ui::DebuggerView* debugger = window.debugger();
        if (parser.isSet("input-shape")) debugger->setInputShape(parser.value("input-shape"));
        const bool read =
            (!parser.isSet("model") || debugger->loadModelFile(parser.value("model"))) &&
            (!parser.isSet("checkpoint") ||
             debugger->loadCheckpointFile(parser.value("checkpoint")));
        if (!read) {
            QTextStream(stderr) << "normlab: "
                                << debugger->findChild<QLabel*>("debuggerStatus")->text() << "\n";
            if (offscreen) return 2;
        }
        if (!parser.isSet("view")) window.selectView("debugger");
    }
    if (parser.isSet("measure-capture")) {
        if (!parser.isSet("capture")) {
            QTextStream(stderr) << "normlab: --measure-capture needs --capture DIR\n";
            return 2;
        }
        return measureCapture(app, window, parser.value("capture"),
                              parser.value("measure-capture").toInt());
    }
    if (parser.isSet("capture")) {
        if (const QString error = window.openCapture(parser.value("capture")); !error.isEmpty()) {
            QTextStream(stderr) << "normlab: " << normlab::formats::terminalSafe(error) << "\n";
            if (offscreen) return 2;
        } else if (parser.isSet("layer")) {
            const auto& layers = window.captureDock()->capture().layers;
            int index = -1;
            for (int i = 0; i < int(layers.size()); ++i)
                if (layers[std::size_t(i)].name == parser.value("layer")) index = i;
            if (index < 0 || !window.captureDock()->selectLayer(index)) {
                QTextStream(stderr)
                    << "normlab: the capture has no layer '" << parser.value("layer") << "'\n";
                if (offscreen) return 2;
            }
        }
    }
    if (parser.isSet("presentation")) window.presentationAction()->setChecked(true);
    if (parser.isSet("lessons")) {
        if (const QString error = window.openLessonsFile(parser.value("lessons"), !offscreen);
            !error.isEmpty()) {
            QTextStream(stderr) << "normlab: " << normlab::formats::terminalSafe(error) << "\n";
            if (offscreen) return 2;
        }
    }
    if (parser.isSet("lesson") && !window.openLesson(parser.value("lesson").toInt() - 1)) {
        QTextStream(stderr) << "normlab: no lesson '" << parser.value("lesson") << "' (1 to "
                            << window.lessonPanel()->lessons().size() << ")\n";
        return 2;
    }
    if (parser.isSet("measure-latency")) return measureLatency(app, window, parser);
    if (!parser.isSet("screenshot")) {
        window.show();
        return app.exec();
    }
    const QStringList size = parser.value("size").split('x');
    const int w = size.value(0).toInt(), h = size.value(1).toInt();
    if (size.size() != 2 || w < 200 || h < 200 || w > 8000 || h > 8000) {
        QTextStream(stderr) << "normlab: --size must be WxH between 200x200 and 8000x8000\n";
        return 2;
    }
    window.resize(w, h);
    window.show();
    // Refused before anything is drawn or opened: an existing file NormLab did not write.
    const QString screenshot = parser.value("screenshot");
    if (const QString refusal =
            normlab::formats::replaceRefusal(screenshot, normlab::ui::isNormLabImage);
        !refusal.isEmpty()) {
        QTextStream(stderr) << "normlab: " << normlab::formats::terminalSafe(refusal) << "\n";
        return 2;
    }
    int code = 2;
    auto shoot = [&] {
        const QString error = normlab::ui::writeImageFile(window.grab().toImage(), screenshot);
        code = error.isEmpty() ? 0 : 2;
        if (code)
            QTextStream(stderr) << "normlab: " << normlab::formats::terminalSafe(error) << "\n";
        app.quit();
    };
    // Once the visible view has drawn a result (one computed for it).
    QObject::connect(&window, &normlab::ui::MainWindow::outcomeShown, &app,
                     [&] { QTimer::singleShot(50, &app, shoot); });
    // An invalid configuration has no result to wait for: say why at once.
    QObject::connect(&window.controller(), &normlab::ui::RecomputeController::failed, &app,
                     [&](const QString& message) {
                         QTextStream(stderr) << "normlab: no screenshot: " << message << "\n";
                         code = 2;
                         app.quit();
                     });
    QTimer::singleShot(20000, &app, [&] {
        QTextStream(stderr) << "normlab: no result within 20 s\n";
        app.quit();
    });
    app.exec();
    return code;
}
