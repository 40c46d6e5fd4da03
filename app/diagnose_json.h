// The JSON form of a diagnose report (docs/cli.md, `normlab-cli diagnose`):
// {assumptions, layers: [{name, type, line, input_shape, output_shape}], findings: [{severity,
// code, layer, message, pytorch, action, exception, torch_message, fix}]}. Unknown shapes are
// null.
#pragma once

#include "normlab/diagnose.h"
#include "normlab/load_state_dict.h"

#include <QJsonObject>

namespace normlab::app {

QJsonObject diagnoseReportToJson(const DiagnoseReport& report, TorchVersion version);

// {checkpoint: {format, location, note, tensors}, loads, strict_error, non_strict_error,
//  missing, unexpected, module_errors, certainty, why, assumed_own}; errors null when none.
QJsonObject loadStateDictToJson(const LoadStateDictReport& report, const Checkpoint& checkpoint);

} // namespace normlab::app
