// The restricted pickle reader (checkpoint.h). Values live in one arena and refer to each
// other by index, so a hostile pickle that makes a list contain itself builds a cycle of
// indices, not of owning pointers; every walk over values is depth-bounded.
#include "normlab/checkpoint.h"

#include "normlab/checked_int.h"

#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace normlab {

namespace {

struct Value {
    enum Kind { None, Bool, Int, Float, Str, Bytes, Tuple, List, Dict, Global, Storage, Tensor };
    Kind kind = None;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;       // Str, Bytes; Global "module.name"; Storage: element dtype
    std::string storageKey; // Storage: its entry under data/
    std::vector<int> items; // Tuple, List; Dict: key, value, key, value...
    Shape shape;            // Tensor
    int storage = -1;       // Tensor: its Storage value
    int metadata = -1;      // Dict: the `_metadata` its BUILD state carried
};

const char* kindName(Value::Kind k) {
    static const char* names[] = {"None",  "bool", "int",  "float",  "str",     "bytes",
                                  "tuple", "list", "dict", "global", "storage", "tensor"};
    return names[k];
}

bool allowedGlobal(const std::string& name) {
    if (name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
        name == "torch._utils._rebuild_parameter" ||
        name == "torch._utils._rebuild_parameter_with_state")
        return true;
    return name.rfind("torch.", 0) == 0 && !storageDType(name.substr(6)).empty();
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 80)) out += (c >= 32 && c < 127) ? c : '?';
    return out;
}

// Memory bound: at most kMaxValues values (about 150 bytes each) and as many stack entries,
// marks and memo entries, whatever the pickle's size: about 0.3 GiB at worst. A state_dict
// pickle makes about a dozen values per tensor, so this admits some 85,000 tensors; a
// pickle of millions of one-byte opcodes (NONE, MARK) is refused at the limit instead of
// growing without end.
constexpr std::size_t kMaxValues = std::size_t(1) << 20;

class Unpickler {
  public:
    explicit Unpickler(std::string_view bytes)
        : in_(bytes) {}

    // Runs to STOP; returns the top value's index or -1 with error_ set.
    int run();
    const std::string& error() const { return error_; }
    const Value& at(int i) const { return arena_[std::size_t(i)]; }

  private:
    int fail(std::string message) {
        if (error_.empty()) error_ = "data.pkl at byte " + std::to_string(pos_) + ": " + message;
        return -1;
    }
    bool need(std::size_t n) {
        if (in_.size() - pos_ >= n) return true;
        fail("the pickle ends early (truncated file?)");
        return false;
    }
    std::uint64_t readLE(int n) {
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i)
            v |= std::uint64_t(std::uint8_t(in_[pos_ + std::size_t(i)])) << (8 * i);
        pos_ += std::size_t(n);
        return v;
    }
    int make(Value v) {
        arena_.push_back(std::move(v));
        return int(arena_.size() - 1);
    }
    bool pop(int& out) {
        if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) {
            fail("the pickle pops an empty stack");
            return false;
        }
        out = stack_.back();
        stack_.pop_back();
        return true;
    }
    // The values pushed since the last MARK, removed from the stack.
    bool popMark(std::vector<int>& out) {
        if (marks_.empty()) {
            fail("the pickle has no MARK to return to");
            return false;
        }
        const std::size_t m = marks_.back();
        marks_.pop_back();
        out.assign(stack_.begin() + std::ptrdiff_t(m), stack_.end());
        stack_.resize(m);
        return true;
    }
    bool top(int& out) {
        if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) {
            fail("the pickle reads an empty stack");
            return false;
        }
        out = stack_.back();
        return true;
    }
    bool string(std::size_t length, Value::Kind kind) {
        if (!need(length)) return false;
        Value v;
        v.kind = kind;
        v.text.assign(in_.substr(pos_, length));
        pos_ += length;
        stack_.push_back(make(std::move(v)));
        return true;
    }
    bool addItems(int container, const std::vector<int>& items);
    bool global(std::string module, std::string name);
    bool reduce();
    std::string viewOutOfBounds(const Shape& size, const Value& stride, std::int64_t offset,
                                std::int64_t storageNumel) const;
    bool persistentId();
    bool build();
    bool memoPut(std::uint64_t id) {
        int v;
        if (!top(v)) return false;
        if (memo_.size() >= kMaxValues) return fail("the pickle's memo is too large") >= 0;
        memo_[id] = v;
        return true;
    }
    bool memoGet(std::uint64_t id) {
        const auto it = memo_.find(id);
        if (it == memo_.end())
            return fail("the pickle reads memo entry " + std::to_string(id) + " it never stored") >=
                   0;
        stack_.push_back(it->second);
        return true;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    std::vector<Value> arena_;
    std::vector<int> stack_;
    std::vector<std::size_t> marks_;
    std::unordered_map<std::uint64_t, int> memo_;
    std::string error_;
};

