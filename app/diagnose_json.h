// The JSON form of a diagnose report (docs/cli.md, `normlab-cli diagnose`):
// {assumptions, layers: [{name, type, line, input_shape, output_shape}], findings: [{severity,
// code, layer, message, pytorch, action, exception, torch_message, fix}]}. Unknown shapes are
// null.
#pragma once

#include "normlab/diagnose.h"

#include <QJsonObject>

namespace normlab::app {

QJsonObject diagnoseReportToJson(const DiagnoseReport& report, TorchVersion version);

} // namespace normlab::app
