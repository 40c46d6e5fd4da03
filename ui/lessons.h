// Built-in lessons (resources/lessons/lessons.json, written by make_lessons.py there).
//
// A lesson is a list of steps. A step has a text per language ("en", "zh_CN", "ja"), an
// optional "setup" (a session object, as session_file.h reads: it replaces the workbench's
// state and selects a view when the step is entered) and an optional "expect": what the
// learner is asked to do, as a set of keys the workbench state must match:
//   variant (name), num_features, num_groups, normalized_shape ([...]), affine, training,
//   estimate, momentum (number or null), reestimate, lengths ([...]), batch (N),
//   mean (input mean), dtype ("float32"/"float64"), view (a view id, e.g. "gradients").
// applyExpectation() performs the step for the learner ("Show me").
#pragma once

#include "session_file.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace normlab::ui {

struct LessonStep {
    QString text; // rich text in the chosen language
    std::optional<Session> setup;
    QJsonObject expect;
};

struct Lesson {
    QString id, title;
    std::vector<LessonStep> steps;
};

// The built-in lessons in `language` (English where a text lacks that language). Sets
// *error (and returns none) when the resource is unreadable.
std::vector<Lesson> loadLessons(const QString& language, QString* error = nullptr);
// The same from the bytes of a lessons file; none, with *error set, when any part of it is
// unreadable (nothing is loaded halfway).
std::vector<Lesson> lessonsFromJson(const QByteArray& json, const QString& language,
                                    QString* error = nullptr);

// Whether `state` with view `viewId` visible does what `expect` asks; `missing` (if given)
// lists the keys that do not match yet.
bool expectationMet(const QJsonObject& expect, const WorkbenchState& state, const QString& viewId,
                    QStringList* missing = nullptr);

// `state` changed to meet `expect` (the view key is not part of the state: see viewOf).
WorkbenchState applyExpectation(const QJsonObject& expect, WorkbenchState state);

} // namespace normlab::ui
