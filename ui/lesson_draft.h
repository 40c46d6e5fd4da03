// A lesson being written in the lesson editor: its texts per language, and per step the
// setup (a session), the task (conditions on the workbench) and the quiz, kept as the JSON
// of the lessons file format (docs/lessons.md), which it reads and writes. No widget here.
#pragma once

#include "session_file.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace normlab::ui {

// The interface languages a lesson has texts for, English first.
inline const QStringList& lessonLanguages() {
    static const QStringList languages{"en", "zh_CN", "ja"};
    return languages;
}

struct DraftStep {
    QJsonObject text;   // language -> rich text
    QJsonObject setup;  // a session object, or empty
    QJsonObject expect; // the task, or empty
    QJsonObject quiz;   // the quiz, or empty
};

struct LessonDraft {
    QString id = "my_lesson";
    QJsonObject title; // language -> text
    std::vector<DraftStep> steps;

    // A lessons file holding this one lesson (indented JSON, stable key order).
    QByteArray toJson() const;
    // The first lesson of a lessons file; empty with *error when the file would be refused
    // by the Lesson dock (the same reader checks it), or *note set when it has more lessons
    // than the one read.
    static std::optional<LessonDraft> fromJson(const QByteArray& json, QString* error,
                                               QString* note = nullptr);
};

// A step whose setup is the workbench as it is (its state and visible view) and whose text
// is empty.
DraftStep stepFromWorkbench(const Session& session);

// Every task condition the workbench meets now (expectationMet holds for each), as
// key -> value, for the editor to offer: the variant and its module arguments, the switches,
// momentum, the lengths, the batch size, the input's mean and dtype, and the view.
QJsonObject conditionsMetBy(const WorkbenchState& state, const QString& viewId);

} // namespace normlab::ui
