#include "lessons.h"

#include "view_ids.h"

#include "spec_json.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace normlab::ui {

namespace {

QString textIn(const QJsonObject& texts, const QString& language) {
    const QString text = texts.value(language).toString();
    return text.isEmpty() ? texts.value("en").toString() : text;
}

std::vector<std::int64_t> integers(const QJsonValue& value) {
    std::vector<std::int64_t> out;
    for (const QJsonValue& v : value.toArray()) out.push_back(v.toInteger());
    return out;
}

} // namespace

Shape inputShapeOf(const WorkbenchState& state) {
    return state.loadedInput ? state.loadedInput->shape() : state.recipe.shape;
}

std::int64_t validElementsOf(const WorkbenchState& state) {
    const Shape shape = inputShapeOf(state);
    std::int64_t total = 1;
    for (std::int64_t d : shape) total *= d;
    if (state.mask) {
        std::int64_t valid = 0;
        for (std::int64_t i = 0; i < state.mask->size(); ++i) valid += state.mask->at(i) != 0;
        return valid;
    }
    if (state.lengths.empty() || shape.size() < 2 || shape[0] * shape.back() == 0) return total;
    const std::int64_t steps = shape.back(), perStep = total / (shape[0] * steps);
    std::int64_t valid = 0;
    for (std::size_t n = 0; n < state.lengths.size() && std::int64_t(n) < shape[0]; ++n)
        valid += std::clamp<std::int64_t>(state.lengths[n], 0, steps) * perStep;
    return valid;
}

std::vector<Lesson> loadLessons(const QString& language, QString* error) {
    QFile file(":/lessons/lessons.json");
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = QObject::tr("the built-in lessons are missing");
        return {};
    }
    return lessonsFromJson(file.readAll(), language, error);
}

