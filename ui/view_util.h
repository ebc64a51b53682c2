// Small helpers the views share: legends, section titles, tables sized to
// their rows.
#pragma once

#include <QColor>
#include <QString>

#include <utility>
#include <vector>

class QLabel;
class QTableView;
class QWidget;

namespace mmsim::ui {

// A label with coloured swatches and names ("legend").
QLabel* makeLegend(QWidget* parent);
void setLegend(QLabel* label, const std::vector<std::pair<QColor, QString>>& items);
// A bold section heading.
QLabel* makeHeading(const QString& text, QWidget* parent);
// A read-only, compact table view for a small model.
QTableView* makeTable(QWidget* parent);
// Fixes the table's height to show every row (up to max_rows) without a
// vertical scroll bar.
void fitTableHeight(QTableView* table, int max_rows = 64);
// Keeps the table at least as wide as its columns sized to their contents
// (the surrounding scroll area scrolls instead of the cells eliding).
void fitTableWidth(QTableView* table);

} // namespace mmsim::ui
