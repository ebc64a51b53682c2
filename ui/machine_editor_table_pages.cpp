// The nodes page and the firmware map page of the machine editor.
#include "ui/machine_editor_distance_model.h"
#include "ui/machine_editor_e820_model.h"
#include "ui/machine_editor_nodes_model.h"
#include "ui/machine_editor_pages.h"
#include "ui/machine_editor_session.h"

#include "core/memparse.h"
#include "ui/format.h"
#include "ui/view_util.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace mmsim::ui {

namespace {

// An integer column edited with a spin box of a fixed range.
class SpinDelegate : public QStyledItemDelegate {
  public:
    SpinDelegate(int min, int max, QObject* parent)
        : QStyledItemDelegate(parent), min_(min), max_(max) {}
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&,
                          const QModelIndex&) const override {
        auto* s = new QSpinBox(parent);
        s->setRange(min_, max_);
        s->setFrame(false);
        return s;
    }

  private:
    int min_, max_;
};

QTableView* editableTable(QWidget* parent) {
    QTableView* t = makeTable(parent);
    t->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                       QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    return t;
}

QLabel* hint(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

} // namespace

// ---------------------------------------------------------------- nodes

NodesPage::NodesPage(MachineEditSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    lay->addWidget(makeHeading(tr("NUMA nodes"), this));
    nodes_ = new EditorNodesModel(session_, this);
    nodes_table_ = editableTable(this);
    nodes_table_->setObjectName("editor-nodes");
    nodes_table_->setModel(nodes_);
    nodes_table_->setItemDelegateForColumn(EditorNodesModel::Cpus, new SpinDelegate(0, 1024, this));
    nodes_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    nodes_table_->horizontalHeader()->setStretchLastSection(true);
    lay->addWidget(nodes_table_);

    auto* row = new QHBoxLayout;
    add_ = new QPushButton(tr("&Add node"), this);
    add_->setToolTip(tr("A node after the last one, with as much memory and one CPU"));
    remove_ = new QPushButton(tr("&Remove node"), this);
    remove_->setToolTip(tr("Remove the selected node (its memory and CPUs go with it)"));
    row->addWidget(add_);
    row->addWidget(remove_);
    summary_ = new QLabel(this);
    summary_->setObjectName("nodes-summary");
    row->addWidget(summary_, 1);
    lay->addLayout(row);
    srat_ = new QCheckBox(tr("Describe the NUMA layout to the kernel (ACPI SRAT and SLIT)"), this);
    srat_->setToolTip(tr("With one node, a machine may have no NUMA tables at all (qemu without "
                         "-numa): the kernel prints \"No NUMA configuration found\" and makes one "
                         "node of all memory. Two or more nodes always need them."));
    lay->addWidget(srat_);
    custom_ = hint(QString(), this);
    lay->addWidget(custom_);

    lay->addWidget(makeHeading(tr("Node distances (SLIT)"), this));
    distance_ = new EditorDistanceModel(session_, this);
    distance_table_ = editableTable(this);
    distance_table_->setObjectName("editor-distance");
    distance_table_->setModel(distance_);
    distance_table_->setItemDelegate(new SpinDelegate(11, 255, this));
    distance_table_->verticalHeader()->setVisible(true);
    distance_table_->setSelectionBehavior(QAbstractItemView::SelectItems);
    distance_table_->horizontalHeader()->setStretchLastSection(false);
    distance_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    lay->addWidget(distance_table_);
    both_ways_ = new QCheckBox(tr("Set &both ways (keep the table symmetric)"), this);
    both_ways_->setObjectName("editor-distance-both-ways");
    both_ways_->setChecked(distance_->symmetricEdits());
    both_ways_->setToolTip(tr("On: editing node A to node B sets node B to node A too. Off: each "
                              "direction on its own, as some firmware describes it; the kernel "
                              "keeps an asymmetric SLIT as it is and every node orders its "
                              "zonelist by its own row."));
    connect(both_ways_, &QCheckBox::toggled, this,
            [this](bool on) { distance_->setSymmetricEdits(on); });
    lay->addWidget(both_ways_);
    lay->addWidget(hint(tr("10 is a node's distance to itself; remote distances are 11…255 "
                           "(20 is usual, 30+ for a far socket). The zonelists try nodes "
                           "nearest first, each node by its own row."),
                        this));
    lay->addSpacing(6);
    lay->addWidget(hint(tr("How the nodes become addresses (as qemu lays them out): each node "
                           "takes the next part of the RAM in order, node 0 from address 0. "
                           "Node 0 loses 640K–1M to the legacy PC hole; with 2.75G of RAM or "
                           "more only 2G stay below the PCI hole and the rest starts at 4G, so a "
                           "node can straddle the hole. The kernel then cuts each node into "
                           "zones: DMA below 16M, DMA32 below 4G, Normal above, and Movable "
                           "where movablecore= or kernelcore= say."),
                        this));
    lay->addStretch(1);
    // Both tables as tall as their rows (up to 8 nodes, then they scroll).
    for (QTableView* t : {nodes_table_, distance_table_}) {
        auto fit = [t] { fitTableHeight(t, 8); };
        connect(t->model(), &QAbstractItemModel::rowsInserted, t, fit);
        connect(t->model(), &QAbstractItemModel::rowsRemoved, t, fit);
        connect(t->model(), &QAbstractItemModel::modelReset, t, fit);
        fit();
    }

    connect(add_, &QPushButton::clicked, this, [this] { nodes_->addNode(); });
    connect(remove_, &QPushButton::clicked, this, [this] {
        const QModelIndex i = nodes_table_->currentIndex();
        nodes_->removeNode(i.isValid() ? i.row() : nodes_->rowCount() - 1);
    });
    connect(srat_, &QCheckBox::toggled, this, [this](bool on) {
        if (on == session_->draft().srat) return;
        session_->edit(
            MachineEditSession::NodesPart, [on](MachineDraft& d) { d.srat = on; }, this);
    });
    connect(session_, &MachineEditSession::changed, this, [this](int parts, QObject* origin) {
        // A machine loaded with an asymmetric SLIT is edited one direction
        // at a time, so an edit does not overwrite the way back.
        if (parts == MachineEditSession::AllParts && !origin)
            both_ways_->setChecked(session_->draft().distanceSymmetric());
        refresh();
    });
    refresh();
}

