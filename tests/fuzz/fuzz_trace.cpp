// libFuzzer target: traces (tools/normlab_trace.py's JSON) and the debugger on them. A trace
// is read whole or refused with a message; every layer of a report on it is exact or has no
// shape; its module table replays as a state_dict.
#include "trace_json.h"

#include "normlab/diagnose.h"
#include "normlab/load_state_dict.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab;
    formats::Trace trace;
    const QString error = formats::traceFromJson(
        QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)), trace);
    if (!error.isEmpty()) return 0;
    const DiagnoseReport r = diagnoseTrace(trace.calls, trace.error, TorchVersion{1, 13});
    for (const LayerReport& l : r.layers)
        if (l.inputShape && l.certainty != Certainty::Exact) std::abort();
    // The module table as a state_dict: against an empty checkpoint, every tensor of it is
    // missing and nothing is unexpected.
    const LoadStateDictReport loaded = checkLoadStateDict(trace.modules, Checkpoint{});
    if (!loaded.unexpected.empty()) std::abort();
    return 0;
}
