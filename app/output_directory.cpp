#include "output_directory.h"

#include "normlab/npy.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

namespace normlab::app {

namespace {

const QString kPartialInfix = QStringLiteral(".partial-");

QString staleName(const QString& target) {
    return QLatin1Char('.') + QFileInfo(target).fileName() + kPartialInfix;
}

// The process's file-creation mask, read without leaving it changed.
mode_t currentUmask() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

bool processIsGone(qint64 pid) {
    return pid > 0 && ::kill(pid_t(pid), 0) == -1 && errno == ESRCH;
}

// Removes the files named in `ownNames` from `dir`, then `dir` itself if that emptied it.
void removeOwnFiles(const QString& dir, const QStringList& ownNames) {
    QDir d(dir);
    for (const QString& name : ownNames) {
        const QFileInfo f(d.filePath(name));
        if (f.isFile() && !f.isSymLink()) d.remove(name);
    }
    d.rmdir(dir); // fails, and so keeps it, when anything else is left
}

} // namespace

OutputDirectory::OutputDirectory(const QString& target, QStringList ownNames, bool force)
    : target_(target.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(target).absoluteFilePath()))
    , ownNames_(std::move(ownNames))
    , force_(force) {}

OutputDirectory::TargetKind OutputDirectory::classify(const QString& path,
                                                      const QStringList& ownNames) {
    const QFileInfo info(path);
    if (!info.exists()) return TargetKind::Absent;
    if (!info.isDir()) return TargetKind::NotADirectory;
    const QFileInfoList entries = QDir(path).entryInfoList(QDir::AllEntries | QDir::Hidden |
                                                           QDir::System | QDir::NoDotAndDotDot);
    if (entries.isEmpty()) return TargetKind::Empty;
    bool hasReport = false;
    for (const QFileInfo& e : entries) {
        if (!e.isFile() || e.isSymLink() || !ownNames.contains(e.fileName()))
            return TargetKind::Foreign;
        hasReport = hasReport || e.fileName() == QLatin1String("report.json");
    }
    return hasReport ? TargetKind::NormLabOutput : TargetKind::Foreign;
}

QString OutputDirectory::open() {
    if (target_.isEmpty()) return QStringLiteral("--out must name a directory");
    const QFileInfo given(target_);
    if (given.isSymLink()) {
        const QString resolved = given.canonicalFilePath();
        if (resolved.isEmpty())
            return QStringLiteral("%1 is a symbolic link to %2, which does not exist")
                .arg(target_, given.symLinkTarget());
        target_ = resolved;
    }
    const QFileInfo info(target_);
    if (info.isRoot() || info.fileName().isEmpty())
        return QStringLiteral("%1 cannot be an output directory").arg(target_);
    kind_ = classify(target_, ownNames_);
    if (kind_ == TargetKind::NotADirectory)
        return QStringLiteral("%1 exists and is not a directory").arg(target_);
    if (kind_ == TargetKind::Foreign && !force_)
        return QStringLiteral("%1 is not empty and is not a previous normlab-cli output; nothing "
                              "was written. Choose a new or empty directory, or pass --force to "
                              "replace only normlab-cli's own files in it")
            .arg(target_);
    if (!QDir().mkpath(info.absolutePath()))
        return QStringLiteral("cannot create %1").arg(info.absolutePath());
    removeStalePartials();
    staging_ = std::make_unique<QTemporaryDir>(info.absolutePath() + '/' + staleName(target_) +
                                               QString::number(QCoreApplication::applicationPid()) +
                                               "-XXXXXX");
    if (!staging_->isValid())
        return QStringLiteral("cannot create a staging directory next to %1").arg(target_);
    return {};
}

