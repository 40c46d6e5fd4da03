#include "module_arguments.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace normlab::detail {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

namespace {

std::optional<std::int64_t> parseInt(std::string_view s) {
    s = trimmed(s);
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

} // namespace

const std::string* ModuleArguments::find(std::string_view key, int position) const {
    int index = 0;
    for (const ModuleArgument& a : node_.arguments) {
        if (!a.key.empty()) {
            if (a.key == key) return &a.value;
            continue;
        }
        if (index++ == position) return &a.value;
    }
    return nullptr;
}

bool ModuleArguments::isNone(std::string_view key, int position) const {
    const std::string* v = find(key, position);
    return v && trimmed(*v) == "None";
}

std::optional<std::int64_t> ModuleArguments::integer(std::string_view key, int position) const {
    const std::string* v = find(key, position);
    return v ? parseInt(*v) : std::nullopt;
}

std::optional<Shape> ModuleArguments::tuple(std::string_view key, int position) const {
    const std::string* v = find(key, position);
    if (!v) return std::nullopt;
    std::string_view s = trimmed(*v);
    if (s.size() >= 2 && (s.front() == '(' || s.front() == '[')) {
        s = s.substr(1, s.size() - 2);
    } else if (auto one = parseInt(s)) {
        return Shape{*one};
    }
    Shape out;
    while (!trimmed(s).empty()) {
        const std::size_t comma = s.find(',');
        const std::string_view piece = trimmed(s.substr(0, comma));
        if (piece == "None") {
            out.push_back(kNoneEntry);
        } else if (auto value = parseInt(piece)) {
            out.push_back(*value);
        } else {
            return std::nullopt;
        }
        if (comma == std::string_view::npos) break;
        s = s.substr(comma + 1);
    }
    return out;
}

std::optional<Shape> ModuleArguments::integers(std::string_view key, int position,
                                               std::size_t rank) const {
    std::optional<Shape> t = tuple(key, position);
    if (!t) return std::nullopt;
    if (t->size() == 1 && rank > 1) t = Shape(rank, t->front());
    if (t->size() != rank) return std::nullopt;
    return t;
}

std::optional<double> ModuleArguments::number(std::string_view key, int position) const {
    const std::string* v = find(key, position);
    if (!v) return std::nullopt;
    const std::string s(trimmed(*v));
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
    return d;
}

std::optional<bool> ModuleArguments::boolean(std::string_view key, int position) const {
    const std::string* v = find(key, position);
    if (!v) return std::nullopt;
    const std::string_view s = trimmed(*v);
    if (s == "True") return true;
    if (s == "False") return false;
    return std::nullopt;
}

std::string ModuleArguments::text(std::string_view key, int position) const {
    const std::string* v = find(key, position);
    if (!v) return {};
    std::string_view s = trimmed(*v);
    if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front())
        s = s.substr(1, s.size() - 2);
    return std::string(s);
}

std::string ModuleArguments::constructorWith(std::string_view key, const std::string& value,
                                             int position) const {
    std::string line = "nn." + node_.type + "(";
    bool replaced = false, first = true;
    int index = 0;
    for (const ModuleArgument& a : node_.arguments) {
        std::string v = a.value;
        const bool match = a.key.empty() ? index++ == position : a.key == key;
        if (match) {
            v = value;
            replaced = true;
        }
        if (!first) line += ", ";
        first = false;
        line += a.key.empty() ? v : a.key + "=" + v;
    }
    if (!replaced) line += std::string(first ? "" : ", ") + std::string(key) + "=" + value;
    return line + ")";
}

} // namespace normlab::detail
