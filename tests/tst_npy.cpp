// The .npy reader and writer: round trips of every dtype, the three header versions, and
// rejection (with a message naming the problem, never a crash or a huge allocation) of
// corrupt, truncated and hostile files.
#include "normlab/npy.h"

#include <QtTest>

#include <utility>

#include <random>

using namespace normlab;

namespace {

std::string header(int major, const std::string& dict) {
    std::string out("\x93NUMPY", 6);
    out += char(major);
    out += char(0);
    const std::size_t n = dict.size();
    out += char(n & 0xff);
    out += char((n >> 8) & 0xff);
    if (major >= 2) {
        out += char((n >> 16) & 0xff);
        out += char((n >> 24) & 0xff);
    }
    return out + dict;
}

} // namespace

class NpyTest : public QObject {
    Q_OBJECT
  private slots:
    void roundTrip_data();
    void roundTrip();
    void readsVersions_data();
    void readsVersions();
    void rejectsMalformed_data();
    void rejectsMalformed();
    void survivesRandomCorruption();
    void writesNumpyCompatibleHeader();
    void mapsLargeFilesWithoutReadingThem();
    void sharedStorageIsCopiedOnWrite();
};

void NpyTest::roundTrip_data() {
    QTest::addColumn<int>("dtype");
    QTest::addColumn<Shape>("shape");
    QTest::newRow("float32 rank 3") << int(DType::Float32) << Shape{2, 3, 4};
    QTest::newRow("float64 rank 1") << int(DType::Float64) << Shape{7};
    QTest::newRow("int64 lengths") << int(DType::Int64) << Shape{5};
    QTest::newRow("int32") << int(DType::Int32) << Shape{3, 2};
    QTest::newRow("bool mask rank 5") << int(DType::Bool) << Shape{2, 1, 2, 3, 2};
    QTest::newRow("uint8") << int(DType::UInt8) << Shape{4};
    QTest::newRow("float64 scalar") << int(DType::Float64) << Shape{};
    QTest::newRow("float32 empty") << int(DType::Float32) << Shape{0, 3};
}

void NpyTest::roundTrip() {
    QFETCH(int, dtype);
    QFETCH(Shape, shape);
    Tensor t = Tensor::zeros(shape, DType(dtype));
    for (std::int64_t i = 0; i < t.size(); ++i)
        t.set(i, DType(dtype) == DType::Bool ? i % 2 : double(i) * 1.5 - 3);
    const NpyReadResult r = parseNpy(encodeNpy(t));
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.tensor.dtype(), t.dtype());
    QCOMPARE(r.tensor.shape(), t.shape());
    for (std::int64_t i = 0; i < t.size(); ++i) QCOMPARE(r.tensor.at(i), t.at(i));
}

void NpyTest::readsVersions_data() {
    QTest::addColumn<int>("major");
    QTest::newRow("1.0") << 1;
    QTest::newRow("2.0") << 2;
    QTest::newRow("3.0 (utf-8 header)") << 3;
}

void NpyTest::readsVersions() {
    QFETCH(int, major);
    std::string bytes =
        header(major, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n");
    const double data[2] = {1.25, -7.5};
    bytes.append(reinterpret_cast<const char*>(data), sizeof data);
    const NpyReadResult r = parseNpy(bytes);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.tensor.shape(), Shape{2});
    QCOMPARE(r.tensor.at(1), -7.5);
}

void NpyTest::rejectsMalformed_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    auto make = [](const std::string& dict, std::size_t dataBytes, int major = 1) {
        std::string b = header(major, dict);
        b.append(dataBytes, '\0');
        return QByteArray::fromStdString(b);
    };
    const std::string f4x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    QTest::newRow("empty file") << QByteArray() << "not a .npy file";
    QTest::newRow("text file") << QByteArray("hello world, not numpy") << "not a .npy file";
    QTest::newRow("version 9") << make(f4x3, 12, 9) << "unsupported .npy version 9";
    QTest::newRow("truncated header length")
        << QByteArray("\x93NUMPY\x01\x00\x50", 9) << "truncated .npy header";
    QTest::newRow("header longer than file")
        << QByteArray::fromStdString(header(1, f4x3).substr(0, 30)) << "truncated .npy header";
    QTest::newRow("truncated data") << make(f4x3, 11) << "truncated .npy data";
    QTest::newRow("trailing bytes") << make(f4x3, 13) << "bytes after the data";
    QTest::newRow("fortran order")
        << make("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", 12) << "Fortran-order";
    QTest::newRow("big endian") << make("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
                                        12)
                                << "big-endian";
    QTest::newRow("complex dtype")
        << make("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", 24)
        << "unsupported .npy dtype '<c8'";
    QTest::newRow("rank 6")
        << make("{'descr': '|u1', 'fortran_order': False, 'shape': (1,1,1,1,1,1), }", 1)
        << "rank 6";
    QTest::newRow("absurd shape, tiny file")
        << make("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", 8)
        << "more than 2^31";
    QTest::newRow("overflowing shape entry")
        << make("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
                8)
        << "absurdly large";
    QTest::newRow("negative dimension")
        << make("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", 0)
        << "non-negative integers";
    QTest::newRow("missing shape")
        << make("{'descr': '<f4', 'fortran_order': False, }", 0) << "no 'shape'";
    QTest::newRow("unknown key")
        << make("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'evil': 1}", 12)
        << "unexpected key 'evil'";
    QTest::newRow("not a dict") << make("[1, 2, 3]", 0) << "does not start with '{'";
    QTest::newRow("unterminated string") << make("{'descr: <f4", 0) << "malformed .npy header";
}

