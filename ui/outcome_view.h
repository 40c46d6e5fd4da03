// A tab of the workbench that draws a compute outcome (the plot views, the cube). The main
// window redraws the visible one on every result and the others when they are shown.
#pragma once

#include <QWidget>

#include <memory>

namespace normlab::ui {

struct ComputeOutcome;

class OutcomeView : public QWidget {
    Q_OBJECT
  public:
    using QWidget::QWidget;
    // Redraws from an outcome (never null).
    virtual void showOutcome(const std::shared_ptr<const ComputeOutcome>& outcome) = 0;
};

} // namespace normlab::ui
