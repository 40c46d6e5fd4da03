// Session files: the workbench state as JSON (format 1). The input is stored as its recipe,
// or, for a loaded .npy, embedded (base64 of the .npy bytes). Reading validates every field
// and reports what is wrong without touching the current work.
#pragma once

#include "workbench_state.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace normlab::ui {

struct Session {
    WorkbenchState state;
    QString view; // the view shown, by id ("slices", "gradients", ...)
    // The Compare view's configuration B, if the session keeps one.
    std::optional<NormSpec> compareSpec;
};

QByteArray sessionToJson(const Session& session);
// Returns an error message, or empty and fills `out`.
QString sessionFromJson(const QByteArray& json, Session& out);

QString saveSession(const QString& path, const Session& session);
QString loadSession(const QString& path, Session& out);

} // namespace normlab::ui
