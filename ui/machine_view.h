// The Machine tab: the e820 map (firmware and kernel tables) and the NUMA
// node spans on one address axis, the nodes with their CPUs and memory,
// the distance matrix and /proc/iomem.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QTableView;

namespace mmsim::ui {

class AddressBar;
class DiffTextView;
class DistanceModel;
class NodesModel;

class MachineView : public QWidget {
    Q_OBJECT
  public:
    explicit MachineView(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);

    AddressBar* addressBar() const { return bar_; }
    NodesModel* nodesModel() const { return nodes_; }
    DistanceModel* distanceModel() const { return distance_; }
    void setLogScale(bool on);

  protected:
    void changeEvent(QEvent* e) override;

  private:
    void rebuildBar();

    SnapshotPtr snap_;
    AddressBar* bar_ = nullptr;
    QCheckBox* log_ = nullptr;
    QLabel* legend_ = nullptr;
    QLabel* summary_ = nullptr;
    NodesModel* nodes_ = nullptr;
    DistanceModel* distance_ = nullptr;
    QTableView* nodes_table_ = nullptr;
    QTableView* distance_table_ = nullptr;
    DiffTextView* iomem_ = nullptr;
};

} // namespace mmsim::ui
