#include "image_file.h"

#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QObject>
#include <QSaveFile>

namespace normlab::ui {

namespace {

constexpr char kSoftwareKey[] = "Software";
constexpr char kSoftwareValue[] = "NormLab";

} // namespace

bool isNormLabImage(const QString& path) {
    if (!QFileInfo(path).isFile()) return false; // never open a FIFO or a device
    QImageReader reader(path, "png");
    return reader.canRead() && reader.text(kSoftwareKey) == kSoftwareValue;
}

QString writeImageFile(const QImage& image, const QString& path) {
    const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
    if (format.isEmpty() || !QImageWriter::supportedImageFormats().contains(format))
        return QObject::tr("cannot write %1: \"%2\" is not a picture format NormLab writes (use "
                           ".png)")
            .arg(path, QString::fromLatin1(format));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
    QImageWriter writer(&file, format);
    writer.setText(kSoftwareKey, kSoftwareValue);
    if (!writer.write(image))
        return QObject::tr("cannot write %1: %2").arg(path, writer.errorString());
    if (!file.commit()) return QObject::tr("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace normlab::ui
