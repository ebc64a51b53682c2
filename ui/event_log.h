// The event log dock: the last step's micro-events, one row each: the
// ftrace-style line (formatBuddyEvent), its cost in cycles and its
// plain-language account. Selecting a row explains that micro-event.
#pragma once

#include "ui/snapshot.h"

#include <QAbstractTableModel>
#include <QWidget>

class QLabel;
class QTableView;

namespace mmsim::ui {

class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Index, Event, Cycles, Explanation, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    void setSnapshot(const SnapshotPtr& snap);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;
    const EventSnap* event(int row) const;

  private:
    SnapshotPtr snap_;
};

class EventLog : public QWidget {
    Q_OBJECT
  public:
    explicit EventLog(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);
    EventLogModel* model() const { return model_; }
    QTableView* table() const { return table_; }

  signals:
    // A micro-event was selected (nullptr: none).
    void eventSelected(const mmsim::ui::EventSnap* e, int row);

  private:
    EventLogModel* model_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* title_ = nullptr;
    SnapshotPtr snap_;
};

} // namespace mmsim::ui
