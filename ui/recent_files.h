// A most-recent-first list of files kept in QSettings (at most 8), and the "Recent" menu
// built from it. Sessions and loaded .npy activations each keep one.
#pragma once

#include <QString>
#include <QStringList>

#include <functional>

class QMenu;

namespace normlab::ui {

class RecentFiles {
  public:
    explicit RecentFiles(QString settingsKey)
        : key_(std::move(settingsKey)) {}

    QStringList paths() const;
    void remember(const QString& path);
    // Rebuilds `menu`: one action per file (its name; the path as tooltip) calling open(path).
    // The menu is disabled while the list is empty.
    void fillMenu(QMenu* menu, std::function<void(const QString&)> open) const;

  private:
    QString key_;
};

} // namespace normlab::ui
