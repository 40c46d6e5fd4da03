// SPEC.json <-> NormSpec. Keys and defaults as in docs/spec.md: absent keys take the
// PyTorch module default of the variant; unknown keys and wrong types are errors that name
// the key.
#pragma once

#include "normlab/spec.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace normlab::formats {

struct SpecParseResult {
    NormSpec spec;
    QString error; // empty on success
};

SpecParseResult parseSpecJson(const QByteArray& json);
SpecParseResult specFromJsonObject(const QJsonObject& object);
QJsonObject specToJsonObject(const NormSpec& spec);

} // namespace normlab::formats
