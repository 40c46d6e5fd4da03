// The Debugger view: a print(model) text (pasted or opened) and an input shape in; the
// layers with their input/output shapes and the findings of normlab/diagnose.h out, marked
// by severity. Selecting a normalization layer offers to open it in the workbench with an
// input of the inferred shape, so the user sees what happens to their tensor.
#pragma once

#include "normlab/checkpoint.h"
#include "normlab/diagnose.h"
#include "normlab/load_state_dict.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QTimer;

namespace normlab::ui {

class TraceRunner;
struct TraceRequest;

class DebuggerView : public QWidget {
    Q_OBJECT
  public:
    explicit DebuggerView(QWidget* parent = nullptr);

    QString title() const { return tr("Debugger"); }
    void setModelText(const QString& text);
    void setInputShape(const QString& dims);
    void setTorchVersion(const QString& version);
    // Analyses now (edits analyse after a short pause). False when the text or shape cannot
    // be read: the message is shown and the last analysis stays on screen.
    bool analyse();
    bool loadModelFile(const QString& path);
    // A trace of the real forward pass (tools/normlab_trace.py): every shape exact. False,
    // with the reason shown and the last analysis kept, when the file is not a trace.
    bool loadTraceFile(const QString& path);
    // A checkpoint to load into the model text (.pt, .pth, .bin, .safetensors): the next
    // analyses add what load_state_dict would raise and why. False, with the reason shown and
    // the previous checkpoint kept, when the file cannot be read as a state_dict.
    bool loadCheckpointFile(const QString& path);
    void clearCheckpoint();
    // What the last analysis found loading the checkpoint; null without one.
    const std::optional<LoadStateDictReport>& checkpointReport() const { return loaded_; }
    // The trace script, as shipped inside the application, and the notebook snippet.
    static QByteArray traceScript();
    static QString traceSnippet();
    const DiagnoseReport& report() const { return report_; }
    QTableWidget* layerTable() const { return table_; }
    // Selects the table row of layer `name` (dotted path).
    bool selectLayer(const QString& name);
    // Trace with Python...: runs normlab_trace.py on `request`; when it ends the trace opens
    // (and, with activations, captureTraced is emitted), or the error is shown and the last
    // analysis stays. Empty when it started, else why not.
    QString startTrace(const TraceRequest& request);
    TraceRunner* traceRunner() const { return runner_; }

  signals:
    // A capture made by Trace with Python... (the main window opens it).
    void captureTraced(const QString& directory);
    // A normalization layer to show in the workbench: its configuration and its input.
    void openInWorkbench(const normlab::NormSpec& spec, const normlab::Shape& inputShape,
                         const QString& layer);

  private:
    void showReport(DiagnoseReport report, TorchVersion version, const QString& source);
    void showCheckpointSummary();
    void saveTraceScript();
    void fillTable();
    void showSelectedFindings();
    void requestOpen();
    int selectedLayer() const;

    QPlainTextEdit* text_;
    QLineEdit* shape_;
    QComboBox* version_;
    QLabel* status_;
    QLabel* checkpointStatus_;
    QPushButton* forgetCheckpoint_;
    QTableWidget* table_;
    QTextBrowser* details_;
    QPushButton* open_;
    TraceRunner* runner_;
    QLabel* traceProgress_;
    QPushButton* cancelTrace_;
    QTimer* debounce_;
    DiagnoseReport report_;
    TorchVersion reportVersion_;
    std::optional<Checkpoint> checkpoint_;
    QString checkpointName_;
    std::optional<LoadStateDictReport> loaded_;
    std::vector<TracedModule> traceModules_; // of the trace shown, when one is
    QString tracePath_;                      // the trace shown; empty: the model text
};

} // namespace normlab::ui
