// The machine editor's firmware map: one row per e820 entry with its start,
// end (inclusive, as the kernel prints it), size and type, every one
// editable; and the operations of the e820 page (add, split, retype,
// delete, generate the qemu-like map from the nodes).
#pragma once

#include <QAbstractTableModel>
#include <QStyledItemDelegate>

#include <cstdint>

namespace mmsim::ui {

class MachineEditSession;

class EditorE820Model : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Start, End, Size, Type, ColumnCount };
    explicit EditorE820Model(MachineEditSession* session, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    // A reserved entry after row 'after' (-1: at the end), from its end up
    // to the next entry (at most 1 MiB). Returns the new row.
    int addEntry(int after);
    // Splits entry 'row' at 'addr' (strictly inside it): two entries of the
    // same type. Returns false (and says why) otherwise.
    bool splitEntry(int row, std::uint64_t addr);
    bool retype(int row, std::uint32_t type);
    bool removeEntry(int row);
    // The qemu-like map for the nodes' memory (machine_editor_layout.h).
    bool generateFromNodes();

  private:
    void onChanged(int parts, QObject* origin);
    void refreshAll();

    MachineEditSession* session_;
    int rows_ = 0;
};

// The Type column's editor: a combo box of the type names.
class E820TypeDelegate : public QStyledItemDelegate {
    Q_OBJECT
  public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override;
    void setEditorData(QWidget* editor, const QModelIndex& index) const override;
    void setModelData(QWidget* editor, QAbstractItemModel* model,
                      const QModelIndex& index) const override;
};

// The type's name for people: "persistent (PMEM)" for type 7.
QString e820TypeLabel(std::uint32_t type);

} // namespace mmsim::ui
