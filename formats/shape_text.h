// Shapes typed as text ("4096,1024"), for the command line and the GUI alike.
#pragma once

#include "normlab/tensor.h"

#include <QString>

namespace normlab::formats {

// "4096,1024" -> {4096, 1024}: positive integers, 1 to maxRank of them. Returns why not,
// naming the value `what` ("--shape", "The input shape"); empty when it parsed.
QString shapeFromText(const QString& text, const QString& what, int maxRank, Shape& shape);

} // namespace normlab::formats
