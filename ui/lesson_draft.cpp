#include "lesson_draft.h"

#include "lessons.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace normlab::ui {

namespace {

QJsonArray integers(const std::vector<std::int64_t>& values) {
    QJsonArray out;
    for (std::int64_t v : values) out.append(qint64(v));
    return out;
}

} // namespace

QByteArray LessonDraft::toJson() const {
    QJsonArray steps;
    for (const DraftStep& s : this->steps) {
        QJsonObject o{{"text", s.text}};
        if (!s.setup.isEmpty()) o.insert("setup", s.setup);
        if (!s.expect.isEmpty()) o.insert("expect", s.expect);
        if (!s.quiz.isEmpty()) o.insert("quiz", s.quiz);
        steps.append(o);
    }
    const QJsonObject lesson{{"id", id}, {"title", title}, {"steps", steps}};
    const QJsonObject root{{"normlab_lessons", 1}, {"lessons", QJsonArray{lesson}}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<LessonDraft> LessonDraft::fromJson(const QByteArray& json, QString* error,
                                                 QString* note) {
    QString why;
    if (lessonsFromJson(json, "en", &why).empty()) { // refused exactly as the dock would
        if (error) *error = why;
        return std::nullopt;
    }
    const QJsonArray lessons = QJsonDocument::fromJson(json).object().value("lessons").toArray();
    const QJsonObject first = lessons.first().toObject();
    LessonDraft draft;
    draft.id = first.value("id").toString();
    draft.title = first.value("title").toObject();
    for (const QJsonValue& v : first.value("steps").toArray()) {
        const QJsonObject o = v.toObject();
        draft.steps.push_back({o.value("text").toObject(), o.value("setup").toObject(),
                               o.value("expect").toObject(), o.value("quiz").toObject()});
    }
    if (note)
        *note = lessons.size() > 1
                    ? QObject::tr("The file holds %1 lessons; the editor shows the first.")
                          .arg(lessons.size())
                    : QString();
    return draft;
}

DraftStep stepFromWorkbench(const Session& session) {
    DraftStep step;
    step.setup = QJsonDocument::fromJson(sessionToJson(session)).object();
    return step;
}

QJsonObject conditionsMetBy(const WorkbenchState& state, const QString& viewId) {
    const NormSpec& s = state.spec;
    QJsonObject c;
    c.insert("variant", QString::fromStdString(std::string(variantName(s.variant))));
    if (s.numFeatures) c.insert("num_features", qint64(*s.numFeatures));
    if (s.numGroups) c.insert("num_groups", qint64(*s.numGroups));
    if (!s.normalizedShape.empty()) c.insert("normalized_shape", integers(s.normalizedShape));
    c.insert("affine", s.affine);
    c.insert("training", s.training);
    if (s.variant == Variant::BatchChannelNorm) c.insert("estimate", s.estimate);
    c.insert("momentum", s.momentum ? QJsonValue(*s.momentum) : QJsonValue(QJsonValue::Null));
    c.insert("reestimate", state.reestimateInverse);
    if (!state.lengths.empty()) c.insert("lengths", integers(state.lengths));
    if (!state.recipe.shape.empty()) c.insert("batch", qint64(state.recipe.shape[0]));
    c.insert("mean", state.recipe.mean);
    c.insert("spread", state.recipe.spread);
    c.insert("mask", bool(state.mask));
    c.insert("valid", qint64(validElementsOf(state)));
    c.insert("dtype", QString::fromStdString(std::string(dtypeName(state.recipe.dtype))));
    if (!viewId.isEmpty()) c.insert("view", viewId);
    return c;
}

} // namespace normlab::ui
