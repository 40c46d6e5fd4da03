// libFuzzer target: lesson files (the built-in format a teacher's file uses too). A file is
// read whole, in each interface language, or refused with a message.
#include "lessons.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace normlab::ui;
    const QByteArray json(reinterpret_cast<const char*>(data), qsizetype(size));
    for (const char* language : {"en", "zh_CN", "ja"}) {
        QString error;
        const std::vector<Lesson> lessons = lessonsFromJson(json, language, &error);
        for (const Lesson& lesson : lessons)
            for (const LessonStep& step : lesson.steps) {
                WorkbenchState state = step.setup ? step.setup->state : WorkbenchState{};
                (void)expectationMet(step.expect, state, QStringLiteral("slices"));
                (void)applyExpectation(step.expect, state);
            }
    }
    return 0;
}
