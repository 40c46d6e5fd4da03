// normlab: the desktop workbench.
//   normlab [--screenshot FILE.png [--size WxH] [--view NAME]]
// --screenshot renders the window offscreen once the first result is drawn, writes the PNG
// and exits (0 written, 2 otherwise).
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <QTimer>

#include <cstring>

int main(int argc, char** argv) {
    bool screenshot = false;
    for (int i = 1; i < argc; ++i) screenshot |= std::strcmp(argv[i], "--screenshot") == 0;
    if (screenshot && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("NormLab");
    QApplication::setApplicationName("NormLab");

    QCommandLineParser parser;
    parser.setApplicationDescription("NormLab: a workbench for normalization layers.");
    parser.addHelpOption();
    parser.addOption({"screenshot", "Render the window offscreen to FILE.png and exit.", "FILE"});
    parser.addOption(
        {"size", "Window size for --screenshot (default 1400x900).", "WxH", "1400x900"});
    parser.addOption({"view", "View to show first.", "NAME"});
    parser.process(app);

    normlab::ui::MainWindow window;
    if (parser.isSet("view") && !window.selectView(parser.value("view"))) {
        QTextStream(stderr) << "normlab: no view '" << parser.value("view") << "' ("
                            << window.viewNames().join(", ") << ")\n";
        return 2;
    }
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
    int code = 2;
    auto shoot = [&] {
        code = window.grab().save(parser.value("screenshot")) ? 0 : 2;
        if (code)
            QTextStream(stderr) << "normlab: cannot write " << parser.value("screenshot") << "\n";
        app.quit();
    };
    QObject::connect(&window.controller(), &normlab::ui::RecomputeController::resultReady, &app,
                     [&] { QTimer::singleShot(50, &app, shoot); });
    QTimer::singleShot(20000, &app, [&] {
        QTextStream(stderr) << "normlab: no result within 20 s\n";
        app.quit();
    });
    app.exec();
    return code;
}
