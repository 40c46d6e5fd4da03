// The views' language-independent ids in tab order: what --view, a session's "view" and a
// lesson task's "view" name. MainWindow's view table uses exactly these (tst_workbench
// checks both ways).
#pragma once

#include <QString>

#include <algorithm>
#include <array>

namespace normlab::ui {

inline constexpr std::array<const char*, 12> kViewIds{
    "slices",    "cube",     "statistics",         "output",
    "gradients", "jacobian", "running statistics", "invertibility",
    "precision", "compare",  "debugger",           "pytorch code"};

inline bool isViewId(const QString& id) {
    return std::any_of(kViewIds.begin(), kViewIds.end(), [&](const char* known) {
        return id.compare(QLatin1String(known), Qt::CaseInsensitive) == 0;
    });
}

} // namespace normlab::ui
