// The compute core's diagnostics in the interface language: a translated sentence saying
// what a diagnostic code means, shown above the core's own (English) message, which keeps
// the numbers. PyTorch's error messages stay in PyTorch's words.
#pragma once

#include "normlab/diagnostics.h"

#include <QColor>
#include <QString>
#include <QStringList>

namespace normlab::ui {

// The code's stable name ("num_features_mismatch"), as the JSON outputs write it.
QString findingCodeText(FindingCode code);
// What `code` means as a run's diagnostic, translated; empty for a code without one.
QString explainDiagnosticCode(FindingCode code);
// What a debugger finding's code (normlab/diagnose.h) means, translated; empty if unknown.
QString explainFindingCode(FindingCode code);
// The Diagnostics dock's lines for `d`: "code: message", preceded by the translated
// explanation when the interface is not in English.
QStringList diagnosticLines(const Diagnostic& d);

// The background a finding of this severity is marked with (Debugger, Layers dock).
QColor severityColour(Severity s);

} // namespace normlab::ui
