// Pictures NormLab writes: the --screenshot option and the views' picture exports.
//
// A picture is written through a QSaveFile in the format its suffix names, which is checked
// before anything is opened: an unknown suffix or a failed write leaves the file at `path`
// as it was. A PNG carries the text key "Software" = "NormLab", by which a later
// --screenshot recognises a picture of its own that it may replace (formats/user_files.h).
#pragma once

#include <QImage>
#include <QString>

namespace normlab::ui {

// True when `path` is a picture NormLab wrote (a PNG with its "Software" key).
bool isNormLabImage(const QString& path);

// Writes `image` to `path`. Empty on success, else why not (the file unchanged).
QString writeImageFile(const QImage& image, const QString& path);

} // namespace normlab::ui
