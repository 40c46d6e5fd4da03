// The PyTorch code export: for every variant, masked (lengths or a painted mask) or not,
// training or eval, default or random affine parameters, float32 and float64, the snippet
// run by /usr/bin/python3 with PyTorch on the files the Code view saves reproduces the
// workbench's output. Without PyTorch (as in CI) the run is skipped with the reason; the
// checks of the text itself always run.
#include "code_export.h"
#include "recompute_controller.h"

#include "normlab/npy.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace normlab;
using namespace normlab::ui;

namespace {

struct Case {
    QString name;
    WorkbenchState state;
};

WorkbenchState stateFor(Variant v, const Shape& shape) {
    WorkbenchState s;
    s.recipe.shape = shape;
    s.recipe.mean = 3.0;
    s.recipe.spread = 2.0;
    s.spec = specFittingShape(v, shape);
    return s;
}

std::vector<Case> cases() {
    std::vector<Case> all;
    const Shape shapes[] = {{4, 6, 10}, {3, 4, 5, 6}};
    for (Variant v : kAllVariants)
        for (const Shape& shape : shapes) {
            const QString base = QString::fromStdString(std::string(variantName(v))) +
                                 QStringLiteral("_r%1").arg(shape.size());
            WorkbenchState s = stateFor(v, shape);
            all.push_back({base, s});
            WorkbenchState eval = s;
            eval.spec.training = false;
            all.push_back({base + "_eval", eval});
            WorkbenchState lengths = s;
            lengths.lengths = {shape.back(), 3, 1, 0};
            lengths.lengths.resize(std::size_t(shape[0]));
            all.push_back({base + "_lengths", lengths});
            WorkbenchState lengthsEval = lengths;
            lengthsEval.spec.training = false;
            all.push_back({base + "_lengths_eval", lengthsEval});
            WorkbenchState random = lengths;
            random.affineInit = AffineInit::Random;
            random.recipe.dtype = random.spec.dtype = DType::Float64;
            all.push_back({base + "_lengths_random_affine_f64", random});
            WorkbenchState painted = s;
            painted.affineInit = AffineInit::Random;
            Tensor mask = Tensor::filled(shape, DType::UInt8, 1.0);
            for (std::int64_t i = 0; i < mask.size(); i += 3) mask.data<std::uint8_t>()[i] = 0;
            painted.mask = std::make_shared<const Tensor>(mask);
            all.push_back({base + "_painted", painted});
        }
    // Momentum None, no affine, grouped custom axes, BCN without estimates.
    WorkbenchState cumulative = stateFor(Variant::BatchChannelNorm, {4, 6, 10});
    cumulative.spec.momentum.reset();
    all.push_back({"bcn_cumulative", cumulative});
    WorkbenchState noEstimate = cumulative;
    noEstimate.spec.estimate = false;
    noEstimate.spec.momentum = 0.1;
    all.push_back({"bcn_no_estimate", noEstimate});
    WorkbenchState grouped = stateFor(Variant::Custom, {4, 6, 10});
    grouped.spec.reduceAxes = {1, 2};
    grouped.spec.numGroups = 3;
    grouped.spec.trackRunningStats = false;
    all.push_back({"custom_groups", grouped});
    WorkbenchState plain = stateFor(Variant::InstanceNorm, {4, 6, 10});
    plain.spec.affine = false;
    plain.lengths = {10, 5, 2, 7};
    all.push_back({"instance_no_affine_lengths", plain});
    return all;
}

bool torchAvailable(QString* why) {
    QProcess p;
    p.start("/usr/bin/python3", {"-c", "import numpy, torch"});
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *why = "PyTorch is not installed for /usr/bin/python3 (apt-get install python3-torch): " +
               QString::fromLocal8Bit(p.readAllStandardError()).trimmed().section('\n', -1);
        return false;
    }
    return true;
}

// Runs every folder's snippet in one Python process (one torch import) and saves y.
QString runSnippets(const QStringList& folders) {
    QString script = "import os, sys, numpy as np\n"
                     "for d in sys.argv[1:]:\n"
                     "    os.chdir(d)\n"
                     "    ns = {}\n"
                     "    exec(open('normlab_snippet.py').read(), ns)\n"
                     "    np.save('y_torch.npy', ns['y'].detach().numpy())\n";
    QProcess p;
    p.start("/usr/bin/python3", QStringList{"-c", script} + folders);
    if (!p.waitForFinished(600000)) return "python did not finish";
    if (p.exitCode() != 0) return QString::fromLocal8Bit(p.readAllStandardError());
    return {};
}

} // namespace

class CodeExportTest : public QObject {
    Q_OBJECT
  private slots:
    void theTextNamesTheModuleOrTheFormula();
    void snippetsReproduceTheWorkbenchUnderPyTorch();
    void recipeLinesRunWithoutTheSavedInput();
    void savingNeverReplacesTheUsersFiles();
    void savingAgainReplacesNormLabsOwnFolder();
};

