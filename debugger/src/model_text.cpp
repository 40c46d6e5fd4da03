#include "normlab/model_text.h"

#include "normlab/file_checks.h"

#include "module_arguments.h"

#include "normlab/checked_int.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>

namespace normlab {

using detail::trimmed;

namespace {

constexpr int kMaxNesting = 200;
constexpr long kMaxModules = 200000; // after expanding repeats: no absurd trees

bool isIdentifierChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Bracket nesting of printed Python values; quotes hide brackets and commas.
struct BracketDepth {
    int depth = 0;
    char quote = 0;
    bool atTopLevel() const { return depth == 0 && !quote; }
    void feed(char c) {
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if (c == ')' || c == ']' || c == '}') {
            --depth;
        }
    }
};

// Index just past the bracket that closes the one opened before `from`, or npos when the
// line ends first.
std::size_t closingBracket(std::string_view s, std::size_t from) {
    BracketDepth nesting{1};
    for (std::size_t i = from; i < s.size(); ++i) {
        nesting.feed(s[i]);
        if (nesting.depth == 0) return i + 1;
    }
    return std::string_view::npos;
}

void appendArguments(std::string_view text, std::vector<ModuleArgument>& out) {
    std::size_t start = 0;
    auto flush = [&](std::size_t end) {
        const std::string_view piece = trimmed(text.substr(start, end - start));
        start = end + 1;
        if (piece.empty()) return;
        std::size_t k = 0;
        while (k < piece.size() &&
               (std::isalnum(static_cast<unsigned char>(piece[k])) || piece[k] == '_'))
            ++k;
        const bool keyword = k > 0 && k < piece.size() && piece[k] == '=' &&
                             (k + 1 == piece.size() || piece[k + 1] != '=') &&
                             !std::isdigit(static_cast<unsigned char>(piece[0]));
        if (keyword)
            out.push_back(
                {std::string(piece.substr(0, k)), std::string(trimmed(piece.substr(k + 1)))});
        else
            out.push_back({std::string(), std::string(piece)});
    };
    BracketDepth nesting;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == ',' && nesting.atTopLevel()) flush(i);
        nesting.feed(text[i]);
    }
    flush(text.size());
}

bool parseCount(std::string_view s, long& value) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && value >= 0;
}

