#include "python_highlighter.h"

#include <QRegularExpression>
#include <QSet>

namespace normlab::ui {

namespace {

// Block states: inside a triple-quoted string that the block did not close.
enum State { kNone = -1, kInTripleDouble = 1, kInTripleSingle = 2 };

const QSet<QString>& keywords() {
    static const QSet<QString> words{
        "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
        "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
        "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
        "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
    return words;
}

const QSet<QString>& builtins() {
    static const QSet<QString> words{"print", "range", "len",   "float",      "int",   "list",
                                     "tuple", "dict",  "abs",   "max",        "min",   "sum",
                                     "open",  "zip",   "round", "isinstance", "super", "self"};
    return words;
}

} // namespace

PythonHighlighter::PythonHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document) {
    keyword_.setForeground(QColor(0, 0, 160));
    keyword_.setFontWeight(QFont::Bold);
    builtin_.setForeground(QColor(110, 40, 140));
    number_.setForeground(QColor(150, 70, 0));
    string_.setForeground(QColor(0, 110, 0));
    comment_.setForeground(QColor(110, 110, 110));
    comment_.setFontItalic(true);
}

QTextCharFormat PythonHighlighter::format(Kind kind) const {
    switch (kind) {
    case Kind::Keyword:
        return keyword_;
    case Kind::Builtin:
        return builtin_;
    case Kind::Number:
        return number_;
    case Kind::String:
        return string_;
    case Kind::Comment:
        return comment_;
    case Kind::Plain:
        break;
    }
    return {};
}

void PythonHighlighter::highlightBlock(const QString& text) {
    static const QRegularExpression word(QStringLiteral("^[A-Za-z_][A-Za-z_0-9]*"));
    static const QRegularExpression number(QStringLiteral(
        "^(0[xX][0-9a-fA-F_]+|([0-9][0-9_]*\\.?[0-9_]*|\\.[0-9][0-9_]*)([eE][-+]?[0-9]+)?j?)"));
    setCurrentBlockState(kNone);
    int i = 0;
    // A triple-quoted string left open by the previous block continues here.
    if (previousBlockState() == kInTripleDouble || previousBlockState() == kInTripleSingle) {
        const QString close = previousBlockState() == kInTripleDouble ? "\"\"\"" : "'''";
        const int end = text.indexOf(close);
        if (end < 0) {
            setFormat(0, int(text.size()), string_);
            setCurrentBlockState(previousBlockState());
            return;
        }
        setFormat(0, end + 3, string_);
        i = end + 3;
    }
    while (i < text.size()) {
        const QChar c = text[i];
        if (c == '#') {
            setFormat(i, int(text.size()) - i, comment_);
            return;
        }
        if (c == '"' || c == '\'') {
            const QString triple(3, c);
            if (text.mid(i, 3) == triple) {
                const int end = text.indexOf(triple, i + 3);
                if (end < 0) {
                    setFormat(i, int(text.size()) - i, string_);
                    setCurrentBlockState(c == '"' ? kInTripleDouble : kInTripleSingle);
                    return;
                }
                setFormat(i, end + 3 - i, string_);
                i = end + 3;
                continue;
            }
            int j = i + 1;
            while (j < text.size() && text[j] != c) j += text[j] == '\\' ? 2 : 1;
            const int end = std::min(int(text.size()), j + 1);
            setFormat(i, end - i, string_);
            i = end;
            continue;
        }
        const QStringView rest = QStringView(text).mid(i);
        if (c.isLetter() || c == '_') {
            const QRegularExpressionMatch m = word.match(rest);
            const QString name = m.captured(0);
            if (keywords().contains(name))
                setFormat(i, int(name.size()), keyword_);
            else if (builtins().contains(name))
                setFormat(i, int(name.size()), builtin_);
            i += int(name.size());
            continue;
        }
        if (c.isDigit() || (c == '.' && i + 1 < text.size() && text[i + 1].isDigit())) {
            const QRegularExpressionMatch m = number.match(rest);
            const int length = std::max(1, int(m.capturedLength(0)));
            setFormat(i, length, number_);
            i += length;
            continue;
        }
        ++i;
    }
}

} // namespace normlab::ui
