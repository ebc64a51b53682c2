#include "ui/machine_editor_distance_model.h"

#include "ui/machine_editor_session.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QPalette>

namespace mmsim::ui {

EditorDistanceModel::EditorDistanceModel(MachineEditSession* session, QObject* parent)
    : QAbstractTableModel(parent), session_(session) {
    n_ = static_cast<int>(session_->draft().distance.size());
    connect(session_, &MachineEditSession::changed, this, &EditorDistanceModel::onChanged);
}

int EditorDistanceModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : n_;
}

int EditorDistanceModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : n_;
}

QVariant EditorDistanceModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= n_ || index.column() >= n_) return {};
    const auto& dist = session_->draft().distance;
    const auto r = static_cast<std::size_t>(index.row()),
               c = static_cast<std::size_t>(index.column());
    if (r >= dist.size() || c >= dist[r].size()) return {};
    const int v = dist[r][c];
    if (role == Qt::DisplayRole || role == Qt::EditRole) return v;
    if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignCenter);
    if (role == Qt::ForegroundRole && r == c)
        return QPalette().brush(QPalette::Disabled, QPalette::Text);
    if (role != Qt::ToolTipRole && role != Qt::BackgroundRole) return {};
    // Problems are noted on one entry of a pair; both show them.
    QString issue = session_->issueText(DraftPart::Distance, index.row(), index.column());
    if (r != c) {
        const QString back = session_->issueText(DraftPart::Distance, index.column(), index.row());
        if (!back.isEmpty()) issue += (issue.isEmpty() ? "" : "\n") + back;
    }
    if (role == Qt::ToolTipRole) {
        if (!issue.isEmpty()) return issue;
        if (r == c) return tr("A node's distance to itself is always 10 (LOCAL_DISTANCE)");
        return tr("Distance from node %1 to node %2 (11..255; 20 is the usual remote "
                  "distance).%3")
            .arg(session_->draft().nodes[r].id)
            .arg(session_->draft().nodes[c].id)
            .arg(symmetric_ ? tr(" Setting it also sets the way back.")
                            : tr(" Setting it leaves the way back as it is."));
    }
    if (role == Qt::BackgroundRole) {
        if (session_->hasError(DraftPart::Distance, index.row(), index.column()))
            return QBrush(QColor(0xd5, 0x5e, 0x00, 70));
        if (!issue.isEmpty()) return QBrush(QColor(0xf0, 0xe4, 0x42, 90)); // a note: asymmetric
    }
    return {};
}

bool EditorDistanceModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !index.isValid() || index.row() >= n_ || index.column() >= n_ ||
        index.row() == index.column())
        return false;
    bool ok = false;
    const int v = value.toInt(&ok);
    if (!ok || v < 0 || v > 255) {
        session_->reject(tr("a distance is a number 11..255"));
        return false;
    }
    const auto r = static_cast<std::size_t>(index.row()),
               c = static_cast<std::size_t>(index.column());
    session_->edit(
        MachineEditSession::DistancePart,
        [&](MachineDraft& d) { d.setDistance(r, c, v, symmetric_); }, this);
    // The entry and its mirror, and the marks of problems anywhere.
    emit dataChanged(this->index(0, 0), this->index(n_ - 1, n_ - 1));
    return true;
}

Qt::ItemFlags EditorDistanceModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.row() != index.column()) f |= Qt::ItemIsEditable;
    return f;
}

QVariant EditorDistanceModel::headerData(int section, Qt::Orientation, int role) const {
    if (section < 0 || section >= n_) return {};
    const auto& nodes = session_->draft().nodes;
    if (role == Qt::DisplayRole && static_cast<std::size_t>(section) < nodes.size())
        return tr("node %1").arg(nodes[static_cast<std::size_t>(section)].id);
    return {};
}

void EditorDistanceModel::onChanged(int parts, QObject* origin) {
    if (origin == this) return;
    const int n = static_cast<int>(session_->draft().distance.size());
    if (n != n_) {
        beginResetModel();
        n_ = n;
        endResetModel();
    } else if (parts && n_ > 0) {
        emit dataChanged(index(0, 0), index(n_ - 1, n_ - 1));
        emit headerDataChanged(Qt::Horizontal, 0, n_ - 1);
        emit headerDataChanged(Qt::Vertical, 0, n_ - 1);
    }
}

} // namespace mmsim::ui
