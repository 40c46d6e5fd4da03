// The Layers dock: the normalization layers of a capture (normlab_trace.py --activations),
// each with its input shape, configuration and health. Opening a capture reads its manifest
// only, so the list appears at once; the health of every layer is then computed off the GUI
// thread, layer by layer, with progress, and stops when another capture is opened or the
// user cancels. Selecting a layer asks for it in the workbench (layerChosen).
#pragma once

#include "capture_file.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QPushButton;
class QTableWidget;

namespace normlab::ui {

class CaptureDock : public QWidget {
    Q_OBJECT
  public:
    explicit CaptureDock(QWidget* parent = nullptr);
    ~CaptureDock() override;

    // Reads `directory`'s manifest and lists its layers; empty on success, else why not (the
    // capture shown before stays).
    QString openCapture(const QString& directory);
    const formats::Capture& capture() const { return capture_; }
    QTableWidget* table() const { return table_; }
    // Layers whose health is computed so far.
    int healthDone() const { return healthDone_; }
    void cancelHealth();
    bool selectLayer(int index);

  signals:
    void layerChosen(int index);
    void healthFinished();

  private:
    // " Inputs generated (normal): ..." when the capture is not of the user's data.
    QString generatedNote() const;
    // Once every layer's health is in: the first divergence and the inherited layers
    // (rankByExecution), the rows drawn again, the first divergence selected.
    void rankHealth();
    QString rankingNote() const;
    void renderHealth(int row);
    std::vector<LayerHealth> healths_; // per layer, in execution order
    std::vector<QString> errors_;
    QString firstDivergence_;
    void startHealth();
    void showHealth(int row, const LayerHealth& health, const QString& error);

    QLabel* status_;
    QPushButton* cancel_;
    QTableWidget* table_;
    formats::Capture capture_;
    int healthDone_ = 0;
    std::shared_ptr<std::atomic<bool>> stop_; // the running health job's stop flag
    QFutureWatcher<void>* watcher_;
};

} // namespace normlab::ui