void NpyTest::rejectsMalformed() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const NpyReadResult r =
        parseNpy(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    QVERIFY(!r.ok());
    QVERIFY(r.tensor.isNull());
    QVERIFY2(QString::fromStdString(r.error).contains(expected), r.error.c_str());
}

void NpyTest::survivesRandomCorruption() {
    Tensor t = Tensor::zeros({3, 4}, DType::Float32);
    const std::string good = encodeNpy(t);
    std::mt19937 rng(11);
    int accepted = 0;
    for (int trial = 0; trial < 5000; ++trial) {
        std::string bad = good;
        const int edits = 1 + int(rng() % 4);
        for (int e = 0; e < edits; ++e)
            bad[rng() % std::min<std::size_t>(bad.size(), 128)] = char(rng());
        if (rng() % 4 == 0) bad.resize(rng() % bad.size());
        const NpyReadResult r = parseNpy(bad);
        if (r.ok()) {
            ++accepted;
            QVERIFY(r.tensor.byteSize() + 10 <= bad.size()); // never reads past the end
        } else {
            QVERIFY(!r.error.empty());
        }
    }
    QVERIFY(accepted < 5000);
}

void NpyTest::writesNumpyCompatibleHeader() {
    const std::string bytes = encodeNpy(Tensor::zeros({2, 3}, DType::Float64));
    QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t headerLength = std::uint8_t(bytes[8]) | (std::uint8_t(bytes[9]) << 8);
    QCOMPARE((10 + headerLength) % 64, std::size_t(0));
    QVERIFY(bytes.find("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }") == 10);
    QCOMPARE(bytes[10 + headerLength - 1], '\n');
    QVERIFY(encodeNpy(Tensor::zeros({5}, DType::Int64)).find("'shape': (5,)") != std::string::npos);
}

namespace {

// This process's resident memory (VmRSS), in MiB; -1 where /proc is not there.
double residentMiB() {
    QFile status("/proc/self/status");
    if (!status.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024;
    return -1;
}

} // namespace

void NpyTest::mapsLargeFilesWithoutReadingThem() {
    // 100 M float32 elements (400 MB), written sparse: a header, then a hole the file
    // system does not store. Opening it must not read it.
    QTemporaryDir dir;
    const std::string path = (dir.path() + "/large.npy").toStdString();
    const Shape shape{100, 1000, 1000};
    const std::string dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (100, 1000, 1000), }";
    std::string header("\x93NUMPY\x01\x00", 8);
    std::string padded = dict;
    padded.append((64 - (10 + dict.size() + 1) % 64) % 64, ' ');
    padded += '\n';
    header += char(padded.size() & 0xff);
    header += char(padded.size() >> 8);
    header += padded;
    QCOMPARE(header.size() % 64, std::size_t(0));
    {
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(header.data(), qint64(header.size()));
        QVERIFY(f.resize(qint64(header.size()) + 400'000'000));
    }
    const double before = residentMiB();
    NpyReadResult r = readNpy(path);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.tensor.shape(), shape);
    QVERIFY(r.tensor.isMapped());
    if (before >= 0)
        QVERIFY2(residentMiB() - before < 64, qPrintable(QString::number(residentMiB() - before)));
    // Reading an element touches one page; a write stays in memory, never in the file.
    QCOMPARE(r.tensor.at(99'999'999), 0.0);
    r.tensor.data<float>()[5] = 7.0f;
    QCOMPARE(r.tensor.at(5), 7.0);
    const NpyReadResult again = readNpy(path);
    QCOMPARE(again.tensor.at(5), 0.0);
    if (before >= 0) QVERIFY(residentMiB() - before < 64);
    // A share of the mapped tensor holds the same pages without reading or copying them.
    const Tensor view = r.tensor.share();
    QVERIFY(view.isMapped() && view.isShared());
    QCOMPARE(view.raw(), std::as_const(r.tensor).raw());
    if (before >= 0) QVERIFY(residentMiB() - before < 64);
}

// Tensor::share: the same storage until one holder writes, which then writes to its own copy;
// plain copies stay deep.
void NpyTest::sharedStorageIsCopiedOnWrite() {
    Tensor a = Tensor::fromValues({2, 3}, DType::Float32, {1, 2, 3, 4, 5, 6});
    const Tensor deep = a;
    QVERIFY(!a.isShared());
    QVERIFY(std::as_const(a).raw() != deep.raw());
    Tensor b = a.share();
    QVERIFY(a.isShared() && b.isShared());
    QCOMPARE(std::as_const(b).raw(), std::as_const(a).raw());
    b.set(0, 10); // b's first write: b copies, a keeps its values
    QVERIFY(!a.isShared() && !b.isShared());
    QCOMPARE(a.at(0), 1.0);
    QCOMPARE(b.at(0), 10.0);
    Tensor c = a.share();
    a.data<float>()[1] = 20; // the original's write: the share keeps the old value
    QCOMPARE(c.at(1), 2.0);
    QCOMPARE(a.at(1), 20.0);
    QCOMPARE(c.toVector(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
    c.reshape({3, 2}); // shape is the holder's own
    QCOMPARE(a.shape(), (Shape{2, 3}));
    Tensor d = c.share();
    c = Tensor(); // the last other holder gone: d writes in place
    const void* before = std::as_const(d).raw();
    d.set(5, 60);
    QCOMPARE(std::as_const(d).raw(), before);
}

QTEST_GUILESS_MAIN(NpyTest)
#include "tst_npy.moc"
