// A reader for what PyTorch's `print(model)` prints: a tree of modules with their printed
// arguments. Grammar (one module per line unless it has children):
//
//   module   := TYPE "(" args ")"                       a leaf, on one line
//             | TYPE "(" [extra] NEWLINE child* ")"      a module with children
//   child    := "(" NAME "): " module
//             | "(" FIRST "-" LAST "): " COUNT " x " module   PyTorch >= 2.0's summary of
//                                                         COUNT identical ModuleList entries
//   args     := comma-separated `key=value` or positional values, nested brackets balanced
//
// Repeated-entry summaries are expanded into COUNT children named FIRST..LAST. Lines inside a
// module that are not children are its extra_repr (kept as its arguments).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace normlab {

struct ModuleArgument {
    std::string key;   // empty for a positional argument
    std::string value; // as printed: "3", "(3, 3)", "1e-05", "None", "True", "'nearest'"
};

struct ModuleNode {
    std::string name; // the name its parent printed ("0", "conv1"); empty for the root
    std::string type; // "Conv2d", "Sequential", a user's class name
    std::vector<ModuleArgument> arguments;
    std::vector<ModuleNode> children;
    int line = 0; // 1-based line of the text where the module starts
    // The user cut lines ("...") just before this module: what reaches it is not in the text.
    bool afterElision = false;
};

struct ModelText {
    std::optional<ModuleNode> root;
    std::string error; // "line 7: ..." when the text is not what print(model) prints
};

ModelText parseModelText(std::string_view text);

// Reads a model text file: empty on success, else why not (cannot open, over 16 MiB, binary).
std::string readModelTextFile(const std::string& path, std::string& text);

} // namespace normlab