namespace {

const QStringList& expectKeys() {
    static const QStringList keys{"variant",    "num_features", "num_groups", "normalized_shape",
                                  "affine",     "training",     "estimate",   "momentum",
                                  "reestimate", "lengths",      "batch",      "mean",
                                  "spread",     "mask",         "valid",      "dtype",
                                  "view"};
    return keys;
}

const QStringList& quizSources() {
    static const QStringList sources{"count", "mean", "var", "running_mean", "running_var"};
    return sources;
}

// A lesson's text as the renderer may see it: the format allows <b> <i> <code> <br> and
// nothing else, so everything is escaped and exactly those tags are put back. No other tag
// reaches QTextDocument: no <img> or stylesheet loads a path (a FIFO, /dev/zero), no nested
// tables cost exponential layout time.
QString restrictedHtml(const QString& text) {
    static const QRegularExpression allowed(QStringLiteral("&lt;(/?)(b|i|code)&gt;"),
                                            QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression lineBreak(QStringLiteral("&lt;br\\s*/?&gt;"),
                                              QRegularExpression::CaseInsensitiveOption);
    QString html = text.toHtmlEscaped();
    html.replace(allowed, QStringLiteral("<\\1\\2>"));
    html.replace(lineBreak, QStringLiteral("<br>"));
    return html;
}

// Why a task's value can never be met (an unknown variant, view or dtype), or empty.
QString unmeetableValue(const QString& key, const QJsonValue& value) {
    const std::string name = value.toString().toStdString();
    if (key == "variant" && !variantFromName(name))
        return QObject::tr("task \"variant\" names \"%1\", which is no variant")
            .arg(value.toString());
    if (key == "view" && !isViewId(value.toString()))
        return QObject::tr("task \"view\" names \"%1\", which is no view").arg(value.toString());
    if (key == "dtype" && !dtypeFromName(name))
        return QObject::tr("task \"dtype\" names \"%1\", which is no dtype").arg(value.toString());
    return {};
}

// Reads one step's quiz; empty on success, else why not.
QString readQuiz(const QJsonObject& o, const QString& language, LessonQuiz& quiz) {
    quiz.explain = restrictedHtml(textIn(o.value("explain").toObject(), language));
    if (o.contains("choices")) {
        const QJsonArray choices = o.value("choices").toArray();
        if (choices.size() < 2 || choices.size() > 10)
            return QObject::tr("a quiz needs 2 to 10 choices");
        for (const QJsonValue& c : choices) {
            const QString text = textIn(c.toObject(), language);
            if (text.isEmpty()) return QObject::tr("a quiz choice has no English text");
            quiz.choices << text;
        }
        const QJsonValue answer = o.value("answer");
        if (!answer.isDouble() || answer.toInteger(-1) < 0 ||
            answer.toInteger(-1) >= choices.size())
            return QObject::tr("the quiz's \"answer\" is not the index of one of its choices");
        quiz.kind = LessonQuiz::Kind::Choice;
        quiz.answer = int(answer.toInteger());
        return {};
    }
    const QJsonObject value = o.value("value").toObject();
    quiz.of = value.value("of").toString();
    if (!quizSources().contains(quiz.of))
        return QObject::tr("a quiz needs \"choices\" or a \"value\" of %1")
            .arg(quizSources().join(", "));
    quiz.index = value.value("index").toInteger(-1);
    if (quiz.index < 0) return QObject::tr("the quiz's value needs an \"index\" of 0 or more");
    quiz.tolerance = o.value("tolerance").toDouble(-1);
    if (!(quiz.tolerance > 0 && quiz.tolerance <= 1))
        return QObject::tr("the quiz needs a \"tolerance\" above 0 and at most 1");
    quiz.kind = LessonQuiz::Kind::Number;
    return {};
}

} // namespace

std::vector<Lesson> lessonsFromJson(const QByteArray& json, const QString& language,
                                    QString* error) {
    const auto refuse = [&](const QString& why) {
        if (error) *error = why;
        return std::vector<Lesson>{};
    };
    if (json.size() > kMaxLessonsFileBytes)
        return refuse(QObject::tr("the file is larger than %1 MB").arg(kMaxLessonsFileBytes >> 20));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
        doc.object().value("normlab_lessons").toInt() != 1)
        return refuse(
            QObject::tr("not a lessons file (a JSON object with \"normlab_lessons\": 1)"));
    const QJsonArray all = doc.object().value("lessons").toArray();
    if (all.isEmpty()) return refuse(QObject::tr("the file holds no lesson"));
    std::vector<Lesson> lessons;
    for (qsizetype l = 0; l < all.size(); ++l) {
        const QJsonObject o = all[l].toObject();
        Lesson lesson{o.value("id").toString(), textIn(o.value("title").toObject(), language), {}};
        const QString where = QObject::tr("lesson %1").arg(l + 1);
        if (lesson.title.isEmpty()) return refuse(where + ": " + QObject::tr("no English title"));
        const QJsonArray steps = o.value("steps").toArray();
        if (steps.isEmpty()) return refuse(where + ": " + QObject::tr("no step"));
        for (qsizetype k = 0; k < steps.size(); ++k) {
            const QJsonObject so = steps[k].toObject();
            const QString at = QObject::tr("lesson %1, step %2").arg(l + 1).arg(k + 1);
            LessonStep step{textIn(so.value("text").toObject(), language),
                            std::nullopt,
                            so.value("expect").toObject(),
                            {}};
            if (step.text.isEmpty()) return refuse(at + ": " + QObject::tr("no English text"));
            if (step.text.size() > kMaxStepTextChars)
                return refuse(
                    at + ": " +
                    QObject::tr("the text is longer than %1 characters").arg(kMaxStepTextChars));
            step.text = restrictedHtml(step.text);
            for (const QString& key : step.expect.keys()) {
                if (!expectKeys().contains(key))
                    return refuse(at + ": " + QObject::tr("unknown task key \"%1\"").arg(key));
                if (const QString why = unmeetableValue(key, step.expect.value(key));
                    !why.isEmpty())
                    return refuse(at + ": " + why);
            }
            if (so.contains("setup")) {
                Session session;
                const QString why =
                    sessionFromJson(QJsonDocument(so.value("setup").toObject()).toJson(), session);
                if (!why.isEmpty()) return refuse(at + ": " + why);
                step.setup = session;
            }
            if (so.contains("quiz")) {
                const QString why = readQuiz(so.value("quiz").toObject(), language, step.quiz);
                if (!why.isEmpty()) return refuse(at + ": " + why);
            }
            lesson.steps.push_back(std::move(step));
        }
        lessons.push_back(std::move(lesson));
    }
    return lessons;
}

