#include "recent_files.h"

#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace normlab::ui {

namespace {
constexpr int kMaxRecent = 8;
}

QStringList RecentFiles::paths() const {
    return QSettings().value(key_).toStringList();
}

void RecentFiles::remember(const QString& path) {
    QStringList recent = paths();
    recent.removeAll(path);
    recent.prepend(path);
    QSettings().setValue(key_, recent.mid(0, kMaxRecent));
}

void RecentFiles::fillMenu(QMenu* menu, std::function<void(const QString&)> open) const {
    menu->clear();
    const QStringList recent = paths();
    for (const QString& path : recent) {
        QAction* action = menu->addAction(QFileInfo(path).fileName());
        action->setToolTip(path);
        QObject::connect(action, &QAction::triggered, menu, [open, path] { open(path); });
    }
    menu->setEnabled(!recent.isEmpty());
}

} // namespace normlab::ui