void NodesPage::refresh() {
    const MachineDraft& d = session_->draft();
    std::uint64_t mem = 0;
    for (const DraftNode& n : d.nodes)
        mem += n.memory.value_or(0);
    summary_->setText(tr("%n node(s) · %1 · %2 CPUs", nullptr, static_cast<int>(d.nodes.size()))
                          .arg(humanSize(mem))
                          .arg(d.total_cpus));
    remove_->setEnabled(d.nodes.size() > 1);
    srat_->setEnabled(d.nodes.size() == 1);
    {
        const QSignalBlocker block(srat_);
        srat_->setChecked(d.srat || d.nodes.size() > 1);
    }
    QStringList notes;
    if (d.custom_ranges)
        notes << tr("The SRAT ranges are the loaded scenario's own; editing a size lays the "
                    "nodes out as qemu would.");
    if (d.custom_cpus)
        notes << tr("The CPU numbers are the loaded scenario's own (%1 CPUs); editing a count "
                    "numbers them in node order.")
                     .arg(d.total_cpus);
    custom_->setText(notes.join(' '));
    custom_->setVisible(!notes.isEmpty());
    distance_table_->resizeColumnsToContents();
}

// ---------------------------------------------------------------- e820

E820Page::E820Page(MachineEditSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    lay->addWidget(makeHeading(tr("Firmware memory map (BIOS-e820)"), this));
    model_ = new EditorE820Model(session_, this);
    table_ = editableTable(this);
    table_->setObjectName("editor-e820");
    table_->setModel(model_);
    table_->setItemDelegateForColumn(EditorE820Model::Type, new E820TypeDelegate(this));
    table_->verticalHeader()->setVisible(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    lay->addWidget(table_, 1);

    auto* row = new QHBoxLayout;
    auto* add = new QPushButton(tr("A&dd"), this);
    add->setToolTip(tr("A reserved entry after the selected one, up to the next entry"));
    auto* split = new QPushButton(tr("&Split…"), this);
    split->setToolTip(tr("Cut the selected entry in two at an address"));
    auto* retype = new QToolButton(this);
    retype->setText(tr("Re&type"));
    retype->setToolTip(tr("Change the selected entry's type"));
    retype->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(retype);
    for (const auto& [name, num] : e820Types()) {
        const std::uint32_t type = num;
        menu->addAction(e820TypeLabel(type), this, [this, type] {
            if (currentRow() >= 0) model_->retype(currentRow(), type);
        });
    }
    retype->setMenu(menu);
    auto* del = new QPushButton(tr("De&lete"), this);
    auto* gen = new QPushButton(tr("&Generate from nodes"), this);
    gen->setToolTip(tr("Replace the map by the one SeaBIOS gives a qemu q35 guest with the "
                       "nodes' memory (as in the kernel captures of tests/fixtures)"));
    row->addWidget(add);
    row->addWidget(split);
    row->addWidget(retype);
    row->addWidget(del);
    row->addStretch(1);
    row->addWidget(gen);
    lay->addLayout(row);
    summary_ = hint(QString(), this);
    summary_->setObjectName("e820-summary");
    lay->addWidget(summary_);
    lay->addWidget(hint(tr("The kernel sanitises this map, turns the first page into "
                           "reserved and drops 640K–1M (trim_bios_range), then applies mem= and "
                           "memmap=: the preview's \"kernel\" lane. Double-click a cell to edit; "
                           "sizes take 64M, 0x1000, 2G."),
                        this));

    connect(add, &QPushButton::clicked, this, [this] {
        const int r = model_->addEntry(currentRow());
        table_->setCurrentIndex(model_->index(r, 0));
    });
    connect(split, &QPushButton::clicked, this, &E820Page::splitDialog);
    connect(del, &QPushButton::clicked, this, [this] { model_->removeEntry(currentRow()); });
    connect(gen, &QPushButton::clicked, this, [this] { model_->generateFromNodes(); });
    auto refresh = [this] {
        std::uint64_t usable = 0;
        for (const E820EntrySpec& e : session_->draft().e820)
            if (e.type == 1) usable += e.size;
        summary_->setText(
            tr("%n entries · %1 usable", nullptr, static_cast<int>(session_->draft().e820.size()))
                .arg(humanSize(usable)));
    };
    connect(session_, &MachineEditSession::changed, this, refresh);
    refresh();
}

int E820Page::currentRow() const {
    const QModelIndex i = table_->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void E820Page::splitDialog() {
    const int row = currentRow();
    if (row < 0) {
        session_->reject(tr("select the entry to split first"));
        return;
    }
    const E820EntrySpec e = session_->draft().e820[static_cast<std::size_t>(row)];
    const std::uint64_t mid = (e.addr + e.size / 2) & ~0xfffull;
    bool ok = false;
    const QString text = QInputDialog::getText(
        this, tr("Split e820 entry %1").arg(row),
        tr("Split [%1-%2] at address (0x hex, or a size like 512M):")
            .arg(hexShort(e.addr), hexShort(e.addr + e.size - 1)),
        QLineEdit::Normal, hexShort(mid > e.addr ? mid : e.addr + e.size / 2), &ok);
    if (!ok) return;
    const ParsedSize p = memparseDetailed(text.trimmed().toStdString());
    if (!p.value) {
        session_->reject(tr("split address: %1").arg(QString::fromStdString(p.why)));
        return;
    }
    if (model_->splitEntry(row, *p.value)) table_->setCurrentIndex(model_->index(row + 1, 0));
}

} // namespace mmsim::ui
