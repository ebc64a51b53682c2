// A memblock type (memory or reserved) as a table: base, end, size, nid,
// flags, one row per region, as memblock_dump prints them.
#pragma once

#include "ui/snapshot.h"

#include <QAbstractTableModel>

namespace mmsim::ui {

class RegionTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Index, Base, End, Size, Nid, Flags, ColumnCount };
    explicit RegionTableModel(QObject* parent = nullptr);

    void setRegions(std::vector<RegionRow> rows);
    const std::vector<RegionRow>& regions() const { return rows_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    static QString flagsText(std::uint32_t flags);

  private:
    std::vector<RegionRow> rows_;
};

} // namespace mmsim::ui
