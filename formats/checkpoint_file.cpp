#include "checkpoint_file.h"

#include "user_files.h"

#include "normlab/checked_int.h"

#include <QFile>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <limits>

#include <zip.h>

#include <cmath>
#include <memory>

namespace normlab::formats {

namespace {

constexpr qint64 kMaxHeaderBytes = qint64(100) << 20;            // safetensors' own limit
constexpr zip_uint64_t kMaxPickleBytes = zip_uint64_t(64) << 20; // a state_dict's is kilobytes

CheckpointRead failure(const QString& message) {
    CheckpointRead r;
    r.error = message.toStdString();
    return r;
}

std::string safetensorsDType(const QString& code) {
    static const std::pair<const char*, const char*> table[] = {
        {"F64", "float64"}, {"F32", "float32"}, {"F16", "float16"}, {"BF16", "bfloat16"},
        {"I64", "int64"},   {"I32", "int32"},   {"I16", "int16"},   {"I8", "int8"},
        {"U8", "uint8"},    {"BOOL", "bool"}};
    for (const auto& [name, dtype] : table)
        if (code == QLatin1String(name)) return dtype;
    return {};
}

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
};

CheckpointRead readTorchZip(const QString& path) {
    int errorCode = 0;
    std::unique_ptr<zip_t, ZipCloser> archive(
        zip_open(QFile::encodeName(path).constData(), ZIP_RDONLY | ZIP_CHECKCONS, &errorCode));
    if (!archive) {
        // libzip names a duplicated entry by its own error, "File already exists".
        if (errorCode == ZIP_ER_EXISTS)
            return failure("not a readable zip archive: two of its entries have the same name "
                           "(a corrupt or crafted file; torch.save never writes one)");
        zip_error_t error;
        zip_error_init_with_code(&error, errorCode);
        const QString why = QString::fromUtf8(zip_error_strerror(&error));
        zip_error_fini(&error);
        return failure("not a readable zip archive (" + why + ")");
    }
    const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
    zip_int64_t pickleIndex = -1;
    QString root;
    for (zip_int64_t i = 0; i < entries; ++i) {
        const QString name = QString::fromUtf8(zip_get_name(archive.get(), zip_uint64_t(i), 0));
        const qsizetype slash = name.indexOf('/');
        if (slash > 0 && name.mid(slash + 1) == "data.pkl") {
            if (pickleIndex >= 0) return failure("the archive holds two data.pkl files");
            pickleIndex = i;
            root = name.left(slash + 1);
        }
    }
    if (pickleIndex < 0)
        return failure("a zip archive without <name>/data.pkl: not a file torch.save wrote");
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), zip_uint64_t(pickleIndex), 0, &stat) != 0 ||
        !(stat.valid & ZIP_STAT_SIZE))
        return failure("cannot read data.pkl's size in the archive");
    if (stat.size > kMaxPickleBytes)
        return failure(
            QString("data.pkl is %1 MiB, larger than any state_dict's").arg(stat.size >> 20));
    std::unique_ptr<zip_file_t, ZipFileCloser> file(
        zip_fopen_index(archive.get(), zip_uint64_t(pickleIndex), 0));
    if (!file) return failure("cannot open data.pkl in the archive");
    std::string bytes(std::size_t(stat.size), '\0');
    if (zip_fread(file.get(), bytes.data(), stat.size) != zip_int64_t(stat.size))
        return failure("data.pkl is truncated or corrupt in the archive");
    CheckpointRead r = readStateDictPickle(bytes);
    if (!r.ok()) return r;
    // Every storage a tensor names must be in the archive, as large as it says.
    for (const CheckpointTensor& t : r.checkpoint.tensors) {
        const QByteArray entry = (root + "data/" + QString::fromStdString(t.storage)).toUtf8();
        zip_stat_t s;
        if (zip_stat(archive.get(), entry.constData(), 0, &s) != 0)
            return failure("tensor " + QString::fromStdString(t.key) + " names storage " +
                           QString::fromStdString(t.storage) + ", which the archive lacks");
        const CheckedInt needed = CheckedInt(t.storageNumel) * dtypeBytes(t.dtype);
        if (!needed.valid() || ((s.valid & ZIP_STAT_SIZE) && zip_uint64_t(needed.get()) > s.size))
            return failure("tensor " + QString::fromStdString(t.key) +
                           "'s storage holds fewer "
                           "bytes than its header says (truncated file?)");
    }
    return r;
}

} // namespace

