// Findings about a run that are not fatal (fatal ones are NormResult::error).
#pragma once

#include <string>
#include <string_view>

namespace normlab {

enum class Severity { Info, Warning, Error };
std::string_view severityName(Severity severity);

struct Diagnostic {
    Severity severity = Severity::Warning;
    // Stable identifier: num_features_mismatch, empty_slice, degenerate_slice,
    // running_stats_skipped, non_finite_input, ...
    std::string code;
    std::string message;
};

} // namespace normlab
