#include "ui/event_log.h"

#include "ui/view_util.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QFont>
#include <QGuiApplication>
#include <QLabel>
#include <QPalette>
#include <QTableView>
#include <QVBoxLayout>

namespace mmsim::ui {

void EventLogModel::setSnapshot(const SnapshotPtr& snap) {
    beginResetModel();
    snap_ = snap;
    endResetModel();
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || !snap_) return 0;
    return static_cast<int>(snap_->events.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

const EventSnap* EventLogModel::event(int row) const {
    if (!snap_ || row < 0 || row >= static_cast<int>(snap_->events.size())) return nullptr;
    return &snap_->events[static_cast<std::size_t>(row)];
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    const EventSnap* e = index.isValid() ? event(index.row()) : nullptr;
    if (!e) return {};
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Index:
            return index.row() + 1;
        case Event:
            return e->text;
        case Cycles:
            return QVariant::fromValue<qulonglong>(e->cycles);
        case Explanation:
            return e->explain;
        }
    }
    if (role == Qt::ToolTipRole) return e->explain;
    // Micro-stepping: the current event stands out, the ones not revealed
    // yet are greyed.
    if (snap_->micro >= 0) {
        if (role == Qt::FontRole && index.row() == snap_->micro - 1) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (role == Qt::ForegroundRole && index.row() >= snap_->micro)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Index || index.column() == Cycles))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Index:
        return tr("#");
    case Event:
        return tr("Event (ftrace)");
    case Cycles:
        return tr("Cycles");
    case Explanation:
        return tr("What and why");
    }
    return {};
}

EventLog::EventLog(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    title_ = new QLabel(this);
    title_->setToolTip(tr("The micro-events the allocator emitted during the last step"));
    lay->addWidget(title_);
    model_ = new EventLogModel(this);
    table_ = makeTable(this);
    table_->setObjectName("event-log");
    table_->setModel(model_);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setSectionResizeMode(EventLogModel::Index,
                                                     QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(EventLogModel::Cycles,
                                                     QHeaderView::ResizeToContents);
    table_->setColumnWidth(EventLogModel::Event, 520);
    table_->setToolTip(tr("Select a micro-event to read its explanation"));
    lay->addWidget(table_, 1);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) {
                emit eventSelected(model_->event(cur.row()), cur.row());
            });
}

void EventLog::setSnapshot(const SnapshotPtr& snap) {
    snap_ = snap;
    model_->setSnapshot(snap);
    if (!snap) return;
    if (snap->events_total > static_cast<int>(snap->events.size()))
        title_->setText(tr("%1 micro-events in the last step (the first %2 listed)")
                            .arg(snap->events_total)
                            .arg(snap->events.size()));
    else
        title_->setText(tr("%1 micro-event(s) in the last step").arg(snap->events_total));
    if (snap->micro >= 0) {
        title_->setText(tr("Micro-stepping: event %1 of %2 in step %3 (the greyed ones are "
                           "still to come)")
                            .arg(snap->micro)
                            .arg(snap->events_total)
                            .arg(snap->executed));
        const int row = snap->micro - 1;
        if (row >= 0 && row < model_->rowCount()) {
            // Selecting the row explains it (eventSelected).
            table_->setCurrentIndex(model_->index(row, 0));
            table_->scrollTo(model_->index(row, 0));
            return;
        }
    }
    emit eventSelected(nullptr, -1);
}

} // namespace mmsim::ui
