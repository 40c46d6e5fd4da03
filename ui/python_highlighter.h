// Python syntax colouring for the PyTorch code view: keywords, builtins, numbers, strings
// (single, double and triple quoted, over several lines) and comments. A '#' inside a string
// does not start a comment, and quotes inside a comment do not start a string.
#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace normlab::ui {

class PythonHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
  public:
    enum class Kind { Plain, Keyword, Builtin, Number, String, Comment };
    explicit PythonHighlighter(QTextDocument* document);
    // The format used for `kind` (tests compare against it).
    QTextCharFormat format(Kind kind) const;

  protected:
    void highlightBlock(const QString& text) override;

  private:
    QTextCharFormat keyword_, builtin_, number_, string_, comment_;
};

} // namespace normlab::ui