CheckpointRead parseSafetensorsHeader(const QByteArray& header, qint64 dataBytes) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(header.trimmed(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return failure("the safetensors header is not a JSON object (" + parseError.errorString() +
                       ")");
    CheckpointRead r;
    r.checkpoint.format = "safetensors";
    const QJsonObject object = doc.object();
    struct Span {
        qint64 begin, end;
        QString key;
    };
    std::vector<Span> spans;
    // load_file() yields the tensors sorted by name, as QJsonObject keeps its keys.
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == "__metadata__") continue;
        const QString key = it.key();
        const QJsonObject t = it.value().toObject();
        const std::string dtype = safetensorsDType(t.value("dtype").toString());
        if (dtype.empty())
            return failure("tensor " + key + " has dtype '" + t.value("dtype").toString() +
                           "', which NormLab does not know");
        CheckpointTensor tensor{key.toStdString(), {}, dtype, {}, 0};
        CheckedInt bytes = dtypeBytes(dtype);
        const QJsonArray shape = t.value("shape").toArray();
        for (const QJsonValue& d : shape) {
            // Range first: converting a double beyond int64 to an integer is undefined.
            if (!d.isDouble() || d.toDouble() < 0 || d.toDouble() > 9e15 ||
                d.toDouble() != std::floor(d.toDouble()))
                return failure("tensor " + key + " has a shape entry that is not a size");
            tensor.shape.push_back(qint64(d.toDouble()));
            bytes = bytes * tensor.shape.back();
        }
        const QJsonArray offsets = t.value("data_offsets").toArray();
        if (!t.value("shape").isArray() || offsets.size() != 2 || !offsets[0].isDouble() ||
            !offsets[1].isDouble())
            return failure("tensor " + key + " lacks its shape or data_offsets");
        const double begin = offsets[0].toDouble(), end = offsets[1].toDouble();
        if (!bytes.valid() || begin < 0 || end < begin || end > double(dataBytes) ||
            end - begin != double(bytes.get()))
            return failure("tensor " + key +
                           "'s data_offsets do not fit its shape and dtype, or "
                           "lie beyond the file's end (truncated file?)");
        spans.push_back({qint64(begin), qint64(end), key});
        r.checkpoint.tensors.push_back(std::move(tensor));
    }
    if (r.checkpoint.tensors.empty()) return failure("the safetensors file holds no tensor");
    // As the safetensors library validates: the tensors' data, in the order of their offsets,
    // tile the data section exactly, with neither overlaps nor gaps.
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.begin < b.begin; });
    qint64 at = 0;
    for (const Span& span : spans) {
        if (span.begin != at)
            return failure(QString("tensor %1's data starts at byte %2 of the data section, where "
                                   "the previous tensor's ends at %3 (%4): the safetensors "
                                   "library refuses the file")
                               .arg(span.key)
                               .arg(span.begin)
                               .arg(at)
                               .arg(span.begin < at ? "overlapping data" : "a gap"));
        at = span.end;
    }
    if (at != dataBytes)
        return failure(QString("the tensors' data ends at byte %1 of a data section of %2 bytes: "
                               "the safetensors library refuses the file")
                           .arg(at)
                           .arg(dataBytes));
    return r;
}

CheckpointRead readCheckpointFile(const QString& path) {
    QFile file(path);
    if (const QString error =
            openRegularFile(file, std::numeric_limits<qint64>::max(), "the checkpoint");
        !error.isEmpty())
        return failure(error);
    const QByteArray head = file.read(9);
    auto named = [&](CheckpointRead r) {
        if (!r.ok()) r.error = (path + ": ").toStdString() + r.error;
        return r;
    };
    if (head.startsWith("PK\x03\x04") || head.startsWith("PK\x05\x06")) {
        file.close();
        return named(readTorchZip(path));
    }
    if (head.size() == 9 && head[8] == '{') {
        quint64 length = 0;
        for (int i = 7; i >= 0; --i) length = (length << 8) | quint8(head[i]);
        if (length > quint64(kMaxHeaderBytes) || qint64(length) > file.size() - 8)
            return named(failure("the safetensors header claims " + QString::number(length) +
                                 " bytes, more than the file holds"));
        file.seek(8);
        const QByteArray header = file.read(qint64(length));
        return named(parseSafetensorsHeader(header, file.size() - 8 - qint64(length)));
    }
    if (head.startsWith("\x80\x02") || head.startsWith("\x80\x04"))
        return named(failure("a pickle outside a zip archive: torch.save's format before "
                             "PyTorch 1.6 (or a plain pickle), which NormLab does not read; "
                             "re-save it with a recent PyTorch (torch.save(torch.load(f), f2))"));
    return named(failure("neither a torch.save zip (.pt, .pth, .bin) nor a .safetensors file"));
}

} // namespace normlab::formats