QString readLessonsFile(const QString& path, QByteArray* bytes) {
    const QFileInfo info(path);
    if (!info.isFile()) return QObject::tr("%1 is not a file").arg(path);
    if (info.size() > kMaxLessonsFileBytes)
        return QObject::tr("%1 is larger than %2 MB").arg(path).arg(kMaxLessonsFileBytes >> 20);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return QObject::tr("cannot read %1").arg(path);
    *bytes = file.read(kMaxLessonsFileBytes + 1);
    return {};
}

std::optional<double> quizValue(const LessonQuiz& quiz, const NormResult& result, QString* why) {
    const auto none = [&](const QString& reason) {
        if (why) *why = reason;
        return std::optional<double>{};
    };
    if (!result.ok()) return none(QObject::tr("the configuration does not run"));
    const Tensor* t = quiz.of == "count"          ? &result.count
                      : quiz.of == "mean"         ? &result.mean
                      : quiz.of == "var"          ? &result.var
                      : quiz.of == "running_mean" ? &result.runningMean
                      : quiz.of == "running_var"  ? &result.runningVar
                                                  : nullptr;
    if (!t || t->isNull()) return none(QObject::tr("this configuration has no %1").arg(quiz.of));
    if (quiz.index >= t->size())
        return none(QObject::tr("there is no %1 number %2").arg(quiz.of).arg(quiz.index));
    return t->at(quiz.index);
}

bool quizAnswerIsRight(const LessonQuiz& quiz, double typed, double value) {
    return std::fabs(typed - value) <= quiz.tolerance * std::max(1.0, std::fabs(value));
}

bool expectationMet(const QJsonObject& expect, const WorkbenchState& state, const QString& viewId,
                    QStringList* missing) {
    const NormSpec& s = state.spec;
    QStringList unmet;
    for (auto it = expect.begin(); it != expect.end(); ++it) {
        const QString key = it.key();
        const QJsonValue v = it.value();
        bool ok = true;
        if (key == "variant")
            ok = variantName(s.variant) == v.toString().toStdString();
        else if (key == "num_features")
            ok = s.numFeatures.value_or(-1) == v.toInteger();
        else if (key == "num_groups")
            ok = s.numGroups.value_or(-1) == v.toInteger();
        else if (key == "normalized_shape")
            ok = s.normalizedShape == integers(v);
        else if (key == "affine")
            ok = s.affine == v.toBool();
        else if (key == "training")
            ok = s.training == v.toBool();
        else if (key == "estimate")
            ok = s.estimate == v.toBool();
        else if (key == "momentum")
            ok = v.isNull() ? !s.momentum : (s.momentum && *s.momentum == v.toDouble());
        else if (key == "reestimate")
            ok = state.reestimateInverse == v.toBool();
        else if (key == "lengths")
            ok = state.lengths == integers(v);
        else if (key == "batch")
            ok = !state.recipe.shape.empty() && state.recipe.shape[0] == v.toInteger();
        else if (key == "mean")
            ok =
                std::fabs(state.recipe.mean - v.toDouble()) <= 1e-9 * (1 + std::fabs(v.toDouble()));
        else if (key == "mask")
            ok = bool(state.mask) == v.toBool();
        else if (key == "valid")
            ok = validElementsOf(state) == v.toInteger(-1);
        else if (key == "spread")
            ok = std::fabs(state.recipe.spread - v.toDouble()) <=
                 1e-9 * (1 + std::fabs(v.toDouble()));
        else if (key == "dtype")
            ok = dtypeName(state.recipe.dtype) == v.toString().toStdString();
        else if (key == "view")
            ok = viewId.compare(v.toString(), Qt::CaseInsensitive) == 0;
        else
            ok = false; // an unknown key can never be met: a lesson bug, shown as such
        if (!ok) unmet << key;
    }
    if (missing) *missing = unmet;
    return unmet.isEmpty();
}

