#include "lessons.h"

#include "spec_json.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

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

std::vector<Lesson> loadLessons(const QString& language, QString* error) {
    QFile file(":/lessons/lessons.json");
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = QObject::tr("the built-in lessons are missing");
        return {};
    }
    return lessonsFromJson(file.readAll(), language, error);
}

std::vector<Lesson> lessonsFromJson(const QByteArray& json, const QString& language,
                                    QString* error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error) *error = QObject::tr("not a lessons file");
        return {};
    }
    const QJsonObject root = doc.object();
    std::vector<Lesson> lessons;
    for (const QJsonValue& l : root.value("lessons").toArray()) {
        const QJsonObject o = l.toObject();
        Lesson lesson{o.value("id").toString(), textIn(o.value("title").toObject(), language), {}};
        for (const QJsonValue& s : o.value("steps").toArray()) {
            const QJsonObject so = s.toObject();
            LessonStep step{textIn(so.value("text").toObject(), language), std::nullopt,
                            so.value("expect").toObject()};
            if (so.contains("setup")) {
                Session session;
                const QString why =
                    sessionFromJson(QJsonDocument(so.value("setup").toObject()).toJson(), session);
                if (!why.isEmpty()) {
                    if (error) *error = lesson.id + ": " + why;
                    return {};
                }
                step.setup = session;
            }
            lesson.steps.push_back(std::move(step));
        }
        lessons.push_back(std::move(lesson));
    }
    return lessons;
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
    if (expect.contains("dtype")) {
        if (const auto dtype = dtypeFromName(expect.value("dtype").toString().toStdString())) {
            state.recipe.dtype = *dtype;
            state.spec.dtype = *dtype;
        }
    }
    return state;
}

} // namespace normlab::ui