bool Unpickler::addItems(int container, const std::vector<int>& items) {
    Value& c = arena_[std::size_t(container)];
    if (c.kind == Value::List) {
        c.items.insert(c.items.end(), items.begin(), items.end());
        return true;
    }
    if (c.kind != Value::Dict)
        return fail(std::string("the pickle adds items to a ") + kindName(c.kind)) >= 0;
    if (items.size() % 2) return fail("the pickle sets a dict item without a value") >= 0;
    // A key set twice is kept twice (a pickle written by Python never does that): the later
    // entry then reads as a duplicate in the state_dict, which is harmless.
    c.items.insert(c.items.end(), items.begin(), items.end());
    return true;
}

bool Unpickler::global(std::string module, std::string name) {
    const std::string full = module + "." + name;
    if (!allowedGlobal(full))
        return fail("it names " + printable(full) +
                    ", which a state_dict does not use; NormLab reads state_dicts only and never "
                    "runs code from a file (save model.state_dict(), not the model or other "
                    "objects)") >= 0;
    Value v;
    v.kind = Value::Global;
    v.text = full;
    stack_.push_back(make(std::move(v)));
    return true;
}

bool Unpickler::persistentId() {
    int pid;
    if (!pop(pid)) return false;
    const Value& t = arena_[std::size_t(pid)];
    // ('storage', torch.FloatStorage, key, location, numel)
    if (t.kind != Value::Tuple || t.items.size() < 5 || at(t.items[0]).kind != Value::Str ||
        at(t.items[0]).text != "storage" || at(t.items[1]).kind != Value::Global ||
        at(t.items[2]).kind != Value::Str || at(t.items[4]).kind != Value::Int)
        return fail("a persistent id that is not a torch storage") >= 0;
    // torch.load takes the storage type from the class the id names: it must be one.
    const std::string& storageClass = at(t.items[1]).text;
    if (storageClass.rfind("torch.", 0) != 0 || storageDType(storageClass.substr(6)).empty())
        return fail("a persistent id naming " + printable(storageClass) +
                    ", which is not a storage type (torch.load refuses it)") >= 0;
    if (at(t.items[4]).integer < 0)
        return fail("a storage of negative size (torch.load refuses it)") >= 0;
    Value s;
    s.kind = Value::Storage;
    s.text = storageDType(at(t.items[1]).text.substr(6));
    s.storageKey = at(t.items[2]).text;
    s.integer = at(t.items[4]).integer;
    stack_.push_back(make(std::move(s)));
    return true;
}

