#include "ui/memblock_model.h"

#include "ui/format.h"

#include <QFontDatabase>

namespace mmsim::ui {

RegionTableModel::RegionTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RegionTableModel::setRegions(std::vector<RegionRow> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

int RegionTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RegionTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString RegionTableModel::flagsText(std::uint32_t flags) {
    if (flags == 0) return QStringLiteral("NONE");
    static const std::pair<std::uint32_t, const char*> names[] = {{0x1, "HOTPLUG"},
                                                                  {0x2, "MIRROR"},
                                                                  {0x4, "NOMAP"},
                                                                  {0x8, "DRIVER_MANAGED"},
                                                                  {0x10, "RSRV_NOINIT"}};
    QStringList parts;
    for (const auto& [bit, name] : names)
        if (flags & bit) parts << QString::fromLatin1(name);
    return parts.join('|');
}

QVariant RegionTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
    const RegionRow& r = rows_[static_cast<size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Index:
            return index.row();
        case Base:
            return hexShort(r.base);
        case End:
            return hexShort(r.end() - 1);
        case Size:
            return humanSize(r.size);
        case Nid:
            return r.nid;
        case Flags:
            return flagsText(r.flags);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole)
        return tr("%1\n%2 (%3 bytes, %4 pages)")
            .arg(memRange(r.base, r.end()), humanSize(r.size))
            .arg(r.size)
            .arg(r.size / 4096);
    if (role == Qt::TextAlignmentRole)
        return index.column() == Flags ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && (index.column() == Base || index.column() == End))
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    return {};
}

QVariant RegionTableModel::headerData(int section, Qt::Orientation o, int role) const {
    if (role != Qt::DisplayRole || o != Qt::Horizontal) return {};
    switch (section) {
    case Index:
        return tr("#");
    case Base:
        return tr("base");
    case End:
        return tr("end (incl.)");
    case Size:
        return tr("size");
    case Nid:
        return tr("nid");
    case Flags:
        return tr("flags");
    default:
        return {};
    }
}

} // namespace mmsim::ui
