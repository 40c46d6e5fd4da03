// Enum <-> name tables (the names used in JSON, on the command line and in combo boxes).
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace normlab {

template <class Enum, std::size_t N> struct NameTable {
    std::array<std::pair<Enum, std::string_view>, N> entries;

    constexpr std::string_view nameOf(Enum value, std::string_view fallback = "?") const {
        for (const auto& [e, name] : entries)
            if (e == value) return name;
        return fallback;
    }
    constexpr std::optional<Enum> find(std::string_view name) const {
        for (const auto& [e, n] : entries)
            if (n == name) return e;
        return std::nullopt;
    }
};

} // namespace normlab
