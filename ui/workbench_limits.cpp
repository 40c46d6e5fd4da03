#include "workbench_limits.h"

#include "normlab/checked_int.h"
#include "normlab/npy.h"

#include <QCoreApplication>
#include <QFile>
#include <QLocale>

#include <cmath>

namespace normlab::ui {

std::int64_t availableMemoryBytes() {
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly)) return -1;
    while (!meminfo.atEnd()) {
        const QByteArray line = meminfo.readLine();
        if (!line.startsWith("MemAvailable:")) continue;
        bool ok = false;
        const qint64 kib = line.mid(13).trimmed().split(' ').value(0).toLongLong(&ok);
        return ok ? kib * 1024 : -1;
    }
    return -1;
}

QString inputSizeRefusal(const Shape& shape, DType dtype) {
    const CheckedInt bytes = checkedProduct(shape) * CheckedInt(std::int64_t(dtypeSize(dtype))) *
                             kResidentBytesPerInputByte;
    const QString shapeText = QString::fromStdString(shapeToString(shape));
    const std::int64_t available = availableMemoryBytes();
    if (!bytes.valid() || checkedProduct(shape).get() > kMaxElements)
        return QCoreApplication::translate("WorkbenchLimits",
                                           "an input of %1 has more elements than the workbench "
                                           "computes (2^31)")
            .arg(shapeText);
    if (available >= 0 && bytes.get() > available) {
        const QLocale locale;
        return QCoreApplication::translate("WorkbenchLimits",
                                           "an input of %1 would need about %2 of memory to "
                                           "show; this machine has %3 available")
            .arg(shapeText, locale.formattedDataSize(bytes.get()),
                 locale.formattedDataSize(available));
    }
    return {};
}

QString recipeRefusal(const InputRecipe& recipe, bool fromFile) {
    if (!fromFile)
        for (const std::int64_t d : recipe.shape)
            if (d > kMaxEditorSize)
                return QCoreApplication::translate(
                           "WorkbenchLimits",
                           "the input shape %1 has a size above %2, the most the size editors "
                           "take (load the data as a .npy file instead)")
                    .arg(QString::fromStdString(shapeToString(recipe.shape)))
                    .arg(kMaxEditorSize);
    if (recipe.seed > std::uint64_t(kMaxSeed))
        return QCoreApplication::translate("WorkbenchLimits",
                                           "the seed %1 is above %2, the most the seed editor "
                                           "takes")
            .arg(recipe.seed)
            .arg(kMaxSeed);
    if (!(std::abs(recipe.mean) <= kMaxAbsMean) || !(recipe.spread >= 0) ||
        !(recipe.spread <= kMaxSpread))
        return QCoreApplication::translate("WorkbenchLimits",
                                           "the generator's mean %1 or spread %2 is outside what "
                                           "its editors take (|mean| and spread up to %3)")
            .arg(recipe.mean)
            .arg(recipe.spread)
            .arg(kMaxAbsMean);
    return inputSizeRefusal(recipe.shape, recipe.dtype);
}

} // namespace normlab::ui
