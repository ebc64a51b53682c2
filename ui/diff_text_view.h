// A read-only monospace text that highlights the lines which changed since
// the previous text it was given (a line counts as changed when the
// previous text did not have it, so insertions do not mark what follows).
#pragma once

#include <QPlainTextEdit>

namespace mmsim::ui {

class DiffTextView : public QPlainTextEdit {
    Q_OBJECT
  public:
    explicit DiffTextView(QWidget* parent = nullptr);
    // Replaces the text; returns the number of changed lines.
    int setTextDiff(const QString& text, bool highlight = true);
    const QList<int>& changedLines() const { return changed_; }

    // A font with only the family set, so the size follows the window's.
    static QFont monoFont();

  protected:
    void changeEvent(QEvent* e) override;

  private:
    void applyHighlight();
    QList<int> changed_;
};

} // namespace mmsim::ui