// What Tensor.set_(storage, offset, size, stride) checks when torch.load rebuilds a tensor:
// one non-negative stride per size, a non-negative offset, and every element it addresses,
// offset + sum((size_i - 1) * stride_i), inside the storage (a tensor without elements
// addresses none). Empty when the view fits.
std::string Unpickler::viewOutOfBounds(const Shape& size, const Value& stride, std::int64_t offset,
                                       std::int64_t storageNumel) const {
    if (stride.kind != Value::Tuple || stride.items.size() != size.size())
        return "a tensor whose stride has another rank than its size";
    if (offset < 0) return "a tensor with a negative storage offset";
    CheckedInt last = offset;
    bool empty = false;
    for (std::size_t d = 0; d < size.size(); ++d) {
        const Value& s = at(stride.items[d]);
        if (s.kind != Value::Int || s.integer < 0) return "a tensor with a negative stride";
        empty |= size[d] == 0;
        last = last + CheckedInt(size[d] - 1) * s.integer;
    }
    if (empty) return {};
    if (!last.valid() || last.get() >= storageNumel)
        return "a tensor whose view (offset " + std::to_string(offset) +
               ") reaches past the end of its storage of " + std::to_string(storageNumel) +
               " elements";
    return {};
}

bool Unpickler::reduce() {
    int args, callable;
    if (!pop(args) || !pop(callable)) return false;
    const Value& f = at(callable);
    const Value& a = at(args);
    if (f.kind != Value::Global || a.kind != Value::Tuple)
        return fail("REDUCE applies a " + std::string(kindName(f.kind)) + " to a " +
                    kindName(a.kind)) >= 0;
    if (f.text == "collections.OrderedDict") {
        if (!a.items.empty()) return fail("OrderedDict built from arguments") >= 0;
        Value d;
        d.kind = Value::Dict;
        stack_.push_back(make(std::move(d)));
        return true;
    }
    if (f.text.rfind("torch._utils._rebuild_parameter", 0) == 0) {
        if (a.items.empty() || at(a.items[0]).kind != Value::Tensor)
            return fail("_rebuild_parameter without a tensor") >= 0;
        stack_.push_back(a.items[0]);
        return true;
    }
    if (f.text == "torch._utils._rebuild_tensor_v2") {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (a.items.size() < 4 || at(a.items[0]).kind != Value::Storage ||
            at(a.items[1]).kind != Value::Int || at(a.items[2]).kind != Value::Tuple)
            return fail("_rebuild_tensor_v2 with arguments that are not (storage, offset, size, "
                        "stride, ...)") >= 0;
        Value t;
        t.kind = Value::Tensor;
        t.storage = a.items[0];
        for (int d : at(a.items[2]).items) {
            if (at(d).kind != Value::Int || at(d).integer < 0)
                return fail("a tensor size that is not a non-negative int") >= 0;
            t.shape.push_back(at(d).integer);
        }
        if (const std::string why = viewOutOfBounds(t.shape, at(a.items[3]), at(a.items[1]).integer,
                                                    at(a.items[0]).integer);
            !why.empty())
            return fail(why + " (torch.load refuses it)") >= 0;
        stack_.push_back(make(std::move(t)));
        return true;
    }
    return fail("REDUCE on " + printable(f.text) +
                ", which is not a constructor a state_dict uses") >= 0;
}

bool Unpickler::build() {
    int state, object;
    if (!pop(state) || !top(object)) return false;
    Value& o = arena_[std::size_t(object)];
    const Value& s = at(state);
    if (o.kind != Value::Dict || s.kind != Value::Dict)
        return fail("BUILD on a " + std::string(kindName(o.kind)) +
                    ": only an OrderedDict's "
                    "attributes (_metadata) are read") >= 0;
    for (std::size_t i = 0; i + 1 < s.items.size(); i += 2)
        if (at(s.items[i]).kind == Value::Str && at(s.items[i]).text == "_metadata")
            o.metadata = s.items[i + 1];
    return true;
}