void CodeExportTest::theTextNamesTheModuleOrTheFormula() {
    WorkbenchState s = stateFor(Variant::BatchNorm, {3, 4, 5, 6});
    std::string code = pytorchSnippet(snippetSetupOf(s));
    QVERIFY(code.find("norm = nn.BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, "
                      "track_running_stats=True)") != std::string::npos);
    QVERIFY(code.find("masked_normalize") == std::string::npos);
    s.spec.momentum.reset();
    s.spec.training = false;
    code = pytorchSnippet(snippetSetupOf(s));
    QVERIFY(code.find("momentum=None") != std::string::npos);
    QVERIFY(code.find("norm.eval()") != std::string::npos);
    // Lengths: the loop-free masked form, no module (it would count the padding).
    s = stateFor(Variant::InstanceNorm, {2, 3, 8});
    s.lengths = {8, 5};
    code = pytorchSnippet(snippetSetupOf(s));
    QVERIFY(code.find("lengths = torch.tensor((8, 5))") != std::string::npos);
    QVERIFY(code.find("torch.arange(x.shape[-1]) < lengths") != std::string::npos);
    QVERIFY(code.find("nn.InstanceNorm1d(") == std::string::npos);
    // No Python loop over samples.
    QVERIFY(!QString::fromStdString(code).contains(
        QRegularExpression("^\\s*for\\s", QRegularExpression::MultilineOption)));
    // RMSNorm is torch ops, with the 2.4 module named.
    s = stateFor(Variant::RmsNorm, {2, 3, 8});
    code = pytorchSnippet(snippetSetupOf(s));
    QVERIFY(code.find("centered=False") != std::string::npos);
    QVERIFY(code.find("nn.RMSNorm((8,)") != std::string::npos);
    QCOMPARE(pythonFloat(1e-5), std::string("1e-05"));
    QCOMPARE(pythonFloat(0.1), std::string("0.1"));
    QCOMPARE(pythonFloat(3.0), std::string("3.0"));
}

void CodeExportTest::snippetsReproduceTheWorkbenchUnderPyTorch() {
    QString why;
    if (!torchAvailable(&why)) QSKIP(qPrintable(why));
    QTemporaryDir dir;
    QStringList folders;
    std::vector<std::shared_ptr<ComputeOutcome>> outcomes;
    const std::vector<Case> all = cases();
    for (const Case& c : all) {
        auto outcome = RecomputeController::compute(c.state, 1);
        QVERIFY2(outcome->inputError.isEmpty() && outcome->result.ok(),
                 qPrintable(c.name + ": " + outcome->inputError +
                            QString::fromStdString(outcome->result.error)));
        const QString folder = dir.filePath(c.name);
        QVERIFY(QDir().mkpath(folder));
        QCOMPARE(writeSnippetFolder(folder, *outcome), QString());
        folders << folder;
        outcomes.push_back(outcome);
    }
    const QString error = runSnippets(folders);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (std::size_t k = 0; k < all.size(); ++k) {
        const NpyReadResult torchY =
            readNpy(QDir(folders[int(k)]).filePath("y_torch.npy").toStdString());
        QVERIFY2(torchY.ok(), qPrintable(all[k].name));
        const Tensor& y = outcomes[k]->result.output;
        QCOMPARE(torchY.tensor.shape(), y.shape());
        const double tolerance = y.dtype() == DType::Float64 ? 1e-10 : 2e-5;
        double worst = 0;
        for (std::int64_t i = 0; i < y.size(); ++i)
            worst = std::max(worst,
                             std::fabs(torchY.tensor.at(i) - y.at(i)) / (1 + std::fabs(y.at(i))));
        QVERIFY2(worst <= tolerance,
                 qPrintable(
                     QStringLiteral("%1: max relative difference %2").arg(all[k].name).arg(worst)));
    }
}

