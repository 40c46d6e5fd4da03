// Reads a checkpoint file's state_dict headers (normlab/checkpoint.h): torch.save's zip
// (.pt, .pth, .bin; through libzip, reading the central directory and data.pkl only) or
// .safetensors (the 8-byte length and the JSON header only). Tensor data is never read, so a
// checkpoint of several gigabytes opens in milliseconds. Every size in the file is checked
// against the file before it is believed; a malformed file is refused with a message and
// nothing of it is returned.
#pragma once

#include "normlab/checkpoint.h"

#include <QString>

namespace normlab::formats {

CheckpointRead readCheckpointFile(const QString& path);

// The safetensors header alone (bytes 8.. of the file), against the data size that follows
// it; exposed for the fuzz target.
CheckpointRead parseSafetensorsHeader(const QByteArray& header, qint64 dataBytes);

} // namespace normlab::formats
