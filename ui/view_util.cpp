#include "ui/view_util.h"

#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>

namespace mmsim::ui {

QLabel* makeLegend(QWidget* parent) {
    auto* l = new QLabel(parent);
    l->setTextFormat(Qt::RichText);
    l->setWordWrap(true);
    return l;
}

void setLegend(QLabel* label, const std::vector<std::pair<QColor, QString>>& items) {
    QString html;
    for (const auto& [c, name] : items)
        html += QStringLiteral("<span style=\"background-color:%1; color:%1\">&nbsp;&nbsp;&nbsp;"
                               "&nbsp;</span>&nbsp;%2&nbsp;&nbsp;&nbsp; ")
                    .arg(c.name(), name.toHtmlEscaped());
    label->setText(html);
}

QLabel* makeHeading(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setBold(true);
    l->setFont(f);
    return l;
}

QTableView* makeTable(QWidget* parent) {
    auto* t = new QTableView(parent);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->setVisible(false);
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    t->horizontalHeader()->setStretchLastSection(true);
    t->horizontalHeader()->setHighlightSections(false);
    t->setWordWrap(false);
    return t;
}

void fitTableHeight(QTableView* table, int max_rows) {
    if (!table->model()) return;
    const int rows = std::min(table->model()->rowCount(), max_rows);
    // isHidden(), not isVisible(): the table is often still hidden when its
    // first rows arrive (the Zones tab shows its tables only once zones
    // exist), and isVisible() of a hidden table's header is false, which
    // left the header's height out and cut the last row in half.
    int h =
        !table->horizontalHeader()->isHidden() ? table->horizontalHeader()->sizeHint().height() : 0;
    for (int r = 0; r < rows; ++r)
        h += table->rowHeight(r);
    if (rows == 0) h += table->verticalHeader()->defaultSectionSize();
    h += 2 * table->frameWidth();
    if (table->horizontalScrollBarPolicy() == Qt::ScrollBarAlwaysOn ||
        (table->horizontalScrollBarPolicy() == Qt::ScrollBarAsNeeded &&
         table->horizontalScrollBar()->isVisible()))
        h += table->horizontalScrollBar()->sizeHint().height();
    table->setFixedHeight(h);
}

void fitTableWidth(QTableView* table) {
    QHeaderView* header = table->horizontalHeader();
    int w = 2 * table->frameWidth();
    if (!table->verticalHeader()->isHidden()) w += table->verticalHeader()->sizeHint().width();
    const QAbstractItemModel* m = table->model();
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c)) continue;
        int col = header->sectionSizeHint(c);
        for (int r = 0; m && r < m->rowCount(); ++r)
            col = std::max(col, table->sizeHintForIndex(m->index(r, c)).width());
        w += col;
    }
    table->setMinimumWidth(w);
}

} // namespace mmsim::ui