WorkbenchState applyExpectation(const QJsonObject& expect, WorkbenchState state) {
    if (expect.contains("batch") && !state.recipe.shape.empty()) {
        state.recipe.shape[0] = expect.value("batch").toInteger();
        state.loadedInput.reset();
        state.mask.reset();
        state.lengths.clear();
    }
    if (expect.contains("variant")) {
        const auto variant = variantFromName(expect.value("variant").toString().toStdString());
        if (variant) {
            const DType dtype = state.spec.dtype;
            state.spec = specFittingShape(*variant, state.recipe.shape);
            state.spec.dtype = dtype;
        }
    }
    NormSpec& s = state.spec;
    if (expect.contains("num_features")) s.numFeatures = expect.value("num_features").toInteger();
    if (expect.contains("num_groups")) s.numGroups = expect.value("num_groups").toInteger();
    if (expect.contains("normalized_shape"))
        s.normalizedShape = integers(expect.value("normalized_shape"));
    if (expect.contains("affine")) s.affine = expect.value("affine").toBool();
    if (expect.contains("training")) s.training = expect.value("training").toBool();
    if (expect.contains("estimate")) s.estimate = expect.value("estimate").toBool();
    if (expect.contains("momentum"))
        s.momentum = expect.value("momentum").isNull()
                         ? std::nullopt
                         : std::optional<double>(expect.value("momentum").toDouble());
    if (expect.contains("reestimate"))
        state.reestimateInverse = expect.value("reestimate").toBool();
    if (expect.contains("lengths")) {
        state.lengths = integers(expect.value("lengths"));
        state.mask.reset();
    }
    if (expect.contains("mean")) state.recipe.mean = expect.value("mean").toDouble();
    if (expect.contains("spread")) state.recipe.spread = expect.value("spread").toDouble();
    if (expect.contains("mask")) {
        if (!expect.value("mask").toBool()) {
            state.mask.reset();
        } else if (!state.mask) { // a mask hiding the last position of every run
            const Shape shape = inputShapeOf(state);
            Tensor mask = Tensor::filled(shape, DType::UInt8, 1.0);
            const std::int64_t steps = shape.empty() ? 1 : shape.back();
            for (std::int64_t i = steps - 1; i < mask.size(); i += steps) mask.set(i, 0.0);
            state.mask = std::make_shared<const Tensor>(std::move(mask));
            state.lengths.clear();
        }
    }
    if (expect.contains("valid")) { // as lengths, filling samples in turn, where it divides
        const Shape shape = inputShapeOf(state);
        std::int64_t total = 1;
        for (std::int64_t d : shape) total *= d;
        const std::int64_t wanted = expect.value("valid").toInteger(-1);
        if (shape.size() >= 2 && shape[0] * shape.back() > 0 && wanted >= 0 && wanted <= total) {
            const std::int64_t steps = shape.back(), perStep = total / (shape[0] * steps);
            if (wanted % perStep == 0) {
                std::int64_t left = wanted / perStep;
                state.lengths.assign(std::size_t(shape[0]), 0);
                for (std::int64_t& length : state.lengths) {
                    length = std::min(steps, left);
                    left -= length;
                }
                state.mask.reset();
            }
        }
    }
    if (expect.contains("dtype")) {
        if (const auto dtype = dtypeFromName(expect.value("dtype").toString().toStdString())) {
            state.recipe.dtype = *dtype;
            state.spec.dtype = *dtype;
        }
    }
    return state;
}

} // namespace normlab::ui
