#include "ui/numa_models.h"

#include "ui/format.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace mmsim::ui {

QString cpuListText(const std::vector<int>& cpus) {
    QStringList parts;
    for (size_t i = 0; i < cpus.size();) {
        size_t j = i;
        while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
            ++j;
        parts << (i == j ? QString::number(cpus[i])
                         : QStringLiteral("%1-%2").arg(cpus[i]).arg(cpus[j]));
        i = j + 1;
    }
    return parts.isEmpty() ? QStringLiteral("—") : parts.join(',');
}

NodesModel::NodesModel(QObject* parent) : QAbstractTableModel(parent) {}

void NodesModel::setNodes(std::vector<NodeSnap> nodes) {
    beginResetModel();
    nodes_ = std::move(nodes);
    endResetModel();
}

int NodesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(nodes_.size());
}
int NodesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
    const NodeSnap& n = nodes_[static_cast<size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Node:
            return tr("node %1").arg(n.nid);
        case Cpus:
            return cpuListText(n.cpus);
        case Memory:
            return n.present ? pagesSize(n.present) : tr("—");
        case Start:
            return n.spanned ? hexShort(n.start_pfn * 4096) : QString("—");
        case End:
            return n.spanned ? hexShort((n.start_pfn + n.spanned) * 4096 - 1) : QString("—");
        case Zones: {
            QStringList z;
            for (const ZoneSnap& zs : n.zones)
                if (zs.present) z << zs.name;
            return z.isEmpty() ? QStringLiteral("—") : z.join(", ");
        }
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole)
        return tr("node %1: %2 present pages (%3) in a span of %4 pages; CPUs %5")
            .arg(n.nid)
            .arg(n.present)
            .arg(pagesSize(n.present))
            .arg(n.spanned)
            .arg(cpuListText(n.cpus));
    return {};
}

QVariant NodesModel::headerData(int section, Qt::Orientation o, int role) const {
    if (role != Qt::DisplayRole || o != Qt::Horizontal) return {};
    static const char* const h[] = {"node", "CPUs", "present", "start", "end (incl.)", "zones"};
    return section >= 0 && section < ColumnCount ? tr(h[section]) : QVariant();
}

DistanceModel::DistanceModel(QObject* parent) : QAbstractTableModel(parent) {}

void DistanceModel::setDistance(std::vector<std::vector<int>> d) {
    beginResetModel();
    d_ = std::move(d);
    endResetModel();
}

int DistanceModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(d_.size());
}
int DistanceModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(d_.size());
}

QVariant DistanceModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
    const auto& row = d_[static_cast<size_t>(index.row())];
    const int v = static_cast<size_t>(index.column()) < row.size()
                      ? row[static_cast<size_t>(index.column())]
                      : 0;
    if (role == Qt::DisplayRole) return v;
    if (role == Qt::TextAlignmentRole) return Qt::AlignCenter;
    if (role == Qt::ToolTipRole)
        return tr("distance from node %1 to node %2: %3 (10 = local)")
            .arg(index.row())
            .arg(index.column())
            .arg(v);
    if (role == Qt::FontRole && index.row() == index.column()) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return {};
}

QVariant DistanceModel::headerData(int section, Qt::Orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    return tr("node %1").arg(section);
}

} // namespace mmsim::ui
