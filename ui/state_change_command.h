// One undoable edit of the workbench: the state before and after. Edits arriving within
// half a second of each other merge into one step, so typing "1e-3" into eps, or holding a
// spin box arrow, undoes in one go; strokes painting the mask never merge.
#pragma once

#include "workbench_state.h"

#include <QElapsedTimer>
#include <QUndoCommand>

#include <functional>

namespace normlab::ui {

class StateChangeCommand : public QUndoCommand {
  public:
    using Apply = std::function<void(const WorkbenchState&)>;
    StateChangeCommand(WorkbenchState before, WorkbenchState after, Apply apply);

    void undo() override { apply_(before_); }
    // The first redo happens on push, when the panels already show `after`.
    void redo() override;
    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand* other) override;

  private:
    WorkbenchState before_, after_;
    Apply apply_;
    QElapsedTimer age_;
    bool pushed_ = false;
};

} // namespace normlab::ui
