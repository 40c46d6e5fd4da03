// A user's files, read and replaced by one set of rules (normlab/file_checks.h for the
// numerics core), shared by normlab-cli and the GUI.
//
// Reading: only a regular file is opened, checked without blocking first (a FIFO given as a
// model, trace or manifest would otherwise hang the program), and only up to a size the
// reader can hold.
//
// Replacing: NormLab replaces only a file it made itself (as `madeByNormLab` recognises from
// the file's own contents) or one the user confirmed in a save dialog; otherwise it refuses
// before anything is opened for writing, and the file stays byte for byte.
#pragma once

#include <QFile>
#include <QString>

#include <functional>

namespace normlab::formats {

// Opens `file` (its name set) for reading. Empty on success; else a message naming the file
// and the reason: absent, not a regular file (FIFO, device, directory), unreadable, or larger
// than `maxBytes`. `what` says what the file was meant to be ("the trace").
QString openRegularFile(QFile& file, qint64 maxBytes, const QString& what);

// Empty when `path` may be written: it does not exist, or it is a regular file that
// `madeByNormLab(path)` recognises. Else why not, naming the path.
QString replaceRefusal(const QString& path,
                       const std::function<bool(const QString&)>& madeByNormLab);

// `message` with every control character (C0 but newline and tab, DEL, C1) as \xHH: text
// from a file (a checkpoint key, a dtype, a manifest's name) cannot drive the terminal.
QString terminalSafe(const QString& message);

} // namespace normlab::formats