void CodeExportTest::recipeLinesRunWithoutTheSavedInput() {
    QString why;
    if (!torchAvailable(&why)) QSKIP(qPrintable(why));
    QTemporaryDir dir;
    QStringList folders;
    for (Generator g : kAllGenerators) {
        WorkbenchState s = stateFor(Variant::GroupNorm, {2, 4, 3, 5});
        s.recipe.generator = g;
        const QString folder = dir.filePath(QString::fromStdString(std::string(generatorName(g))));
        QVERIFY(QDir().mkpath(folder));
        QFile file(QDir(folder).filePath(kSnippetFileName));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(pytorchSnippet(snippetSetupOf(s))));
        file.close();
        folders << folder;
    }
    const QString error = runSnippets(folders);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const QString& folder : folders) {
        const NpyReadResult y = readNpy(QDir(folder).filePath("y_torch.npy").toStdString());
        QVERIFY2(y.ok(), qPrintable(folder));
        QCOMPARE(y.tensor.shape(), (Shape{2, 4, 3, 5}));
    }
    // The deterministic recipes draw NormLab's very values.
    for (Generator g : {Generator::Constant, Generator::Ramp, Generator::SinePerChannel,
                        Generator::Checkerboard}) {
        InputRecipe recipe;
        recipe.shape = {2, 4, 3, 5};
        recipe.generator = g;
        recipe.mean = 3.0;
        recipe.spread = 2.0;
        recipe.dtype = DType::Float64;
        WorkbenchState s = stateFor(Variant::GroupNorm, recipe.shape);
        s.recipe = recipe;
        s.spec.dtype = DType::Float64;
        s.spec.affine = false;
        const QString folder =
            dir.filePath("exact_" + QString::fromStdString(std::string(generatorName(g))));
        QVERIFY(QDir().mkpath(folder));
        QFile file(QDir(folder).filePath(kSnippetFileName));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(pytorchSnippet(snippetSetupOf(s)) + "y = x\n"));
        file.close();
        QCOMPARE(runSnippets({folder}), QString());
        const NpyReadResult x = readNpy(QDir(folder).filePath("y_torch.npy").toStdString());
        const Tensor mine = generateInput(recipe);
        double worst = 0;
        for (std::int64_t i = 0; i < mine.size(); ++i)
            worst = std::max(worst, std::fabs(x.tensor.at(i) - mine.at(i)));
        QVERIFY2(worst < 1e-12, qPrintable(QStringLiteral("%1: %2").arg(folder).arg(worst)));
    }
}

QTEST_GUILESS_MAIN(CodeExportTest)
#include "tst_code_export.moc"

namespace {

QByteArray readAllOf(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(unreadable)");
}

std::shared_ptr<const ComputeOutcome> paintedRandomOutcome() {
    WorkbenchState s = stateFor(Variant::LayerNorm, {4, 6, 10});
    s.affineInit = AffineInit::Random;
    Tensor mask = Tensor::filled(s.recipe.shape, DType::UInt8, 1.0);
    mask.data<std::uint8_t>()[0] = 0;
    s.mask = std::make_shared<const Tensor>(mask);
    return RecomputeController::compute(s, 1);
}

} // namespace

// A folder of the user's holding a file of a name the code export writes: refused before
// anything is written, every file of the user's byte for byte as it was.
void CodeExportTest::savingNeverReplacesTheUsersFiles() {
    const auto outcome = paintedRandomOutcome();
    QVERIFY(outcome->result.ok());
    for (const QString& name :
         QStringList{"input.npy", "mask.npy", "weight.npy", "bias.npy", kSnippetFileName}) {
        QTemporaryDir dir;
        const QString mine = dir.filePath(name);
        QFile f(mine);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write("the user's own " + name.toUtf8()) > 0);
        f.close();
        const QString error = writeSnippetFolder(dir.path(), *outcome);
        QVERIFY2(error.contains(mine) && error.contains("nothing was written"), qPrintable(error));
        QCOMPARE(readAllOf(mine), "the user's own " + name.toUtf8());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{name});
    }
}

// A folder NormLab saved code into before is NormLab's: saving again replaces its files, and
// a tensor memory-mapped from its input.npy keeps its values (the file is replaced, not
// truncated under the mapping).
void CodeExportTest::savingAgainReplacesNormLabsOwnFolder() {
    const auto outcome = paintedRandomOutcome();
    QTemporaryDir dir;
    QCOMPARE(writeSnippetFolder(dir.path(), *outcome), QString());
    const std::string input = QDir(dir.path()).filePath("input.npy").toStdString();
    const NpyReadResult mapped = readNpy(input);
    QVERIFY(mapped.ok());
    const double first = mapped.tensor.at(0), last = mapped.tensor.at(mapped.tensor.size() - 1);
    QCOMPARE(first, outcome->inputs.input.at(0));
    WorkbenchState other = outcome->state;
    other.recipe.mean = -40.0;
    const auto second = RecomputeController::compute(other, 1);
    QCOMPARE(writeSnippetFolder(dir.path(), *second), QString());
    QCOMPARE(readNpy(input).tensor.at(0), second->inputs.input.at(0));
    QVERIFY(second->inputs.input.at(0) != first);
    QCOMPARE(mapped.tensor.at(0), first); // the old pages, intact
    QCOMPARE(mapped.tensor.at(mapped.tensor.size() - 1), last);
    for (const QString& name : QDir(dir.path()).entryList(QDir::Files | QDir::Hidden))
        QVERIFY2(!name.contains("partial"), qPrintable(name));
}
