// Findings about a run that are not fatal (fatal ones are NormResult::error).
#pragma once

#include "normlab/finding_code.h"

#include <string>
#include <string_view>

namespace normlab {

enum class Severity { Info, Warning, Error };
std::string_view severityName(Severity severity);

struct Diagnostic {
    Severity severity = Severity::Warning;
    FindingCode code = FindingCode::InvalidConfiguration; // findingCodeName() for its name
    std::string message;
};

} // namespace normlab
