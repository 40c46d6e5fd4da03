// libFuzzer target: a capture's manifest (capture.json, normlab_trace.py --activations). The
// bytes are written as the manifest of a scratch folder and read; a manifest is read whole
// or refused with a message, and no file it names lies outside the folder.
#include "capture_file.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab;
    static QTemporaryDir scratch;
    static const QString root = QDir(scratch.path()).absolutePath();
    QFile manifest(root + "/capture.json");
    if (!manifest.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
    manifest.write(reinterpret_cast<const char*>(data), qint64(size));
    manifest.close();
    formats::Capture capture;
    if (!formats::readCapture(root, capture).isEmpty()) {
        if (!capture.layers.empty()) std::abort();
        return 0;
    }
    auto insideRoot = [&](const QString& path) {
        return path.isEmpty() || path.startsWith(root + "/");
    };
    if (!insideRoot(capture.lengths) || !insideRoot(capture.mask)) std::abort();
    for (std::size_t i = 0; i < capture.layers.size(); ++i) {
        const formats::CapturedLayer& l = capture.layers[i];
        for (const QString* p :
             {&l.input, &l.output, &l.weight, &l.bias, &l.runningMean, &l.runningVar})
            if (!insideRoot(*p)) std::abort();
        formats::LoadedLayer loaded; // the files are not there: refused with a message
        if (formats::loadCapturedLayer(capture, i, loaded).isEmpty() && l.input.isEmpty())
            std::abort();
    }
    return 0;
}
