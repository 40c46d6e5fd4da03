// Built-in lessons (resources/lessons/lessons.json, written by make_lessons.py there).
//
// A lesson is a list of steps. A step has a text per language ("en", "zh_CN", "ja"), an
// optional "setup" (a session object, as session_file.h reads: it replaces the workbench's
// state and selects a view when the step is entered) and an optional "expect": what the
// learner is asked to do, as a set of keys the workbench state must match:
//   variant (name), num_features, num_groups, normalized_shape ([...]), affine, training,
//   estimate, momentum (number or null), reestimate, lengths ([...]), batch (N),
//   mean (input mean), spread (input spread), mask (a mask is painted), valid (valid elements
//   of the input), dtype ("float32"/"float64"), view (a view id, e.g. "gradients").
// applyExpectation() performs the step for the learner ("Show me").
//
// A step may also hold a "quiz" (docs/lessons.md): a question with "choices" (texts per
// language) and the "answer" index, or a number the learner reads off the workbench,
// {"value": {"of": "count" | "mean" | "var" | "running_mean" | "running_var", "index": k},
// "tolerance": t}, checked against the compute core's own result. Either may carry an
// "explain" text shown after the answer. Files a teacher writes are read by the same code as
// the built-in lessons and refused whole, with the place and the reason, when any part is
// wrong.
#pragma once

#include "session_file.h"

#include "normlab/normalize.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace normlab::ui {

struct LessonQuiz {
    enum class Kind { None, Choice, Number };
    Kind kind = Kind::None;
    QStringList choices; // Choice: the options, in the chosen language
    int answer = -1;     // Choice: the right option
    QString of;          // Number: which result (count, mean, var, running_mean, running_var)
    std::int64_t index = 0;
    double tolerance = 0; // Number: right when |typed - value| <= tolerance * max(1, |value|)
    QString explain;      // shown once answered
};

struct LessonStep {
    QString text; // rich text in the chosen language
    std::optional<Session> setup;
    QJsonObject expect;
    LessonQuiz quiz;
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

// The input's shape, and its valid elements (under the painted mask or the lengths), as the
// workbench computes them.
Shape inputShapeOf(const WorkbenchState& state);
std::int64_t validElementsOf(const WorkbenchState& state);

// The right answer of a Number quiz, read from the workbench's result; none (with *why)
// when the result does not have it (an invalid configuration, no running statistics, an
// index out of range).
std::optional<double> quizValue(const LessonQuiz& quiz, const NormResult& result,
                                QString* why = nullptr);
bool quizAnswerIsRight(const LessonQuiz& quiz, double typed, double value);

// The largest lessons file read (a course of lessons with embedded inputs stays far below).
inline constexpr qint64 kMaxLessonsFileBytes = 32 * 1024 * 1024;
// The longest step text read (the built-in lessons' longest is under 700 characters).
inline constexpr qsizetype kMaxStepTextChars = 20000;

// The bytes of the lessons file at `path` into *bytes; empty on success, else why not (not a
// file, larger than kMaxLessonsFileBytes, unreadable), checked before anything is read.
QString readLessonsFile(const QString& path, QByteArray* bytes);

} // namespace normlab::ui
