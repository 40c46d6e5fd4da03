// libFuzzer target: the workbench's session files. A session is read whole or refused with
// a message; a read session fits the workbench's limits.
#include "session_file.h"
#include "workbench_limits.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab::ui;
    Session session;
    const QString error =
        sessionFromJson(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)), session);
    if (error.isEmpty() &&
        !recipeRefusal(session.state.recipe, session.state.loadedInput != nullptr).isEmpty())
        std::abort(); // accepted a session the workbench cannot honour
    return 0;
}
