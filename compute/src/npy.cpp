#include "normlab/npy.h"

#include "normlab/checked_int.h"
#include "normlab/file_checks.h"

#include "file_mapping.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

namespace normlab {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";

struct Descr {
    std::string_view text;
    DType type;
};
constexpr Descr kDescrs[] = {
    {"<f4", DType::Float32}, {"<f8", DType::Float64}, {"<i4", DType::Int32},
    {"<i8", DType::Int64},   {"|b1", DType::Bool},    {"|u1", DType::UInt8},
};

std::string_view descrFor(DType type) {
    for (const auto& d : kDescrs)
        if (d.type == type) return d.text;
    return "";
}

// A reader for the Python dict literal numpy writes:
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
  public:
    explicit HeaderParser(std::string_view text)
        : s_(text) {}

    std::string error;
    std::optional<std::string> descr;
    std::optional<bool> fortran;
    std::optional<Shape> shape;

    bool parse() {
        skip();
        if (!eat('{')) return fail("header does not start with '{'");
        for (;;) {
            skip();
            if (eat('}')) break;
            std::string key;
            if (!string(key)) return fail("expected a quoted key in the header");
            skip();
            if (!eat(':')) return fail("expected ':' after key '" + key + "'");
            skip();
            if (key == "descr") {
                std::string v;
                if (!string(v)) return fail("'descr' must be a string");
                descr = v;
            } else if (key == "fortran_order") {
                if (word("True"))
                    fortran = true;
                else if (word("False"))
                    fortran = false;
                else
                    return fail("'fortran_order' must be True or False");
            } else if (key == "shape") {
                Shape v;
                if (!tuple(v)) return false;
                shape = v;
            } else {
                return fail("unexpected key '" + key + "' in the header");
            }
            skip();
            if (eat(',')) continue;
            skip();
            if (eat('}')) break;
            return fail("expected ',' or '}' in the header");
        }
        if (!descr) return fail("the header has no 'descr'");
        if (!fortran) return fail("the header has no 'fortran_order'");
        if (!shape) return fail("the header has no 'shape'");
        return true;
    }

  private:
    bool fail(std::string message) {
        if (error.empty()) error = std::move(message);
        return false;
    }
    void skip() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    bool eat(char c) {
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    bool word(std::string_view w) {
        if (s_.substr(i_, w.size()) == w) {
            i_ += w.size();
            return true;
        }
        return false;
    }
    bool string(std::string& out) {
        if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) return false;
        const char quote = s_[i_++];
        const std::size_t end = s_.find(quote, i_);
        if (end == std::string_view::npos) return false;
        out = std::string(s_.substr(i_, end - i_));
        i_ = end + 1;
        return true;
    }
    bool tuple(Shape& out) {
        if (!eat('(')) return fail("'shape' must be a tuple");
        for (;;) {
            skip();
            if (eat(')')) return true;
            if (i_ >= s_.size() || !std::isdigit(static_cast<unsigned char>(s_[i_])))
                return fail("'shape' must hold non-negative integers");
            std::int64_t v = 0;
            while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
                if (v > (kMaxElements * 16) / 10) return fail("a 'shape' entry is absurdly large");
                v = v * 10 + (s_[i_++] - '0');
            }
            if (eat('L')) {
            } // Python 2 long suffix
            out.push_back(v);
            skip();
            if (eat(',')) continue;
            skip();
            if (eat(')')) return true;
            return fail("malformed 'shape' tuple");
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

std::uint32_t littleEndian(std::string_view b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int k = bytes - 1; k >= 0; --k)
        v = (v << 8) | static_cast<unsigned char>(b[at + std::size_t(k)]);
    return v;
}

NpyReadResult failure(std::string message) {
    return {Tensor(), std::move(message)};
}

// The header of `bytes` (a whole .npy file): shape, dtype and where the data starts, the
// data's size checked against the bytes present.
struct NpyLayout {
    Shape shape;
    DType type = DType::Float32;
    std::size_t dataStart = 0, dataBytes = 0;
    std::string error;
};

NpyLayout npyLayout(std::string_view bytes) {
    NpyLayout out;
    auto failure = [&](std::string message) {
        out.error = std::move(message);
        return out;
    };
    if (bytes.size() < 6 || bytes.substr(0, 6) != kMagic)
        return failure("not a .npy file (the magic string \\x93NUMPY is missing)");
    if (bytes.size() < 10) return failure("truncated .npy header");
    const int major = static_cast<unsigned char>(bytes[6]);
    if (major < 1 || major > 3)
        return failure("unsupported .npy version " + std::to_string(major) + "." +
                       std::to_string(static_cast<unsigned char>(bytes[7])));
    const std::size_t lengthBytes = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + lengthBytes) return failure("truncated .npy header");
    const std::size_t headerLength = littleEndian(bytes, 8, int(lengthBytes));
    const std::size_t dataStart = 8 + lengthBytes + headerLength;
    if (dataStart > bytes.size())
        return failure("truncated .npy header: it declares " + std::to_string(headerLength) +
                       " bytes but the file has " + std::to_string(bytes.size() - 8 - lengthBytes));
    HeaderParser header(bytes.substr(8 + lengthBytes, headerLength));
    if (!header.parse()) return failure("malformed .npy header: " + header.error);
    if (*header.fortran)
        return failure(
            "Fortran-order .npy files are not supported; save with C order (np.ascontiguousarray)");
    std::optional<DType> type;
    for (const auto& d : kDescrs)
        if (*header.descr == d.text) type = d.type;
    if (!type) {
        std::string hint;
        if (!header.descr->empty() && header.descr->front() == '>')
            hint = " (big-endian data is not supported)";
        return failure("unsupported .npy dtype '" + *header.descr + "'" + hint +
                       "; supported: <f4 <f8 <i4 <i8 |b1 |u1");
    }
    const Shape& shape = *header.shape;
    if (shape.size() > std::size_t(kMaxRank))
        return failure("the .npy array has rank " + std::to_string(shape.size()) +
                       "; at most 5 is supported");
    const CheckedInt count = checkedProduct(shape);
    if (!count.valid() || count.get() > kMaxElements)
        return failure("the .npy shape " + shapeToString(shape) + " has more than 2^31 elements");
    const std::size_t expected = std::size_t(count.get()) * dtypeSize(*type);
    const std::size_t present = bytes.size() - dataStart;
    if (present < expected)
        return failure("truncated .npy data: shape " + shapeToString(shape) + " needs " +
                       std::to_string(expected) + " bytes, the file has " +
                       std::to_string(present));
    if (present > expected)
        return failure("the .npy file has " + std::to_string(present - expected) +
                       " bytes after the data its header describes");
    out.shape = shape;
    out.type = *type;
    out.dataStart = dataStart;
    out.dataBytes = expected;
    return out;
}

} // namespace