void OutputDirectory::removeStalePartials() const {
    const QFileInfo info(target_);
    const QString prefix = staleName(target_);
    const QFileInfoList entries =
        QDir(info.absolutePath())
            .entryInfoList({prefix + '*'}, QDir::Dirs | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QFileInfo& e : entries) {
        if (e.isSymLink()) continue;
        const QString suffix = e.fileName().mid(prefix.size());
        const qsizetype dash = suffix.indexOf('-');
        bool isPid = false;
        const qint64 pid = dash > 0 ? suffix.left(dash).toLongLong(&isPid) : 0;
        // Earlier versions named it .NAME.partial-XXXXXX, without the process id: those are
        // taken as stale an hour after their last change.
        const bool stale = isPid ? processIsGone(pid)
                                 : e.lastModified().secsTo(QDateTime::currentDateTime()) > 3600;
        if (stale) removeOwnFiles(e.absoluteFilePath(), ownNames_);
    }
}

QString OutputDirectory::writeNpy(const QString& name, const Tensor& tensor) {
    written_.append(name);
    const std::string error = normlab::writeNpy(staging_->filePath(name).toStdString(), tensor);
    return QString::fromStdString(error);
}

QString OutputDirectory::writeFile(const QString& name, const QByteArray& bytes) {
    written_.append(name);
    QFile file(staging_->filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return QStringLiteral("cannot write %1").arg(file.fileName());
    return {};
}

QString OutputDirectory::commit() {
    const QString staged = staging_->path();
    // The target may have changed since open(): decide again, refusing rather than guessing.
    const TargetKind now = classify(target_, ownNames_);
    if (now != kind_ && !(force_ && now != TargetKind::NotADirectory))
        return QStringLiteral("%1 changed while the run was writing; nothing was replaced")
            .arg(target_);
    kind_ = now;
    if (kind_ == TargetKind::Absent) {
        ::chmod(QFile::encodeName(staged).constData(), 0777 & ~currentUmask());
        if (std::rename(QFile::encodeName(staged).constData(),
                        QFile::encodeName(target_).constData()) != 0)
            return QStringLiteral("cannot move the results into %1: %2")
                .arg(target_, QString::fromLocal8Bit(std::strerror(errno)));
        staging_->setAutoRemove(false);
        staging_.reset();
        return {};
    }
    if (kind_ == TargetKind::NormLabOutput) {
        struct stat old {};
        if (::stat(QFile::encodeName(target_).constData(), &old) == 0)
            ::chmod(QFile::encodeName(staged).constData(), old.st_mode & 07777);
        if (::renameat2(AT_FDCWD, QFile::encodeName(staged).constData(), AT_FDCWD,
                        QFile::encodeName(target_).constData(), RENAME_EXCHANGE) == 0) {
            // `staged` now holds the previous output: NormLab's files only, checked above.
            staging_->setAutoRemove(false);
            staging_.reset();
            removeOwnFiles(staged, ownNames_);
            return {};
        }
        // File systems without RENAME_EXCHANGE: replace file by file below.
    }
    return commitIntoExisting();
}

// Renames each staged file over its name in the existing target (atomic per file), then
// removes NormLab's own files this run did not write, so no stale result is left beside
// fresh ones. Nothing outside `ownNames_` is touched.
QString OutputDirectory::commitIntoExisting() {
    QDir target(target_);
    for (const QString& name : written_) {
        const QString to = target.filePath(name);
        const QFileInfo existing(to);
        if (existing.exists() && (!existing.isFile() || existing.isSymLink()))
            return QStringLiteral("%1 is in the way and is not a file normlab-cli wrote; nothing "
                                  "more was replaced")
                .arg(to);
        if (std::rename(QFile::encodeName(staging_->filePath(name)).constData(),
                        QFile::encodeName(to).constData()) != 0)
            return QStringLiteral("cannot move %1 into %2: %3")
                .arg(name, target_, QString::fromLocal8Bit(std::strerror(errno)));
    }
    for (const QString& name : ownNames_) {
        const QFileInfo f(target.filePath(name));
        if (!written_.contains(name) && f.isFile() && !f.isSymLink()) target.remove(name);
    }
    return {};
}

} // namespace normlab::app
