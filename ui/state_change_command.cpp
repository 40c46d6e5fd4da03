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
    after_ = static_cast<const StateChangeCommand*>(other)->after_;
    age_.restart();
    return true;
}

} // namespace normlab::ui
