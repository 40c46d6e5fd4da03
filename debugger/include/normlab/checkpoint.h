// A checkpoint's state_dict as load_state_dict sees it: tensor names, shapes and dtypes in
// the file's order, and the per-module versions torch.save keeps (`_metadata`). Values are
// not read: a multi-gigabyte checkpoint is described by its headers alone.
//
// The pickle inside torch.save's zip (`data.pkl`) is read by a restricted reader: it builds
// plain values from the opcodes a state_dict uses (dicts, lists, tuples, strings, numbers,
// memo, persistent storage ids) and accepts only the globals a state_dict names
// (collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter, torch's
// storage classes). Anything else (a pickled model object, argparse.Namespace, numpy scalars)
// is refused with a message naming it: nothing a file names is ever called.
#pragma once

#include "normlab/tensor.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace normlab {

struct CheckpointTensor {
    std::string key;   // "layer1.0.bn1.weight"
    Shape shape;       // sizes; {} for a 0-dim tensor
    std::string dtype; // "float32", "int64", ... (the storage's element type)
    // torch.save zip only: the storage's entry under data/ and its element count.
    std::string storage;
    std::int64_t storageNumel = 0;
};

struct Checkpoint {
    std::vector<CheckpointTensor> tensors; // in the order load_state_dict iterates them
    // torch.save's `_metadata`: module prefix ("" for the root, "layer1.0.bn1") -> version.
    // Null when the file keeps none (safetensors): load_state_dict then treats every module
    // as saved before versioning (BatchNorm fills in num_batches_tracked, InstanceNorm
    // without running statistics rejects running_mean / running_var with its own message).
    std::optional<std::map<std::string, int>> versions;
    std::string format;   // "torch.save zip", "safetensors"
    std::string location; // where the state_dict sat in the file: "" (the top) or "['model']"
    std::string note;     // e.g. which other candidate state_dicts were passed over
};

struct CheckpointRead {
    Checkpoint checkpoint;
    std::string error; // empty on success
    bool ok() const { return error.empty(); }
};

// Reads `data.pkl` (pickle protocol 2 to 5) of a torch.save zip and finds the state_dict in
// it: the top-level dict of tensors, or one entry of a top-level dict ("state_dict",
// "model_state_dict", "model" preferred, else the first that is a dict of tensors).
CheckpointRead readStateDictPickle(std::string_view bytes);

// PyTorch's name for a storage class's element type ("FloatStorage" -> "float32"); empty
// when it is not one.
std::string storageDType(std::string_view storageClass);
// Bytes per element of a dtype named as above; 0 when unknown.
int dtypeBytes(std::string_view dtype);

} // namespace normlab
