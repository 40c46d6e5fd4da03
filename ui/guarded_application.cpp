#include "guarded_application.h"

#include <QMessageBox>
#include <QTextStream>

#include <new>

namespace normlab::ui {

bool GuardedApplication::notify(QObject* receiver, QEvent* event) {
    try {
        return QApplication::notify(receiver, event);
    } catch (const std::bad_alloc&) {
        const QString message =
            QObject::tr("NormLab ran out of memory: the operation was abandoned (the file or the "
                        "setup needs more memory than this machine can give). Your work is kept.");
        QTextStream(stderr) << "normlab: " << message << "\n";
        if (!platformName().startsWith("offscreen"))
            QMessageBox::warning(activeWindow(), QObject::tr("Out of memory"), message);
        return false;
    }
}

} // namespace normlab::ui
