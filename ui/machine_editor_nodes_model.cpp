#include "ui/machine_editor_nodes_model.h"

#include "ui/format.h"
#include "ui/machine_editor_session.h"
#include "ui/numa_models.h"

#include <QBrush>
#include <QColor>

namespace mmsim::ui {

namespace {

QString rangesText(const std::vector<ByteRange>& ranges) {
    QStringList parts;
    for (const ByteRange& r : ranges)
        parts << QStringLiteral("%1-%2").arg(hexShort(r.first), hexShort(r.second - 1));
    return parts.isEmpty() ? QStringLiteral("—") : parts.join(QStringLiteral(", "));
}

} // namespace

EditorNodesModel::EditorNodesModel(MachineEditSession* session, QObject* parent)
    : QAbstractTableModel(parent), session_(session) {
    rows_ = static_cast<int>(session_->draft().nodes.size());
    connect(session_, &MachineEditSession::changed, this, &EditorNodesModel::onChanged);
}

int EditorNodesModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : rows_;
}

int EditorNodesModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EditorNodesModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_ || index.column() >= ColumnCount) return {};
    const MachineDraft& d = session_->draft();
    if (static_cast<std::size_t>(index.row()) >= d.nodes.size()) return {};
    const DraftNode& n = d.nodes[static_cast<std::size_t>(index.row())];
    const int col = index.column();
    if (role == Qt::DisplayRole) {
        switch (col) {
        case Node:
            return tr("node %1").arg(n.id);
        case Memory:
            if (!n.memory) return QString::fromStdString(n.memory_text);
            if (n.memory_text == sizeText(*n.memory) && *n.memory >= 1024)
                return QString::fromStdString(n.memory_text); // "1G" says it all
            return QStringLiteral("%1  (%2)")
                .arg(QString::fromStdString(n.memory_text), humanSize(*n.memory));
        case Cpus:
            return n.cpus;
        case CpuIds:
            return cpuListText(n.cpu_ids);
        case Ranges:
            return rangesText(n.ranges);
        }
    }
    if (role == Qt::EditRole) {
        if (col == Memory) return QString::fromStdString(n.memory_text);
        if (col == Cpus) return n.cpus;
        return data(index, Qt::DisplayRole);
    }
    if (role == Qt::ToolTipRole) {
        const QString issue = session_->issueText(DraftPart::Nodes, index.row());
        if (!issue.isEmpty()) return issue;
        switch (col) {
        case Memory:
            return tr("The node's RAM, as qemu's -numa node,mem= takes it: 1G, 512M, 0x40000000 "
                      "(the kernel's memparse syntax). 0 makes a node without memory.");
        case Cpus:
            return tr("How many CPUs the node has (0: a node with memory only)");
        case CpuIds:
            return d.custom_cpus ? tr("CPU numbers as loaded; editing a count renumbers them")
                                 : tr("CPU numbers, given to the nodes in order");
        case Ranges:
            return d.custom_ranges
                       ? tr("SRAT ranges as loaded (not the qemu-like layout); editing a size "
                            "lays every node out again")
                       : tr("SRAT ranges (end inclusive), as qemu lays the nodes out: in order, "
                            "cut around the PCI hole below 4 GiB");
        default:
            return {};
        }
    }
    if (role == Qt::BackgroundRole && session_->hasError(DraftPart::Nodes, index.row()))
        return QBrush(QColor(0xd5, 0x5e, 0x00, 70));
    if (role == Qt::TextAlignmentRole && col == Cpus)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

bool EditorNodesModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !index.isValid() || index.row() >= rows_) return false;
    const auto row = static_cast<std::size_t>(index.row());
    if (index.column() == Memory) {
        const std::string text = value.toString().trimmed().toStdString();
        // A size that does not parse is kept, marked and reported: Save
        // stays disabled until it is fixed.
        session_->edit(
            MachineEditSession::NodesPart, [&](MachineDraft& d) { d.setNodeMemory(row, text); },
            this);
        refreshAll();
        return true;
    }
    if (index.column() == Cpus) {
        bool ok = false;
        const int n = value.toInt(&ok);
        if (!ok || n < 0 || n > 1024) {
            session_->reject(tr("a node has 0 to 1024 CPUs"));
            return false;
        }
        session_->edit(
            MachineEditSession::NodesPart, [&](MachineDraft& d) { d.setNodeCpus(row, n); }, this);
        refreshAll();
        return true;
    }
    return false;
}

Qt::ItemFlags EditorNodesModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == Memory || index.column() == Cpus) f |= Qt::ItemIsEditable;
    return f;
}

QVariant EditorNodesModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) {
        static const char* const h[] = {"node", "memory", "CPUs", "CPU numbers", "SRAT ranges"};
        return tr(h[section]);
    }
    return {};
}

void EditorNodesModel::addNode() {
    beginInsertRows({}, rows_, rows_);
    session_->edit(
        MachineEditSession::NodesPart | MachineEditSession::DistancePart,
        [](MachineDraft& d) { d.addNode(); }, this);
    rows_ = static_cast<int>(session_->draft().nodes.size());
    endInsertRows();
    refreshAll();
}

bool EditorNodesModel::removeNode(int row) {
    if (row < 0 || row >= rows_ || rows_ <= 1) return false;
    beginRemoveRows({}, row, row);
    session_->edit(
        MachineEditSession::NodesPart | MachineEditSession::DistancePart,
        [row](MachineDraft& d) { d.removeNode(static_cast<std::size_t>(row)); }, this);
    rows_ = static_cast<int>(session_->draft().nodes.size());
    endRemoveRows();
    refreshAll();
    return true;
}

void EditorNodesModel::refreshAll() {
    if (rows_ > 0) emit dataChanged(index(0, 0), index(rows_ - 1, ColumnCount - 1));
}

void EditorNodesModel::onChanged(int parts, QObject* origin) {
    if (origin == this) return;
    const int rows = static_cast<int>(session_->draft().nodes.size());
    if (rows != rows_) {
        beginResetModel();
        rows_ = rows;
        endResetModel();
    } else if (parts) {
        refreshAll(); // sizes, CPU numbers or the marks of problems may have changed
    }
}

} // namespace mmsim::ui