int Unpickler::run() {
    while (true) {
        if (!need(1)) return -1;
        const std::uint8_t op = std::uint8_t(in_[pos_++]);
        switch (op) {
        case 0x80: // PROTO
            if (!need(1)) return -1;
            if (std::uint8_t(in_[pos_++]) > 5) return fail("pickle protocol above 5");
            break;
        case 0x95: // FRAME: a length hint only
            if (!need(8)) return -1;
            pos_ += 8;
            break;
        case '.': { // STOP
            int result;
            if (!pop(result)) return -1;
            return result;
        }
        case '(':
            if (marks_.size() >= kMaxValues)
                return fail("the pickle opens more MARKs than any state_dict");
            marks_.push_back(stack_.size());
            break;
        case '0': {
            int ignored;
            if (!pop(ignored)) return -1;
            break;
        }
        case '1': {
            std::vector<int> ignored;
            if (!popMark(ignored)) return -1;
            break;
        }
        case '2': {
            int v;
            if (!top(v)) return -1;
            stack_.push_back(v);
            break;
        }
        case 'N':
            stack_.push_back(make({}));
            break;
        case 0x88:
        case 0x89: {
            Value v;
            v.kind = Value::Bool;
            v.integer = op == 0x88;
            stack_.push_back(make(std::move(v)));
            break;
        }
        case 'J':
        case 'K':
        case 'M': {
            const int n = op == 'J' ? 4 : op == 'K' ? 1 : 2;
            if (!need(std::size_t(n))) return -1;
            Value v;
            v.kind = Value::Int;
            const std::uint64_t raw = readLE(n);
            v.integer = n == 4 ? std::int64_t(std::int32_t(std::uint32_t(raw))) : std::int64_t(raw);
            stack_.push_back(make(std::move(v)));
            break;
        }
        case 0x8a: { // LONG1: little-endian two's complement of n bytes
            if (!need(1)) return -1;
            const std::size_t n = std::uint8_t(in_[pos_++]);
            if (n > 8) return fail("an integer wider than 64 bits");
            if (!need(n)) return -1;
            std::uint64_t raw = n ? readLE(int(n)) : 0;
            if (n && n < 8 && (raw >> (8 * n - 1)) & 1) raw |= ~std::uint64_t(0) << (8 * n);
            Value v;
            v.kind = Value::Int;
            v.integer = std::int64_t(raw);
            stack_.push_back(make(std::move(v)));
            break;
        }
        case 'G': { // BINFLOAT, big-endian
            if (!need(8)) return -1;
            std::uint64_t raw = 0;
            for (int i = 0; i < 8; ++i) raw = (raw << 8) | std::uint8_t(in_[pos_ + std::size_t(i)]);
            pos_ += 8;
            Value v;
            v.kind = Value::Float;
            std::memcpy(&v.real, &raw, 8);
            stack_.push_back(make(std::move(v)));
            break;
        }
        case 0x8c:
        case 'U':
        case 'C': { // one-byte lengths
            if (!need(1)) return -1;
            const std::size_t n = std::uint8_t(in_[pos_++]);
            if (!string(n, op == 'C' ? Value::Bytes : Value::Str)) return -1;
            break;
        }
        case 'X':
        case 'T':
        case 'B': {
            if (!need(4)) return -1;
            if (!string(std::size_t(readLE(4)), op == 'B' ? Value::Bytes : Value::Str)) return -1;
            break;
        }
        case 0x8d:
        case 0x8e: {
            if (!need(8)) return -1;
            const std::uint64_t n = readLE(8);
            if (n > in_.size()) return fail("a string longer than the file");
            if (!string(std::size_t(n), op == 0x8e ? Value::Bytes : Value::Str)) return -1;
            break;
        }
        case '}':
        case ']':
        case ')': {
            Value v;
            v.kind = op == '}' ? Value::Dict : op == ']' ? Value::List : Value::Tuple;
            stack_.push_back(make(std::move(v)));
            break;
        }
        case 't':
        case 'l':
        case 'd': {
            std::vector<int> items;
            if (!popMark(items)) return -1;
            Value v;
            v.kind = op == 't' ? Value::Tuple : op == 'l' ? Value::List : Value::Dict;
            const int index = make(std::move(v));
            if (op == 't')
                arena_[std::size_t(index)].items = std::move(items);
            else if (!addItems(index, items))
                return -1;
            stack_.push_back(index);
            break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {
            const std::size_t n = std::size_t(op - 0x84);
            Value v;
            v.kind = Value::Tuple;
            v.items.resize(n);
            for (std::size_t i = n; i-- > 0;)
                if (!pop(v.items[i])) return -1;
            stack_.push_back(make(std::move(v)));
            break;
        }
        case 's':
        case 'a': {
            std::vector<int> items(op == 's' ? 2 : 1);
            for (std::size_t i = items.size(); i-- > 0;)
                if (!pop(items[i])) return -1;
            int container;
            if (!top(container) || !addItems(container, items)) return -1;
            break;
        }
        case 'u':
        case 'e': {
            std::vector<int> items;
            int container;
            if (!popMark(items) || !top(container) || !addItems(container, items)) return -1;
            break;
        }
        case 'q':
            if (!need(1) || !memoPut(readLE(1))) return -1;
            break;
        case 'r':
            if (!need(4) || !memoPut(readLE(4))) return -1;
            break;
        case 0x94:
            if (!memoPut(memo_.size())) return -1;
            break;
        case 'h':
            if (!need(1) || !memoGet(readLE(1))) return -1;
            break;
        case 'j':
            if (!need(4) || !memoGet(readLE(4))) return -1;
            break;
        case 'c': { // GLOBAL "module\nname\n"
            std::string parts[2];
            for (std::string& part : parts) {
                const std::size_t nl = in_.find('\n', pos_);
                if (nl == std::string_view::npos || nl - pos_ > 256)
                    return fail("a GLOBAL without its two lines");
                part.assign(in_.substr(pos_, nl - pos_));
                pos_ = nl + 1;
            }
            if (!global(parts[0], parts[1])) return -1;
            break;
        }
        case 0x93: { // STACK_GLOBAL
            int name, module;
            if (!pop(name) || !pop(module)) return -1;
            if (at(name).kind != Value::Str || at(module).kind != Value::Str)
                return fail("STACK_GLOBAL without two strings");
            if (!global(at(module).text, at(name).text)) return -1;
            break;
        }
        case 'R':
            if (!reduce()) return -1;
            break;
        case 'Q':
            if (!persistentId()) return -1;
            break;
        case 'b':
            if (!build()) return -1;
            break;
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            return fail(std::string("opcode ") + hex +
                        " is not one a state_dict uses (objects, extensions and text "
                        "persistent ids are refused)");
        }
        }
        if (stack_.size() >= kMaxValues || arena_.size() >= kMaxValues)
            return fail("the pickle holds more values than any state_dict (over " +
                        std::to_string(kMaxValues) + ")");
    }
}

