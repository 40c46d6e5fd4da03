#include "output_directory.h"

#include "normlab/npy.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace normlab::app {

OutputDirectory::OutputDirectory(const QString& target)
    : target_(QFileInfo(target).absoluteFilePath()) {}

QString OutputDirectory::open() {
    const QFileInfo info(target_);
    if (info.exists() && !info.isDir())
        return QStringLiteral("%1 exists and is not a directory").arg(target_);
    if (!QDir().mkpath(info.absolutePath()))
        return QStringLiteral("cannot create %1").arg(info.absolutePath());
    staging_ = std::make_unique<QTemporaryDir>(info.absolutePath() + "/." + info.fileName() +
                                               ".partial-XXXXXX");
    if (!staging_->isValid())
        return QStringLiteral("cannot create a staging directory next to %1").arg(target_);
    return {};
}

QString OutputDirectory::writeNpy(const QString& name, const Tensor& tensor) {
    const std::string error = normlab::writeNpy(staging_->filePath(name).toStdString(), tensor);
    return QString::fromStdString(error);
}

QString OutputDirectory::writeFile(const QString& name, const QByteArray& bytes) {
    QFile file(staging_->filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return QStringLiteral("cannot write %1").arg(file.fileName());
    return {};
}

QString OutputDirectory::commit() {
    const QString staged = staging_->path();
    QString backup;
    if (QFileInfo::exists(target_)) {
        backup = target_ + ".old-" + QString::number(QCoreApplication::applicationPid());
        if (!QDir().rename(target_, backup))
            return QStringLiteral("cannot replace %1").arg(target_);
    }
    if (!QDir().rename(staged, target_)) {
        if (!backup.isEmpty()) QDir().rename(backup, target_);
        return QStringLiteral("cannot move the results into %1").arg(target_);
    }
    staging_->setAutoRemove(false);
    staging_.reset();
    if (!backup.isEmpty()) QDir(backup).removeRecursively();
    return {};
}

} // namespace normlab::app
