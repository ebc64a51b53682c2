#include "ui/zone_models.h"

#include "ui/format.h"

namespace mmsim::ui {

std::vector<ZoneSnap> populatedZones(const std::vector<NodeSnap>& nodes) {
    std::vector<ZoneSnap> out;
    for (const NodeSnap& n : nodes)
        for (const ZoneSnap& z : n.zones)
            if (z.present || z.spanned) out.push_back(z);
    return out;
}

ZonesModel::ZonesModel(QObject* parent) : QAbstractTableModel(parent) {}

void ZonesModel::setZones(std::vector<ZoneSnap> zones) {
    beginResetModel();
    zones_ = std::move(zones);
    endResetModel();
}

int ZonesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(zones_.size());
}
int ZonesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ZonesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
    const ZoneSnap& z = zones_[static_cast<size_t>(index.row())];
    auto pages = [&](int col) -> std::uint64_t {
        switch (col) {
        case Spanned:
            return z.spanned;
        case Present:
            return z.present;
        case Managed:
            return z.managed;
        case Free:
            return z.free;
        case Min:
            return z.wmark[0];
        case Low:
            return z.wmark[1];
        case High:
            return z.wmark[2];
        default:
            return 0;
        }
    };
    if (role == Qt::DisplayRole) {
        if (index.column() == Zone) return tr("Node %1 %2").arg(z.nid).arg(z.name);
        if (index.column() == Start)
            return QStringLiteral("%1").arg(z.start_pfn, 0, 16).prepend("0x");
        return QVariant::fromValue<qulonglong>(pages(index.column()));
    }
    if (role == Qt::ToolTipRole) {
        if (index.column() == Zone)
            return tr("Node %1, zone %2: pfn 0x%3-0x%4")
                .arg(z.nid)
                .arg(z.name)
                .arg(z.start_pfn, 0, 16)
                .arg(z.start_pfn + z.spanned, 0, 16);
        if (index.column() == Start) return hexAddr(z.start_pfn * 4096);
        return tr("%1 pages = %2").arg(pages(index.column())).arg(pagesSize(pages(index.column())));
    }
    if (role == Qt::TextAlignmentRole && index.column() != Zone)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant ZonesModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal) return {};
    static const char* const h[] = {"zone", "start pfn", "spanned", "present", "managed",
                                    "free", "min",       "low",     "high"};
    static const char* const tips[] = {
        "node and zone",
        "zone_start_pfn",
        "pages between the zone's first and last pfn",
        "pages that exist (spanned minus holes)",
        "pages the buddy allocator manages (present minus memblock reservations)",
        "free pages in the buddy lists",
        "WMARK_MIN: below it only atomic/reclaim allocations",
        "WMARK_LOW: kswapd wakes below it",
        "WMARK_HIGH: kswapd sleeps again above it"};
    if (section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) return tr(h[section]);
    if (role == Qt::ToolTipRole) return tr(tips[section]);
    return {};
}

LowmemReserveModel::LowmemReserveModel(QObject* parent) : QAbstractTableModel(parent) {}

void LowmemReserveModel::setZones(std::vector<ZoneSnap> zones, QStringList zone_names) {
    beginResetModel();
    zones_ = std::move(zones);
    names_ = std::move(zone_names);
    endResetModel();
}

int LowmemReserveModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(zones_.size());
}
int LowmemReserveModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(names_.size());
}

QVariant LowmemReserveModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
    const ZoneSnap& z = zones_[static_cast<size_t>(index.row())];
    const auto c = static_cast<size_t>(index.column());
    const std::uint64_t v = c < z.lowmem_reserve.size() ? z.lowmem_reserve[c] : 0;
    if (role == Qt::DisplayRole) return QVariant::fromValue<qulonglong>(v);
    if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return tr("An allocation that may use %1 keeps %2 pages (%3) of Node %4 %5 free for "
                  "allocations that cannot go higher")
            .arg(names_.value(index.column()))
            .arg(v)
            .arg(pagesSize(v))
            .arg(z.nid)
            .arg(z.name);
    return {};
}

QVariant LowmemReserveModel::headerData(int section, Qt::Orientation o, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (o == Qt::Horizontal) return names_.value(section);
    if (section < 0 || section >= rowCount()) return {};
    const ZoneSnap& z = zones_[static_cast<size_t>(section)];
    return tr("Node %1 %2").arg(z.nid).arg(z.name);
}

} // namespace mmsim::ui
