// The Zones tab: per node its zones with spanned/present/managed, free
// pages against the watermarks as gauges, the lowmem_reserve table and
// each node's zonelist as a chain of boxes.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

class QLabel;
class QTableView;
class QVBoxLayout;

namespace mmsim::ui {

class LowmemReserveModel;
class WatermarkGauge;
class ZonelistChain;
class ZonesModel;

class ZonesView : public QWidget {
    Q_OBJECT
  public:
    explicit ZonesView(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);

    ZonesModel* zonesModel() const { return zones_; }
    LowmemReserveModel* lowmemModel() const { return lowmem_; }
    const std::vector<WatermarkGauge*>& gauges() const { return gauges_; }
    const std::vector<ZonelistChain*>& chains() const { return chains_; }

  protected:
    void changeEvent(QEvent* e) override;

  private:
    void updateLegend();

    SnapshotPtr snap_;
    QLabel* legend_ = nullptr;
    QLabel* phase_ = nullptr;
    ZonesModel* zones_ = nullptr;
    LowmemReserveModel* lowmem_ = nullptr;
    QTableView* zones_table_ = nullptr;
    QTableView* lowmem_table_ = nullptr;
    QVBoxLayout* gauge_box_ = nullptr;
    QVBoxLayout* chain_box_ = nullptr;
    std::vector<WatermarkGauge*> gauges_;
    std::vector<ZonelistChain*> chains_;
    std::vector<QWidget*> sized_; // headings and tables hidden before free_area_init
};

} // namespace mmsim::ui
