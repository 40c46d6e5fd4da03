// libFuzzer target: lesson files (the built-in format a teacher's file uses too). A file is
// read whole, in each interface language, or refused with a message; each step's text and
// quiz explanation is laid out as the lesson panel lays it out (QTextDocument), so markup
// that loads a file, nests without end or lays out in exponential time is a finding (the
// run's -timeout and -malloc_limit_mb).
#include "lessons.h"

#include <QByteArray>
#include <QGuiApplication>
#include <QTextDocument>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
    static QGuiApplication app(*argc, *argv); // fonts for the layout (offscreen platform)
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab::ui;
    const QByteArray json(reinterpret_cast<const char*>(data), qsizetype(size));
    for (const char* language : {"en", "zh_CN", "ja"}) {
        QString error;
        const std::vector<Lesson> lessons = lessonsFromJson(json, language, &error);
        for (const Lesson& lesson : lessons)
            for (const LessonStep& step : lesson.steps) {
                for (const QString& html : {step.text, step.quiz.explain}) {
                    QTextDocument doc;
                    doc.setHtml(html);
                    doc.setTextWidth(400);
                    (void)doc.size();
                }
                WorkbenchState state = step.setup ? step.setup->state : WorkbenchState{};
                (void)expectationMet(step.expect, state, QStringLiteral("slices"));
                (void)applyExpectation(step.expect, state);
            }
    }
    return 0;
}
