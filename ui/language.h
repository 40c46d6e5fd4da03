// The interface language: English (the source strings), Simplified Chinese or Japanese, from
// resources/translations. Chosen in View > Language (kept in QSettings, applied at the next
// start) or with `normlab --lang CODE`.
#pragma once

#include <QString>
#include <QStringList>

namespace normlab::ui {

inline const QStringList kLanguages{"en", "zh_CN", "ja"};

// `requested` (from --lang) if given; else the saved choice; else, when `useSystem`, the
// system's language if it is one of kLanguages; else "en".
QString interfaceLanguage(const QString& requested, bool useSystem);
void saveInterfaceLanguage(const QString& code);
// The language the interface runs in (set once at start; "en" unless set).
void setActiveLanguage(const QString& code);
QString activeLanguage();
// The language's own name: "English", "简体中文", "日本語".
QString languageName(const QString& code);

} // namespace normlab::ui
