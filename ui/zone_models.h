// Zones as tables: sizes and watermarks of every populated zone, and the
// lowmem_reserve (zoneinfo "protection") table.
#pragma once

#include "ui/snapshot.h"

#include <QAbstractTableModel>

namespace mmsim::ui {

// The zones to list: populated ones (present pages), in node order.
std::vector<ZoneSnap> populatedZones(const std::vector<NodeSnap>& nodes);

class ZonesModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Zone, Start, Spanned, Present, Managed, Free, Min, Low, High, ColumnCount };
    explicit ZonesModel(QObject* parent = nullptr);
    void setZones(std::vector<ZoneSnap> zones);
    const std::vector<ZoneSnap>& zones() const { return zones_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

  private:
    std::vector<ZoneSnap> zones_;
};

class LowmemReserveModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    explicit LowmemReserveModel(QObject* parent = nullptr);
    void setZones(std::vector<ZoneSnap> zones, QStringList zone_names);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

  private:
    std::vector<ZoneSnap> zones_;
    QStringList names_; // column headers: every zone type
};

} // namespace mmsim::ui
