// The NUMA topology as tables: one row per node (CPUs, memory, span) and
// the node distance matrix (SLIT).
#pragma once

#include "ui/snapshot.h"

#include <QAbstractTableModel>

namespace mmsim::ui {

class NodesModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Node, Cpus, Memory, Start, End, Zones, ColumnCount };
    explicit NodesModel(QObject* parent = nullptr);
    void setNodes(std::vector<NodeSnap> nodes);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

  private:
    std::vector<NodeSnap> nodes_;
};

class DistanceModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    explicit DistanceModel(QObject* parent = nullptr);
    void setDistance(std::vector<std::vector<int>> d);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

  private:
    std::vector<std::vector<int>> d_;
};

// "0-3,6" for a CPU list.
QString cpuListText(const std::vector<int>& cpus);

} // namespace mmsim::ui
