// The machine editor's node table: one row per NUMA node with its memory
// (editable, memparse syntax), its CPU count (editable), and what follows
// from them: the CPU numbers and the SRAT ranges.
#pragma once

#include <QAbstractTableModel>

namespace mmsim::ui {

class MachineEditSession;

class EditorNodesModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Node, Memory, Cpus, CpuIds, Ranges, ColumnCount };
    explicit EditorNodesModel(MachineEditSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    // A node after the last one (memory of the last, one CPU).
    void addNode();
    // Removes node 'row' (never the last remaining one).
    bool removeNode(int row);

  private:
    void onChanged(int parts, QObject* origin);
    void refreshAll();

    MachineEditSession* session_;
    int rows_ = 0; // the row count the views know
};

} // namespace mmsim::ui