bool isTensorDict(const Unpickler& p, const Value& v) {
    if (v.kind != Value::Dict || v.items.empty()) return false;
    for (std::size_t i = 0; i < v.items.size(); i += 2)
        if (p.at(v.items[i]).kind != Value::Str || p.at(v.items[i + 1]).kind != Value::Tensor)
            return false;
    return true;
}

std::optional<std::map<std::string, int>> versionsOf(const Unpickler& p, const Value& dict) {
    if (dict.metadata < 0 || p.at(dict.metadata).kind != Value::Dict) return std::nullopt;
    std::map<std::string, int> versions;
    const Value& meta = p.at(dict.metadata);
    for (std::size_t i = 0; i + 1 < meta.items.size(); i += 2) {
        const Value& prefix = p.at(meta.items[i]);
        const Value& entry = p.at(meta.items[i + 1]);
        if (prefix.kind != Value::Str || entry.kind != Value::Dict) continue;
        for (std::size_t j = 0; j + 1 < entry.items.size(); j += 2)
            if (p.at(entry.items[j]).kind == Value::Str && p.at(entry.items[j]).text == "version" &&
                p.at(entry.items[j + 1]).kind == Value::Int)
                versions[prefix.text] = int(p.at(entry.items[j + 1]).integer);
    }
    return versions;
}

} // namespace

