// The machine editor's SLIT: node distances as an N x N table. The
// diagonal is LOCAL_DISTANCE (10) and not editable; an edited entry is
// mirrored so the matrix stays symmetric.
#pragma once

#include <QAbstractTableModel>

namespace mmsim::ui {

class MachineEditSession;

class EditorDistanceModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    explicit EditorDistanceModel(MachineEditSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

  private:
    void onChanged(int parts, QObject* origin);

    MachineEditSession* session_;
    int n_ = 0; // the size the views know
};

} // namespace mmsim::ui
