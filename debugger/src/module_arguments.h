// Typed reading of the arguments print(model) showed for one module: positional or keyword,
// ints, int tuples ("(3, 3)", "3", "(64,)"), floats ("1e-05"), booleans and None.
#pragma once

#include "normlab/model_text.h"
#include "normlab/tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace normlab::detail {

// `s` without leading and trailing whitespace.
std::string_view trimmed(std::string_view s);

// Marks a None inside an int tuple, e.g. AdaptiveAvgPool2d(output_size=(None, 7)).
inline constexpr std::int64_t kNoneEntry = INT64_MIN; // no printed int can be this

class ModuleArguments {
  public:
    explicit ModuleArguments(const ModuleNode& node)
        : node_(node) {}

    // The raw printed value of keyword `key`, else of positional argument `position`.
    const std::string* find(std::string_view key, int position = -1) const;
    bool has(std::string_view key, int position = -1) const { return find(key, position); }
    bool isNone(std::string_view key, int position = -1) const;

    std::optional<std::int64_t> integer(std::string_view key, int position = -1) const;
    // A tuple of `rank` ints; a single int is repeated `rank` times (kernel_size=3).
    std::optional<Shape> integers(std::string_view key, int position, std::size_t rank) const;
    // A tuple of any length; a single int gives one entry.
    std::optional<Shape> tuple(std::string_view key, int position = -1) const;
    std::optional<double> number(std::string_view key, int position = -1) const;
    std::optional<bool> boolean(std::string_view key, int position = -1) const;
    // The value without quotes ('nearest' -> nearest).
    std::string text(std::string_view key, int position = -1) const;

    // The printed constructor with `key` set to `value` (appended when absent), prefixed
    // with "nn.": the corrected line a finding proposes.
    std::string constructorWith(std::string_view key, const std::string& value,
                                int position = -1) const;

  private:
    const ModuleNode& node_;
};

} // namespace normlab::detail
