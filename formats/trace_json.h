// Reads the JSON that tools/normlab_trace.py writes (format 1): module calls with their
// shapes, and PyTorch's exception. Refuses, with the reason, a file that is not such a trace;
// nothing is read halfway.
#pragma once

#include "normlab/diagnose.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace normlab::formats {

struct Trace {
    std::vector<TracedCall> calls;
    std::optional<TracedError> error;
    std::string torchVersion; // as the trace recorded it, e.g. "2.1.2"
    // Every module in registration order with its own tensors; empty in traces written
    // before the script recorded them.
    std::vector<TracedModule> modules;
};

// The largest trace file read. Parsing holds the JSON document and the calls at once, about
// 18 bytes per byte of file (measured: a 62 MiB trace of 190,000 calls peaks at 1.1 GB in
// normlab-cli diagnose --trace), so a trace stays near 1 GiB; larger files are refused
// before they are read.
inline constexpr qint64 kMaxTraceBytes = qint64(64) << 20;

// Empty on success, else why `json` is not a trace.
QString traceFromJson(const QByteArray& json, Trace& out);

} // namespace normlab::formats