NpyReadResult parseNpy(std::string_view bytes) {
    const NpyLayout layout = npyLayout(bytes);
    if (!layout.error.empty()) return failure(layout.error);
    Tensor t = Tensor::uninitialized(layout.shape, layout.type);
    if (layout.dataBytes) std::memcpy(t.raw(), bytes.data() + layout.dataStart, layout.dataBytes);
    return {std::move(t), {}};
}

NpyReadResult readNpy(const std::string& path) {
    if (std::string error = regularFileError(path); !error.empty()) return failure(error);
    // Mapped where the data sits on a 64-byte boundary (as numpy writes it): the tensor is the
    // file's pages, read as they are touched. Otherwise read whole, as below.
    detail::FileMapping mapping = detail::mapFile(path);
    if (mapping.base) {
        const NpyLayout layout =
            npyLayout(std::string_view(static_cast<const char*>(mapping.base), mapping.length));
        if (!layout.error.empty()) {
            detail::unmapFile(mapping.base, mapping.length);
            return failure(path + ": " + layout.error);
        }
        if (layout.dataStart % 64 == 0)
            return {Tensor::adoptMapping(layout.shape, layout.type, mapping.base, mapping.length,
                                         layout.dataStart),
                    {}};
        detail::unmapFile(mapping.base, mapping.length);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return failure("cannot open " + path);
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) return failure("cannot read " + path);
    if (size > std::streamoff(kMaxElements) * 8 + 65536)
        return failure(path + " is larger than any tensor NormLab accepts");
    in.seekg(0);
    std::string bytes(std::size_t(size), '\0');
    in.read(bytes.data(), size);
    if (!in) return failure("cannot read " + path);
    NpyReadResult r = parseNpy(bytes);
    if (!r.ok()) r.error = path + ": " + r.error;
    return r;
}

std::string npyHeader(const Tensor& tensor) {
    std::string dict = "{'descr': '" + std::string(descrFor(tensor.dtype())) +
                       "', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < tensor.shape().size(); ++i) {
        dict += std::to_string(tensor.shape()[i]);
        if (tensor.shape().size() == 1 || i + 1 < tensor.shape().size()) dict += ",";
        if (i + 1 < tensor.shape().size()) dict += " ";
    }
    dict += "), }";
    // Pad with spaces and end with '\n' so that the data starts on a 64-byte boundary.
    const std::size_t unpadded = 10 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict += '\n';
    std::string out(kMagic);
    out += char(1);
    out += char(0);
    out += char(dict.size() & 0xff);
    out += char((dict.size() >> 8) & 0xff);
    out += dict;
    return out;
}

std::string encodeNpy(const Tensor& tensor) {
    std::string out = npyHeader(tensor);
    out.append(static_cast<const char*>(tensor.raw()), tensor.byteSize());
    return out;
}

std::string writeNpy(const std::string& path, const Tensor& tensor) {
    // Atomic (file_checks.h): a failed write leaves `path` as it was, and a tensor that is
    // memory-mapped from `path` keeps its pages. The data follows from the tensor itself.
    return writeFileAtomically(path, npyHeader(tensor), tensor.raw(), tensor.byteSize());
}

} // namespace normlab
