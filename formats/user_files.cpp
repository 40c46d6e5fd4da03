#include "user_files.h"

#include "normlab/file_checks.h"

#include <QFileInfo>

namespace normlab::formats {

QString openRegularFile(QFile& file, qint64 maxBytes, const QString& what) {
    const QString path = file.fileName();
    if (const std::string error =
            regularFileError(QFile::encodeName(path).toStdString(), what.toStdString());
        !error.empty())
        return QString::fromStdString(error);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1 %2: %3").arg(what, path, file.errorString());
    if (file.size() > maxBytes) {
        file.close();
        return QStringLiteral("%1 %2 is larger than %3 MiB: not what NormLab reads as %1")
            .arg(what, path)
            .arg(maxBytes >> 20);
    }
    return {};
}

QString replaceRefusal(const QString& path,
                       const std::function<bool(const QString&)>& madeByNormLab) {
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink()) return {};
    if (!info.exists())
        return QStringLiteral("%1 is a dangling symbolic link: nothing was written").arg(path);
    if (!info.isFile())
        return QStringLiteral("%1 exists and is not a regular file: nothing was written").arg(path);
    if (madeByNormLab(path)) return {};
    return QStringLiteral("%1 exists and NormLab did not write it: nothing was written (NormLab "
                          "replaces only its own files; choose another name or move that file)")
        .arg(path);
}

QString terminalSafe(const QString& message) {
    QString out;
    out.reserve(message.size());
    for (const QChar c : message) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != '\n' && u != '\t') || (u >= 0x7f && u < 0xa0))
            out += QStringLiteral("\\x%1").arg(unsigned(u), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

} // namespace normlab::formats
