// The Debugger's "Trace with Python..." form: the model file and its builder function, the
// inputs (shapes or files), the interpreter (remembered), and whether to capture activations.
#pragma once

#include "trace_runner.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace normlab::ui {

class TraceDialog : public QDialog {
    Q_OBJECT
  public:
    explicit TraceDialog(QWidget* parent = nullptr);
    // The form as a request (shapes and files split at ';').
    TraceRequest request() const;
    void setRequest(const TraceRequest& request);

  private:
    QLineEdit *model_, *builder_, *shapes_, *files_, *python_;
    QCheckBox *activations_, *generate_;
    QLabel* pythonNote_;
};

} // namespace normlab::ui