std::string storageDType(std::string_view storageClass) {
    static const std::pair<const char*, const char*> table[] = {
        {"FloatStorage", "float32"},
        {"DoubleStorage", "float64"},
        {"HalfStorage", "float16"},
        {"BFloat16Storage", "bfloat16"},
        {"LongStorage", "int64"},
        {"IntStorage", "int32"},
        {"ShortStorage", "int16"},
        {"CharStorage", "int8"},
        {"ByteStorage", "uint8"},
        {"BoolStorage", "bool"},
        {"ComplexFloatStorage", "complex64"},
        {"ComplexDoubleStorage", "complex128"},
        {"QInt8Storage", "qint8"},
        {"QUInt8Storage", "quint8"},
        {"QInt32Storage", "qint32"},
        {"UntypedStorage", "uint8"}};
    for (const auto& [name, dtype] : table)
        if (storageClass == name) return dtype;
    return {};
}

int dtypeBytes(std::string_view dtype) {
    static const std::pair<const char*, int> table[] = {
        {"float64", 8}, {"int64", 8},  {"complex64", 8}, {"complex128", 16}, {"float32", 4},
        {"int32", 4},   {"qint32", 4}, {"float16", 2},   {"bfloat16", 2},    {"int16", 2},
        {"int8", 1},    {"uint8", 1},  {"bool", 1},      {"qint8", 1},       {"quint8", 1}};
    for (const auto& [name, bytes] : table)
        if (dtype == name) return bytes;
    return 0;
}

CheckpointRead readStateDictPickle(std::string_view bytes) {
    CheckpointRead out;
    Unpickler p(bytes);
    const int top = p.run();
    if (top < 0) {
        out.error = p.error();
        return out;
    }
    int chosen = -1;
    const Value& root = p.at(top);
    if (isTensorDict(p, root)) {
        chosen = top;
    } else if (root.kind == Value::Dict) {
        std::vector<std::pair<std::string, int>> candidates;
        std::string entries;
        for (std::size_t i = 0; i + 1 < root.items.size(); i += 2) {
            const Value& key = p.at(root.items[i]);
            const std::string name = key.kind == Value::Str ? key.text : "?";
            entries += (entries.empty() ? "" : ", ") + printable(name);
            if (key.kind == Value::Str && isTensorDict(p, p.at(root.items[i + 1])))
                candidates.emplace_back(key.text, root.items[i + 1]);
        }
        if (candidates.empty()) {
            out.error = "the file holds no state_dict (a dict of tensors); its top-level "
                        "entries are: " +
                        (entries.empty() ? "none" : entries.substr(0, 300));
            return out;
        }
        std::size_t pick = 0;
        for (const char* preferred : {"model", "model_state_dict", "state_dict"})
            for (std::size_t i = 0; i < candidates.size(); ++i)
                if (candidates[i].first == preferred) pick = i;
        chosen = candidates[pick].second;
        out.checkpoint.location = "['" + printable(candidates[pick].first) + "']";
        for (std::size_t i = 0; i < candidates.size(); ++i)
            if (i != pick)
                out.checkpoint.note +=
                    (out.checkpoint.note.empty() ? "also holds the state_dict(s) " : ", ") +
                    std::string("['") + printable(candidates[i].first) + "']";
    } else {
        out.error = std::string("the file holds a value of type ") + kindName(root.kind) +
                    ", not a state_dict (a dict of tensors)";
        return out;
    }
    const Value& dict = p.at(chosen);
    for (std::size_t i = 0; i < dict.items.size(); i += 2) {
        const Value& t = p.at(dict.items[i + 1]);
        const Value& storage = p.at(t.storage);
        out.checkpoint.tensors.push_back(
            {p.at(dict.items[i]).text, t.shape, storage.text, storage.storageKey, storage.integer});
    }
    out.checkpoint.versions = versionsOf(p, dict);
    out.checkpoint.format = "torch.save zip";
    return out;
}

} // namespace normlab
