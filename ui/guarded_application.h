// The GUI's QApplication: an operation that runs out of memory (std::bad_alloc from an
// event handler or a slot it calls: opening a file, a job's result delivered) is abandoned
// with a message, and the window with the user's unsaved work stays open. Readers bound
// their memory by their input (formats/user_files.h), so this is the last line, not the
// first.
#pragma once

#include <QApplication>

namespace normlab::ui {

class GuardedApplication : public QApplication {
  public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override;
};

} // namespace normlab::ui
