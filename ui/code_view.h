// The PyTorch code view: the snippet that reproduces the current setup, kept in sync with
// every edit (even an invalid one: running it shows PyTorch's own error), with Copy and
// "Save snippet and files..." (the exact input, mask and parameters of the last result).
#pragma once

#include "recompute_controller.h"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QPlainTextEdit;

namespace normlab::ui {

class CodeView : public QWidget {
    Q_OBJECT
  public:
    explicit CodeView(QWidget* parent = nullptr);
    QString title() const { return tr("PyTorch code"); }
    // Keeps `state`; the snippet is written when the view is (or becomes) visible.
    void showState(const WorkbenchState& state);
    // The last computed result, whose data "Save" writes.
    void setOutcome(std::shared_ptr<const ComputeOutcome> outcome) {
        outcome_ = std::move(outcome);
    }
    QString code();
    // Writes the snippet and its files into `folder`; returns why not, or empty.
    QString saveTo(const QString& folder);

  protected:
    void showEvent(QShowEvent* event) override;

  private:
    void render();

    std::optional<WorkbenchState> pending_; // shown state not yet written as a snippet
    QPlainTextEdit* text_;
    QLabel* note_;
    std::shared_ptr<const ComputeOutcome> outcome_;
};

} // namespace normlab::ui
