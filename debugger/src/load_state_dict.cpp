// load_state_dict, replayed on shapes (load_state_dict.h). The walk follows PyTorch's
// Module._load_from_state_dict module by module, in registration order (the printed order):
//   - BatchNorm / InstanceNorm tracking running statistics, saved without a version (or
//     before version 2): a missing num_batches_tracked is filled with 0, not reported;
//   - InstanceNorm without running statistics, saved without a version: running_mean /
//     running_var in the checkpoint are removed with their own error message;
//   - each own tensor: missing, or a size mismatch (a 0-dim tensor accepts a 1-element one);
//   - each checkpoint key under the module whose next name component is neither a child nor
//     an own tensor: unexpected (in the checkpoint's order);
// then Missing before Unexpected before the rest, joined as PyTorch joins them.
#include "normlab/load_state_dict.h"

#include "module_arguments.h"
#include "module_parameters.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace normlab {

namespace {

using detail::NormFamily;

// What one module's load found, for the explanations.
struct ModuleOutcome {
    std::string path;
    const ModuleNode* node = nullptr;
    detail::ModuleParameters parameters;
    std::vector<std::string> missing, unexpected, mismatched; // own tensor names
    std::map<std::string, Shape> checkpointShapes;            // own name -> checkpoint's shape
    std::map<std::string, std::string> mismatchLines;         // own name -> PyTorch's line
    std::string versionMessage; // InstanceNorm's "Unexpected running stats buffer(s)" text
};

std::string quotedList(const std::vector<std::string>& keys) {
    std::string out;
    for (const std::string& k : keys) out += (out.empty() ? "\"" : ", \"") + k + "\"";
    return out;
}

std::string joinedNames(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return out;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

class Loader {
  public:
    // `exactOwn`: per module path, the tensors the module holds (from a trace); null when
    // they are read from the printed arguments.
    Loader(
        const Checkpoint& checkpoint,
        const std::unordered_map<std::string, std::vector<detail::OwnTensor>>* exactOwn = nullptr)
        : checkpoint_(checkpoint)
        , exactOwn_(exactOwn) {
        for (std::size_t i = 0; i < checkpoint.tensors.size(); ++i)
            index_.emplace(checkpoint.tensors[i].key, i);
        removed_.assign(checkpoint.tensors.size(), false);
    }

    void walk(const ModuleNode& node, const std::string& prefix, int depth) {
        ModuleOutcome o;
        o.path = prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1);
        o.node = &node;
        o.parameters = detail::moduleParameters(node);
        if (exactOwn_) {
            const auto it = exactOwn_->find(o.path);
            o.parameters.known = true;
            o.parameters.tensors =
                it == exactOwn_->end() ? std::vector<detail::OwnTensor>{} : it->second;
        }
        if (!o.parameters.known) unknownTypes_.insert(node.type);
        versionRules(node, prefix, o);
        for (const detail::OwnTensor& t : o.parameters.tensors) {
            const std::string key = prefix + t.name;
            const CheckpointTensor* saved = find(key);
            if (!saved) {
                if (!filledIn_.count(key)) {
                    missing_.push_back(key);
                    o.missing.push_back(t.name);
                }
                continue;
            }
            o.checkpointShapes[t.name] = saved->shape;
            if (!t.shape) continue;
            Shape given = saved->shape;
            if (t.shape->empty() && given.size() == 1 && given[0] == 1) given.clear();
            if (given != *t.shape) {
                moduleErrors_.push_back("size mismatch for " + key +
                                        ": copying a param with shape " +
                                        torchSizeText(saved->shape) +
                                        " from checkpoint, the shape in current model is " +
                                        torchSizeText(*t.shape) + ".");
                o.mismatchLines[t.name] = moduleErrors_.back();
                o.mismatched.push_back(t.name);
            }
        }
        if (depth == 0) indexOwners(node);
        const auto owned = ownedKeys_.find(o.path);
        for (std::size_t i :
             owned == ownedKeys_.end() ? std::vector<std::size_t>{} : owned->second) {
            const std::string& key = checkpoint_.tensors[i].key;
            if (removed_[i]) continue;
            const std::string first =
                key.substr(prefix.size(), key.find('.', prefix.size()) - prefix.size());
            const bool child = std::any_of(node.children.begin(), node.children.end(),
                                           [&](const ModuleNode& c) { return c.name == first; });
            const bool own =
                std::any_of(o.parameters.tensors.begin(), o.parameters.tensors.end(),
                            [&](const detail::OwnTensor& t) { return t.name == first; });
            if (child || own) continue;
            if (!o.parameters.known) {
                assumedOwn_.push_back(key);
                continue;
            }
            unexpected_.push_back(key);
            o.unexpected.push_back(key.substr(prefix.size()));
        }
        outcomes_.push_back(std::move(o));
        if (depth > 64) return; // no printed model nests this deep; the parser bounds it too
        for (const ModuleNode& child : node.children)
            walk(child, prefix + child.name + ".", depth + 1);
    }

    LoadStateDictReport finish(const ModuleNode& model);

  private:
    // Each checkpoint key goes to the deepest module whose path prefixes it: the one module
    // whose _load_from_state_dict can call it unexpected (outer modules see a child's name
    // there). Keys per module in file order, so the walk costs keys x depth, not modules x
    // keys.
    void indexOwners(const ModuleNode& root) {
        std::unordered_set<std::string> paths{""};
        std::vector<std::pair<const ModuleNode*, std::string>> stack{{&root, ""}};
        while (!stack.empty()) {
            auto [node, path] = stack.back();
            stack.pop_back();
            for (const ModuleNode& c : node->children) {
                std::string childPath = path.empty() ? c.name : path + "." + c.name;
                paths.insert(childPath);
                stack.emplace_back(&c, std::move(childPath));
            }
        }
        for (std::size_t i = 0; i < checkpoint_.tensors.size(); ++i) {
            const std::string& key = checkpoint_.tensors[i].key;
            std::string owner;
            for (std::size_t dot = key.rfind('.'); dot != std::string::npos && dot > 0;
                 dot = key.rfind('.', dot - 1))
                if (paths.count(key.substr(0, dot))) {
                    owner = key.substr(0, dot);
                    break;
                }
            ownedKeys_[owner].push_back(i);
        }
    }

    const CheckpointTensor* find(const std::string& key) const {
        const auto it = index_.find(key);
        return it == index_.end() || removed_[it->second] ? nullptr
                                                          : &checkpoint_.tensors[it->second];
    }

    // _NormBase / _InstanceNorm's _load_from_state_dict for files saved without a version.
    void versionRules(const ModuleNode& node, const std::string& prefix, ModuleOutcome& o) {
        const NormFamily family = o.parameters.family;
        if (family != NormFamily::BatchNorm && family != NormFamily::InstanceNorm) return;
        std::optional<int> version;
        if (checkpoint_.versions) {
            const auto it = checkpoint_.versions->find(o.path);
            if (it != checkpoint_.versions->end()) version = it->second;
        }
        const bool tracks =
            std::any_of(o.parameters.tensors.begin(), o.parameters.tensors.end(),
                        [](const detail::OwnTensor& t) { return t.name == "running_mean"; });
        if ((!version || *version < 2) && tracks && !find(prefix + "num_batches_tracked"))
            filledIn_.insert(prefix + "num_batches_tracked");
        if (!version && family == NormFamily::InstanceNorm && !tracks) {
            std::vector<std::string> keys;
            for (const char* name : {"running_mean", "running_var"}) {
                const auto it = index_.find(prefix + name);
                if (it == index_.end() || removed_[it->second]) continue;
                keys.push_back(prefix + name);
                removed_[it->second] = true;
                o.unexpected.push_back(name);
            }
            if (keys.empty()) return;
            std::string names;
            for (const std::string& k : keys)
                names += (names.empty() ? "\"" : " and \"") + k + "\"";
            const std::string& klass = node.type;
            o.versionMessage =
                "Unexpected running stats buffer(s) " + names + " for " + klass +
                " with track_running_stats=False. If state_dict is a checkpoint saved before "
                "0.4.0, this may be expected because " +
                klass +
                " does not track running stats "
                "by default since 0.4.0. Please remove these keys from state_dict. If the running "
                "stats are actually needed, instead set track_running_stats=True in " +
                klass + " to enable them. See the documentation of " + klass + " for details.";
            moduleErrors_.push_back(o.versionMessage);
        }
    }

    void normFindings(const ModuleOutcome& o, LoadStateDictReport& r) const;
    bool prefixFinding(LoadStateDictReport& r) const; // true when a key prefix explains all
    void restFindings(LoadStateDictReport& r) const;

    const Checkpoint& checkpoint_;
    const std::unordered_map<std::string, std::vector<detail::OwnTensor>>* exactOwn_ = nullptr;
    std::unordered_map<std::string, std::size_t> index_;
    std::vector<bool> removed_;
    std::set<std::string> filledIn_, unknownTypes_;
    std::vector<std::string> missing_, unexpected_, moduleErrors_, assumedOwn_;
    std::vector<ModuleOutcome> outcomes_;
    std::unordered_map<std::string, std::vector<std::size_t>> ownedKeys_;
};

Finding checkpointFinding(FindingCode code, const std::string& layer, bool raises) {
    Finding f;
    f.code = code;
    f.layer = layer;
    f.severity = raises ? Severity::Error : Severity::Warning;
    f.action = raises ? TorchAction::Raises : TorchAction::Silent;
    f.exception = raises ? "RuntimeError" : "";
    return f;
}

void Loader::normFindings(const ModuleOutcome& o, LoadStateDictReport& r) const {
    const NormFamily family = o.parameters.family;
    if (family == NormFamily::None) return;
    const detail::ModuleArguments args(*o.node);
    const std::string affineKey = detail::affineKeyword(family);
    const std::string line = o.node->type + "(" + [&] {
        std::string s;
        for (const ModuleArgument& a : o.node->arguments)
            s += (s.empty() ? "" : ", ") + (a.key.empty() ? a.value : a.key + "=" + a.value);
        return s;
    }() + ")";
    auto has = [](const std::vector<std::string>& v, const char* name) {
        return contains(v, name);
    };
    auto keys = [&](const std::vector<std::string>& names) {
        std::vector<std::string> out;
        for (const std::string& n : names) out.push_back(o.path + "." + n);
        return quotedList(out);
    };
    const std::string where = "'" + o.path + "'";

    // Learned scale and shift on one side only.
    if (has(o.unexpected, "weight") || has(o.unexpected, "bias")) {
        Finding f = checkpointFinding(FindingCode::CheckpointAffineMismatch, o.path, true);
        f.message = "the checkpoint holds a learned weight and bias for " + where +
                    " (it was trained with " + affineKey + "=True); the model's " + line +
                    " has none";
        f.torchMessage = "Unexpected key(s) in state_dict: " + keys(o.unexpected) + ".";
        f.pytorch = "load_state_dict(strict=True) raises; strict=False drops the learned scale "
                    "and shift without a word, so the layer outputs the bare normalised values "
                    "and the network computes something it was never trained to compute.";
        f.fix = args.constructorWith(affineKey, "True");
        r.findings.push_back(std::move(f));
    } else if (has(o.missing, "weight") || has(o.missing, "bias")) {
        Finding f = checkpointFinding(FindingCode::CheckpointAffineMismatch, o.path, true);
        f.message = "the model's " + line +
                    " has a weight and bias the checkpoint lacks (it "
                    "was trained with " +
                    affineKey + "=False)";
        f.torchMessage = "Missing key(s) in state_dict: " + keys(o.missing) + ".";
        f.pytorch = "load_state_dict(strict=True) raises; strict=False leaves weight = 1 and "
                    "bias = 0, their initial values, which computes exactly what " +
                    affineKey + "=False computed, as long as they are not trained further.";
        f.fix = args.constructorWith(affineKey, "False");
        r.findings.push_back(std::move(f));
    }
    // Running statistics on one side only.
    if (has(o.unexpected, "running_mean") || has(o.unexpected, "running_var")) {
        Finding f = checkpointFinding(FindingCode::CheckpointRunningStatsMismatch, o.path, true);
        f.message = "the checkpoint holds running statistics for " + where +
                    " (it was trained "
                    "with track_running_stats=True); the model's " +
                    line + " keeps none";
        f.torchMessage = o.versionMessage.empty()
                             ? "Unexpected key(s) in state_dict: " + keys(o.unexpected) + "."
                             : o.versionMessage;
        f.pytorch = o.versionMessage.empty()
                        ? "load_state_dict(strict=True) raises; strict=False drops them, and in "
                          "eval mode the layer then normalises every batch by its own statistics: "
                          "the model behaves in eval as in training, not as it was validated."
                        : "A file saved without module versions (safetensors) makes InstanceNorm "
                          "reject running statistics with this message, which load_state_dict "
                          "raises even with strict=False.";
        f.fix = args.constructorWith("track_running_stats", "True");
        r.findings.push_back(std::move(f));
    } else if (has(o.missing, "running_mean") || has(o.missing, "running_var")) {
        Finding f = checkpointFinding(FindingCode::CheckpointRunningStatsMismatch, o.path, true);
        f.message = "the model's " + line +
                    " keeps running statistics the checkpoint lacks (it "
                    "was trained with track_running_stats=False)";
        f.torchMessage = "Missing key(s) in state_dict: " + keys(o.missing) + ".";
        f.pytorch = "load_state_dict(strict=True) raises; strict=False leaves running_mean = 0 "
                    "and running_var = 1, so in eval mode the layer does not normalise at all "
                    "(it subtracts 0 and divides by sqrt(1 + eps)): fine in training, broken in "
                    "eval.";
        f.fix = args.constructorWith("track_running_stats", "False") +
                ", or recompute the running statistics over training data before evaluating";
        r.findings.push_back(std::move(f));
    } else if (has(o.missing, "num_batches_tracked")) {
        Finding f = checkpointFinding(FindingCode::CheckpointNumBatchesTracked, o.path, true);
        f.severity = Severity::Warning;
        f.message = "the checkpoint has running statistics for " + where +
                    " but no num_batches_tracked, and records module versions (torch.save), so "
                    "PyTorch does not fill it in";
        f.torchMessage = "Missing key(s) in state_dict: \"" + o.path + ".num_batches_tracked\".";
        f.pytorch = "load_state_dict(strict=True) raises; strict=False leaves the counter at 0, "
                    "which matters only with momentum=None (a cumulative average restarts).";
        f.fix = "add the key to the checkpoint (torch.tensor(0)) or load with strict=False";
        r.findings.push_back(std::move(f));
    }
    // Another width.
    for (const char* name : {"weight", "running_mean", "bias"}) {
        if (!has(o.mismatched, name)) continue;
        const Shape& saved = o.checkpointShapes.at(name);
        Finding f = checkpointFinding(FindingCode::CheckpointSizeMismatch, o.path, true);
        const auto [sizeKey, sizePosition] = detail::sizeArgument(family);
        std::string savedSize;
        if (family == NormFamily::LayerNorm || family == NormFamily::RMSNorm) {
            savedSize = "(";
            for (std::size_t i = 0; i < saved.size(); ++i)
                savedSize += (i ? ", " : "") + std::to_string(saved[i]);
            savedSize += saved.size() == 1 ? ",)" : ")";
        } else {
            savedSize = saved.empty() ? "?" : std::to_string(saved[0]);
        }
        f.message = "the checkpoint's " + o.path + "." + name + " has shape " +
                    torchSizeText(saved) + ": it was trained with " + sizeKey + "=" + savedSize +
                    "; the model's " + line + " declares another size";
        f.torchMessage = o.mismatchLines.at(name);
        f.pytorch = "load_state_dict raises with strict=True and with strict=False alike: a "
                    "size mismatch is never skipped. The checkpoint belongs to a model of another "
                    "width here; the layers around this one must change with it.";
        f.fix = args.constructorWith(sizeKey, savedSize, sizePosition);
        r.findings.push_back(std::move(f));
        break;
    }
}

// Keys that differ from the model's by one leading component ("module." from
// nn.DataParallel / DistributedDataParallel): the usual cause of everything missing.
std::optional<std::pair<std::string, bool>> commonPrefix(const std::vector<std::string>& from,
                                                         const std::vector<std::string>& to) {
    if (from.empty() || to.empty()) return std::nullopt;
    const std::string first = from[0].substr(0, from[0].find('.') + 1);
    if (first.empty() || first.back() != '.') return std::nullopt;
    std::size_t matched = 0;
    for (const std::string& k : from) {
        if (k.compare(0, first.size(), first) != 0) return std::nullopt;
        matched += contains(to, k.substr(first.size()));
    }
    if (matched * 2 < std::min(from.size(), to.size())) return std::nullopt;
    return std::make_pair(first, true);
}

bool Loader::prefixFinding(LoadStateDictReport& r) const {
    if (auto p = commonPrefix(unexpected_, missing_)) {
        Finding f = checkpointFinding(FindingCode::CheckpointKeyPrefix, "", true);
        f.message = "every checkpoint key starts with \"" + p->first +
                    "\", which the model's "
                    "keys do not: it was saved from a wrapped model (nn.DataParallel or "
                    "DistributedDataParallel save their module under \"module.\")";
        f.pytorch = "load_state_dict(strict=True) raises, listing every key twice; strict=False "
                    "loads nothing at all and leaves every parameter at its initial value.";
        f.fix = "model.load_state_dict({k.removeprefix(\"" + p->first +
                "\"): v for k, v in "
                "state_dict.items()})";
        r.findings.push_back(std::move(f));
        return true;
    }
    if (auto p = commonPrefix(missing_, unexpected_)) {
        Finding f = checkpointFinding(FindingCode::CheckpointKeyPrefix, "", true);
        f.message = "every key the model expects starts with \"" + p->first +
                    "\", which the "
                    "checkpoint's keys do not: the model is wrapped, the checkpoint was not";
        f.pytorch = "load_state_dict(strict=True) raises; strict=False loads nothing.";
        f.fix = "load into the wrapped module: model." + p->first.substr(0, p->first.size() - 1) +
                ".load_state_dict(state_dict)";
        r.findings.push_back(std::move(f));
        return true;
    }
    return false;
}

void Loader::restFindings(LoadStateDictReport& r) const {
    std::set<std::string> explained;
    for (const ModuleOutcome& o : outcomes_)
        if (o.parameters.family != NormFamily::None) {
            for (const std::string& n : o.missing) explained.insert(o.path + "." + n);
            for (const std::string& n : o.unexpected) explained.insert(o.path + "." + n);
            for (const std::string& n : o.mismatched) explained.insert(o.path + "." + n);
        }
    auto unexplained = [&](const std::vector<std::string>& keys) {
        std::vector<std::string> out;
        for (const std::string& k : keys)
            if (!explained.count(k)) out.push_back(k);
        return out;
    };
    auto listed = [](const std::vector<std::string>& keys) {
        std::string s = quotedList(std::vector<std::string>(
            keys.begin(), keys.begin() + std::ptrdiff_t(std::min<std::size_t>(keys.size(), 6))));
        return keys.size() > 6 ? s + " and " + std::to_string(keys.size() - 6) + " more" : s;
    };
    // One summary finding per kind of key the norm explanations do not cover.
    auto summary = [&](FindingCode code, const std::vector<std::string>& keys,
                       const std::string& what, const char* pytorch) {
        if (keys.empty()) return;
        Finding f = checkpointFinding(code, "", true);
        f.message = std::to_string(keys.size()) + what + listed(keys);
        f.pytorch = pytorch;
        r.findings.push_back(std::move(f));
    };
    summary(FindingCode::CheckpointMissingKeys, unexplained(missing_),
            " tensor(s) of the model are not in the checkpoint: ",
            "load_state_dict(strict=True) raises; strict=False leaves them at their initial "
            "(random) values without a word.");
    summary(FindingCode::CheckpointUnexpectedKeys, unexplained(unexpected_),
            " checkpoint tensor(s) have no place in the model: ",
            "load_state_dict(strict=True) raises; strict=False ignores them.");
    std::vector<std::string> mismatched;
    for (const ModuleOutcome& o : outcomes_)
        if (o.parameters.family == NormFamily::None)
            for (const std::string& n : o.mismatched) mismatched.push_back(o.path + "." + n);
    summary(FindingCode::CheckpointSizeMismatch, mismatched,
            " tensor(s) of other layers differ in shape: ",
            "load_state_dict raises with strict=True and strict=False alike.");
}

LoadStateDictReport Loader::finish(const ModuleNode& model) {
    LoadStateDictReport r;
    r.modelClass = model.type;
    r.missing = missing_;
    r.unexpected = unexpected_;
    r.moduleErrors = moduleErrors_;
    r.assumedOwn = assumedOwn_;
    std::vector<std::string> strictLines;
    if (!missing_.empty())
        strictLines.push_back("Missing key(s) in state_dict: " + quotedList(missing_) + ". ");
    if (!unexpected_.empty())
        strictLines.push_back("Unexpected key(s) in state_dict: " + quotedList(unexpected_) + ". ");
    strictLines.insert(strictLines.end(), moduleErrors_.begin(), moduleErrors_.end());
    auto message = [&](const std::vector<std::string>& lines) -> std::optional<std::string> {
        if (lines.empty()) return std::nullopt;
        std::string s = "Error(s) in loading state_dict for " + model.type + ":";
        for (const std::string& l : lines) s += "\n\t" + l;
        return s;
    };
    r.strictError = message(strictLines);
    r.nonStrictError = message(moduleErrors_);
    if (!unknownTypes_.empty()) {
        r.certainty = Certainty::Inferred;
        std::vector<std::string> types(unknownTypes_.begin(), unknownTypes_.end());
        r.why = "print(model) does not show the tensors a module may hold itself (nn.Parameter "
                "attributes, MultiheadAttention's in_proj_weight), here in the classes " +
                joinedNames(types) + ": " +
                (assumedOwn_.empty()
                     ? std::string("the checkpoint has none directly under such a module")
                     : std::to_string(assumedOwn_.size()) +
                           " checkpoint key(s) directly under such modules are taken as theirs") +
                ", and one of theirs that the checkpoint lacks would be missing without NormLab "
                "seeing it.";
    }
    if (!prefixFinding(r)) {
        for (const ModuleOutcome& o : outcomes_) normFindings(o, r);
        restFindings(r);
    }
    const std::string restsOn = r.certainty != Certainty::Exact ? r.why
                                : exactOwn_ ? "the traced model's own list of its tensors"
                                            : "every module's tensors follow from its printed line";
    for (Finding& f : r.findings) {
        f.restsOn = restsOn;
        f.certainty = r.certainty;
    }
    return r;
}

} // namespace

