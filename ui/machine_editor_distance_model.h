// The machine editor's SLIT: node distances as an N x N table. The
// diagonal is LOCAL_DISTANCE (10) and not editable; an edited entry is
// mirrored (the way back set too) unless symmetric edits are switched off:
// the kernel takes an asymmetric SLIT as it is.
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
    // Whether an edit sets the way back too (on at first).
    void setSymmetricEdits(bool on) { symmetric_ = on; }
    bool symmetricEdits() const { return symmetric_; }

  private:
    void onChanged(int parts, QObject* origin);

    MachineEditSession* session_;
    int n_ = 0; // the size the views know
    bool symmetric_ = true;
};

} // namespace mmsim::ui
