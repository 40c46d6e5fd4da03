#include "language.h"

#include <QLocale>
#include <QSettings>

namespace normlab::ui {

QString interfaceLanguage(const QString& requested, bool useSystem) {
    if (!requested.isEmpty()) return requested;
    const QString saved = QSettings().value("view/language").toString();
    if (kLanguages.contains(saved)) return saved;
    if (useSystem) {
        const QLocale system = QLocale::system();
        if (system.language() == QLocale::Chinese &&
            system.script() != QLocale::TraditionalHanScript)
            return "zh_CN";
        if (system.language() == QLocale::Japanese) return "ja";
    }
    return "en";
}

void saveInterfaceLanguage(const QString& code) {
    QSettings().setValue("view/language", code);
}

namespace {
QString active = QStringLiteral("en");
}

void setActiveLanguage(const QString& code) {
    active = code;
}

QString activeLanguage() {
    return active;
}

QString languageName(const QString& code) {
    if (code == "zh_CN") return QStringLiteral("简体中文");
    if (code == "ja") return QStringLiteral("日本語");
    return QStringLiteral("English");
}

} // namespace normlab::ui
