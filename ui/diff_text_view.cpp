#include "ui/diff_text_view.h"

#include "ui/theme.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHash>
#include <QScrollBar>
#include <QTextBlock>

namespace mmsim::ui {

QFont DiffTextView::monoFont() {
    QFont f;
    f.setFamilies({QFontDatabase::systemFont(QFontDatabase::FixedFont).family()});
    f.setStyleHint(QFont::Monospace);
    return f;
}

DiffTextView::DiffTextView(QWidget* parent) : QPlainTextEdit(parent) {
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(monoFont());
    setUndoRedoEnabled(false);
}

int DiffTextView::setTextDiff(const QString& text, bool highlight) {
    const QString old = toPlainText();
    if (old == text) {
        if (!changed_.isEmpty()) {
            changed_.clear();
            applyHighlight();
        }
        return 0;
    }
    QHash<QString, int> before;
    for (const QString& l : old.split('\n'))
        ++before[l];
    changed_.clear();
    const QStringList lines = text.split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        auto it = before.find(lines[i]);
        if (it != before.end() && it.value() > 0) {
            --it.value();
        } else if (!lines[i].isEmpty()) {
            changed_ << i;
        }
    }
    if (!highlight || old.isEmpty()) changed_.clear();
    const int v = verticalScrollBar()->value();
    const int h = horizontalScrollBar()->value();
    setPlainText(text);
    verticalScrollBar()->setValue(v);
    horizontalScrollBar()->setValue(h);
    applyHighlight();
    return static_cast<int>(changed_.size());
}

void DiffTextView::applyHighlight() {
    QList<QTextEdit::ExtraSelection> sels;
    const QColor bg = changedLineColor(isDark(this));
    for (int line : changed_) {
        QTextEdit::ExtraSelection s;
        s.cursor = QTextCursor(document()->findBlockByNumber(line));
        s.format.setBackground(bg);
        s.format.setProperty(QTextFormat::FullWidthSelection, true);
        sels << s;
    }
    setExtraSelections(sels);
}

void DiffTextView::changeEvent(QEvent* e) {
    QPlainTextEdit::changeEvent(e);
    if (e->type() == QEvent::PaletteChange) applyHighlight();
}

} // namespace mmsim::ui