class Parser {
  public:
    explicit Parser(std::string_view text) {
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t end = text.find('\n', start);
            if (end == std::string_view::npos) end = text.size();
            std::string_view line = text.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            lines_.push_back(line);
            start = end + 1;
        }
    }

    ModelText parse() {
        ModelText result;
        std::size_t i = 0;
        while (i < lines_.size() && trimmed(lines_[i]).empty()) ++i;
        if (i == lines_.size()) {
            result.error = "the model text is empty: paste what print(model) prints";
            return result;
        }
        ModuleNode root;
        const std::string_view first = trimmed(lines_[i]);
        if (!first.empty() && first.front() == '(' && first.find("): ") != std::string_view::npos) {
            // A pasted fragment, "(layer3): Sequential(" ...: read as the one module of a
            // Sequential, so its names stay as printed (layer3.0, layer3.1, ...).
            root.type = "Sequential";
            root.line = int(i) + 1;
            if (!parseChild(i, root, 0)) {
                result.error = error_;
                return result;
            }
        } else if (!parseModule(i, lines_[i].find_first_not_of(" \t"), root, 0)) {
            result.error = error_;
            return result;
        }
        for (; i < lines_.size(); ++i)
            if (!trimmed(lines_[i]).empty()) {
                result.error = at(i) + "text after the end of the model: '" +
                               std::string(trimmed(lines_[i])) + "'";
                return result;
            }
        result.root = std::move(root);
        return result;
    }

  private:
    std::vector<std::string_view> lines_;
    std::string error_;
    long modules_ = 0;

    static std::string at(std::size_t line) { return "line " + std::to_string(line + 1) + ": "; }

    bool fail(std::size_t line, std::string message) {
        if (error_.empty()) error_ = at(line) + std::move(message);
        return false;
    }

    // Parses the module starting at lines_[line][column]; on return `line` is the index of the
    // first line after it.
    bool parseModule(std::size_t& line, std::size_t column, ModuleNode& node, int depth) {
        if (depth > kMaxNesting)
            return fail(line, "modules nested more than " + std::to_string(kMaxNesting) + " deep");
        const std::string_view text = lines_[line];
        std::size_t i = column;
        while (i < text.size() && isIdentifierChar(text[i])) ++i;
        node.type = std::string(text.substr(column, i - column));
        node.line = int(line) + 1;
        ++modules_;
        // A ModuleList or ModuleDict entry that is None (HRNet's fuse layers) prints as None.
        if (node.type == "None" && trimmed(text.substr(i)).empty()) {
            ++line;
            return true;
        }
        const bool named =
            !node.type.empty() && !std::isdigit(static_cast<unsigned char>(node.type[0]));
        if (!named || i >= text.size() || text[i] != '(')
            return fail(line, "expected a module such as 'Conv2d(...)', got '" +
                                  std::string(trimmed(text.substr(column))) + "'");
        const std::size_t open = i + 1;
        const std::size_t close = closingBracket(text, open);
        if (close != std::string_view::npos) {
            if (!trimmed(text.substr(close)).empty())
                return fail(line, "unexpected text after " + node.type + "(...): '" +
                                      std::string(trimmed(text.substr(close))) + "'");
            appendArguments(text.substr(open, close - 1 - open), node.arguments);
            ++line;
            return true;
        }
        appendArguments(text.substr(open), node.arguments);
        const std::size_t opened = line;
        bool elided = false;
        for (++line; line < lines_.size();) {
            const std::string_view body = trimmed(lines_[line]);
            if (body == ")") {
                ++line;
                return true;
            }
            if (body.rfind("...", 0) == 0 || body.rfind("\xe2\x80\xa6", 0) == 0) {
                elided = true; // "... ...", "…": the user cut lines here
                ++line;
                continue;
            }
            if (body.empty() || body.front() != '(' || body.find("): ") == std::string_view::npos) {
                appendArguments(body, node.arguments); // extra_repr of a module with children
                ++line;
                continue;
            }
            const std::size_t before = node.children.size();
            if (!parseChild(line, node, depth)) return false;
            if (elided && node.children.size() > before) node.children[before].afterElision = true;
            elided = false;
        }
        return fail(opened, node.type + "( opened here is never closed by a ')' line");
    }

    bool parseChild(std::size_t& line, ModuleNode& parent, int depth) {
        const std::string_view text = lines_[line];
        const std::size_t open = text.find('(');
        const std::size_t close = text.find("): ", open);
        const std::string_view name = text.substr(open + 1, close - open - 1);
        std::size_t column = close + 3;
        long count = 1, first = 0, last = 0;
        const std::size_t dash = name.find('-');
        const bool repeated = dash != std::string_view::npos &&
                              parseCount(name.substr(0, dash), first) &&
                              parseCount(name.substr(dash + 1), last);
        if (repeated) {
            // Counts are checked before any arithmetic: a printed range may be anything.
            if (last < first || last - first >= kMaxModules)
                return fail(line, "(" + std::string(name) + ") names more than " +
                                      std::to_string(kMaxModules) +
                                      " entries: not a model print(model) prints");
            const std::size_t x = text.find(" x ", column);
            if (x == std::string_view::npos || !parseCount(text.substr(column, x - column), count))
                return fail(line, "expected '(" + std::string(name) +
                                      "): " + std::to_string(last - first + 1) + " x Module(...)'");
            if (count != last - first + 1)
                return fail(line, "(" + std::string(name) + ") names " +
                                      std::to_string(last - first + 1) + " entries but says " +
                                      std::to_string(count) + " x");
            column = x + 3;
        }
        ModuleNode child;
        const long before = modules_;
        if (!parseModule(line, column, child, depth + 1)) return false;
        const CheckedInt total = CheckedInt(modules_) + CheckedInt(modules_ - before) * (count - 1);
        if (!total.valid() || total.get() > kMaxModules)
            return fail(line, "the model has more than " + std::to_string(kMaxModules) +
                                  " modules once repeated entries are expanded");
        modules_ = total.get();
        if (!repeated) {
            child.name = std::string(name);
            parent.children.push_back(std::move(child));
            return true;
        }
        for (long k = first; k <= last; ++k) {
            parent.children.push_back(child);
            parent.children.back().name = std::to_string(k);
        }
        return true;
    }
};

} // namespace

ModelText parseModelText(std::string_view text) {
    return Parser(text).parse();
}

std::string readModelTextFile(const std::string& path, std::string& text) {
    constexpr std::streamoff kMaxBytes = std::streamoff(16) << 20;
    if (std::string error = regularFileError(path, "the model text"); !error.empty()) return error;
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) return "cannot open the model text " + path;
    if (file.tellg() > kMaxBytes)
        return path + " is larger than 16 MiB: not what print(model) prints";
    file.seekg(0);
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    if (text.find('\0') != std::string::npos)
        return path + " is a binary file, not the text print(model) prints";
    return {};
}

} // namespace normlab
