#include "state_change_command.h"

#include <QObject>

namespace normlab::ui {

StateChangeCommand::StateChangeCommand(WorkbenchState before, WorkbenchState after, Apply apply)
    : before_(std::move(before))
    , after_(std::move(after))
    , apply_(std::move(apply)) {
    setText(QObject::tr("edit"));
    age_.start();
}

void StateChangeCommand::redo() {
    if (pushed_) apply_(after_);
    pushed_ = true;
}

bool StateChangeCommand::mergeWith(const QUndoCommand* other) {
    if (other->id() != id() || age_.elapsed() > 500) return false;
    const auto* next = static_cast<const StateChangeCommand*>(other);
    // A mask stroke is a deliberate act: it is a step of its own.
    if (before_.mask != after_.mask || next->before_.mask != next->after_.mask) return false;
    after_ = next->after_;
    age_.restart();
    return true;
}

} // namespace normlab::ui