std::string torchSizeText(const Shape& shape) {
    std::string s = "torch.Size([";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "])";
}

LoadStateDictReport checkLoadStateDict(const ModuleNode& model, const Checkpoint& checkpoint) {
    Loader loader(checkpoint);
    loader.walk(model, "", 0);
    return loader.finish(model);
}

LoadStateDictReport checkLoadStateDict(const std::vector<TracedModule>& modules,
                                       const Checkpoint& checkpoint) {
    if (modules.empty() || !modules.front().name.empty()) {
        LoadStateDictReport r;
        r.certainty = Certainty::Unknown;
        r.why = "the trace lists no modules (written by an older normlab_trace.py): trace the "
                "model again, or check the checkpoint against print(model)";
        return r;
    }
    // The module tree from the dotted names (registration order is the list's order), each
    // module's arguments from its repr line, its tensors from the trace.
    std::unordered_map<std::string, std::vector<detail::OwnTensor>> own;
    std::unordered_map<std::string, std::size_t> indexOf;
    std::vector<std::vector<std::size_t>> children(modules.size());
    for (std::size_t i = 0; i < modules.size(); ++i) {
        const TracedModule& m = modules[i];
        indexOf.emplace(m.name, i);
        auto& list = own[m.name];
        for (const TracedModule::Tensor& t : m.tensors) list.push_back({t.name, t.shape});
        if (i == 0) continue;
        const std::size_t dot = m.name.rfind('.');
        const auto parent = indexOf.find(dot == std::string::npos ? "" : m.name.substr(0, dot));
        if (parent != indexOf.end() && parent->second != i) children[parent->second].push_back(i);
    }
    // Built bottom-up with an explicit stack: no recursion on a hostile table's depth.
    std::vector<ModuleNode> nodes(modules.size());
    for (std::size_t i = modules.size(); i-- > 0;) {
        const TracedModule& m = modules[i];
        ModuleNode& node = nodes[i];
        const ModelText parsed = parseModelText(m.repr);
        if (parsed.root && parsed.root->children.empty()) node.arguments = parsed.root->arguments;
        node.type = m.type;
        const std::size_t dot = m.name.rfind('.');
        node.name = dot == std::string::npos ? m.name : m.name.substr(dot + 1);
        for (std::size_t c : children[i]) node.children.push_back(std::move(nodes[c]));
    }
    const ModuleNode& root = nodes[0];
    Loader loader(checkpoint, &own);
    loader.walk(root, "", 0);
    return loader.finish(root);
}

} // namespace normlab
