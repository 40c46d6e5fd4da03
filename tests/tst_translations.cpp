// The zh_CN and ja translations are complete for the code as it is: lupdate is run over
// today's sources into copies of the .ts files, and no message may be unfinished, empty,
// or lose a placeholder (%1...) or a menu mnemonic (&). Without lupdate (qt6-l10n-tools)
// the committed files are checked as they are.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

namespace {

const QString kSource = QStringLiteral(NORMLAB_SOURCE_DIR);

QString lupdatePath() {
    for (const QString& p :
         {QStringLiteral("/usr/lib/qt6/bin/lupdate"), QStringLiteral("/usr/bin/lupdate6")})
        if (QFile::exists(p)) return p;
    return {};
}

QStringList placeholders(const QString& text) {
    QStringList found;
    for (const auto& m : QRegularExpression("%\\d").globalMatch(text)) found << m.captured();
    found.sort();
    return found;
}

} // namespace

class TranslationsTest : public QObject {
    Q_OBJECT
  private slots:
    void everyMessageIsTranslated_data();
    void everyMessageIsTranslated();
};

void TranslationsTest::everyMessageIsTranslated_data() {
    QTest::addColumn<QString>("file");
    for (const char* language : {"zh_CN", "ja"})
        QTest::newRow(language)
            << QStringLiteral("%1/resources/translations/normlab_%2.ts").arg(kSource, language);
}

void TranslationsTest::everyMessageIsTranslated() {
    QFETCH(QString, file);
    QVERIFY2(QFile::exists(file), qPrintable(file));
    QTemporaryDir dir;
    QString checked = dir.filePath("copy.ts");
    QVERIFY(QFile::copy(file, checked));
    QFile::setPermissions(checked, QFile::ReadOwner | QFile::WriteOwner);
    if (const QString lupdate = lupdatePath(); !lupdate.isEmpty()) {
        QProcess p;
        p.start(lupdate, {"-no-obsolete", "-locations", "none", kSource + "/ui", kSource + "/app",
                          "-ts", checked});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    } else {
        qWarning("lupdate not found: checking the committed file without refreshing it");
    }
    QFile ts(checked);
    QVERIFY(ts.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&ts);
    int messages = 0;
    QString source;
    QStringList problems;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        if (xml.name() == u"source") source = xml.readElementText();
        if (xml.name() != u"translation") continue;
        ++messages;
        const bool unfinished = xml.attributes().value("type") == u"unfinished";
        const QString translation = xml.readElementText();
        if (unfinished || translation.isEmpty())
            problems << "untranslated: " + source;
        else if (placeholders(source) != placeholders(translation))
            problems << "placeholders differ: " + source + " -> " + translation;
        else if (source.contains(QRegularExpression("&[A-Za-z]")) && !translation.contains('&'))
            problems << "mnemonic lost: " + source + " -> " + translation;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 250);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join("\n")));
}

QTEST_GUILESS_MAIN(TranslationsTest)
#include "tst_translations.moc"
