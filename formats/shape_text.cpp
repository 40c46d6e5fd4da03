#include "shape_text.h"

#include <QStringList>

namespace normlab::formats {

QString shapeFromText(const QString& text, const QString& what, int maxRank, Shape& shape) {
    shape.clear();
    for (const QString& part : text.split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong v = part.trimmed().toLongLong(&ok);
        if (!ok || v <= 0)
            return what + " must be positive integers separated by commas, got '" + text + "'";
        shape.push_back(v);
    }
    if (shape.empty() || shape.size() > std::size_t(maxRank))
        return what + " must have 1 to " + QString::number(maxRank) + " dimensions, got '" + text +
               "'";
    return {};
}

} // namespace normlab::formats
