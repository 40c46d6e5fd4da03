// Writes a set of files into a directory atomically: everything goes into a hidden sibling
// first and replaces the target only when every write succeeded, so a failed run leaves
// no directory, or the old one untouched.
#pragma once

#include "normlab/tensor.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace normlab::app {

class OutputDirectory {
  public:
    explicit OutputDirectory(const QString& target);
    // Empty on success, else why the staging directory could not be made.
    QString open();
    QString writeNpy(const QString& name, const Tensor& tensor);
    QString writeFile(const QString& name, const QByteArray& bytes);
    // Moves the staged files into place. Empty on success.
    QString commit();

  private:
    QString target_;
    std::unique_ptr<QTemporaryDir> staging_;
};

} // namespace normlab::app
