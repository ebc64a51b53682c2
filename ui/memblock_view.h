// The memblock tab: the memory and reserved arrays on one address axis and
// as tables (base, end, size, nid, flags), with the last memblock=debug
// lines the kernel printed.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QTableView;

namespace mmsim::ui {

class AddressBar;
class DiffTextView;
class RegionTableModel;

class MemblockView : public QWidget {
    Q_OBJECT
  public:
    explicit MemblockView(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);

    RegionTableModel* memoryModel() const { return memory_; }
    RegionTableModel* reservedModel() const { return reserved_; }
    AddressBar* addressBar() const { return bar_; }

  protected:
    void changeEvent(QEvent* e) override;

  private:
    void rebuildBar();

    SnapshotPtr snap_;
    AddressBar* bar_ = nullptr;
    QCheckBox* log_ = nullptr;
    QLabel* legend_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* memory_title_ = nullptr;
    QLabel* reserved_title_ = nullptr;
    RegionTableModel* memory_ = nullptr;
    RegionTableModel* reserved_ = nullptr;
    QTableView* memory_table_ = nullptr;
    QTableView* reserved_table_ = nullptr;
    DiffTextView* debug_ = nullptr;
};

} // namespace mmsim::ui
