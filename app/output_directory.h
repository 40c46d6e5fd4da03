// Writes a run's files into a directory without ever deleting what NormLab did not create.
//
// Contract, by what the target is when the run starts:
// - absent: the files are staged in a hidden sibling (.NAME.partial-PID-XXXXXX) and the
//   sibling is renamed into place; the directory gets the umask's mode, as mkdir would.
// - a previous NormLab output (report.json and nothing but NormLab's own file names): the
//   staged directory is swapped with it in one rename (RENAME_EXCHANGE), keeping its mode;
//   then only NormLab's own files are removed from the old one.
// - empty: the directory the user made stays (same inode, mode, owner); the staged files are
//   renamed into it one by one.
// - anything else (a file, a directory holding other files): refused, nothing changes; with
//   `force`, NormLab's own file names in it are replaced one by one and the rest stays.
// A symbolic link is followed to the directory it names; a dangling one is refused.
// A failed run removes its staging directory, so the target is untouched. A run killed
// before it could clean up leaves its staging directory; the next run into the same target
// removes NormLab's files from it (when its process is gone) and the directory if that
// empties it.
#pragma once

#include "normlab/tensor.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace normlab::app {

class OutputDirectory {
  public:
    // `ownNames`: every file name NormLab may write there (and so may replace or remove).
    OutputDirectory(const QString& target, QStringList ownNames, bool force);
    // Empty on success, else why the target is refused or the staging directory could not
    // be made. Nothing is changed when it refuses.
    QString open();
    QString writeNpy(const QString& name, const Tensor& tensor);
    QString writeFile(const QString& name, const QByteArray& bytes);
    // Moves the staged files into place. Empty on success.
    QString commit();

    // What the target is, by the contract above.
    enum class TargetKind { Absent, Empty, NormLabOutput, Foreign, NotADirectory };
    static TargetKind classify(const QString& path, const QStringList& ownNames);

  private:
    QString commitIntoExisting();
    void removeStalePartials() const;

    QString target_;
    QStringList ownNames_;
    bool force_;
    TargetKind kind_ = TargetKind::Absent;
    std::unique_ptr<QTemporaryDir> staging_;
    QStringList written_;
};

} // namespace normlab::app
