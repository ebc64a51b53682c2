#include "ui/memblock_view.h"

#include "ui/address_bar.h"
#include "ui/diff_text_view.h"
#include "ui/format.h"
#include "ui/memblock_model.h"
#include "ui/theme.h"
#include "ui/view_util.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace mmsim::ui {

MemblockView::MemblockView(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    auto* head = new QHBoxLayout;
    head->addWidget(makeHeading(tr("memblock"), this));
    summary_ = new QLabel(this);
    head->addWidget(summary_, 1);
    log_ = new QCheckBox(tr("&Log scale"), this);
    log_->setChecked(true);
    log_->setToolTip(tr("Log scale shows the low reservations (BIOS, trampoline) as clearly "
                        "as the kernel's allocations at the top of memory"));
    head->addWidget(log_);
    lay->addLayout(head);

    bar_ = new AddressBar(this);
    bar_->setObjectName("memblock-bar");
    bar_->setLogScale(true);
    connect(log_, &QCheckBox::toggled, bar_, &AddressBar::setLogScale);
    lay->addWidget(bar_);
    legend_ = makeLegend(this);
    lay->addWidget(legend_);

    auto* vsplit = new QSplitter(Qt::Vertical, this);
    auto* tables = new QSplitter(Qt::Horizontal, vsplit);
    auto table = [&](const QString& name, RegionTableModel*& model, QTableView*& view,
                     QLabel*& title) {
        auto* w = new QWidget(tables);
        auto* l = new QVBoxLayout(w);
        l->setContentsMargins(0, 4, 4, 0);
        title = makeHeading(name, w);
        l->addWidget(title);
        model = new RegionTableModel(this);
        view = makeTable(w);
        view->setObjectName("memblock-" + name);
        view->setToolTip(name == QLatin1String("memory")
                             ? tr("memblock.memory: the RAM the kernel knows, one region per "
                                  "range (base, size, flags, node)")
                             : tr("memblock.reserved: what is taken (kernel image, initrd, page "
                                  "tables, memory map...) before the buddy allocator runs"));
        view->setModel(model);
        l->addWidget(view);
        tables->addWidget(w);
    };
    table("memory", memory_, memory_table_, memory_title_);
    table("reserved", reserved_, reserved_table_, reserved_title_);

    auto* dbg = new QWidget(vsplit);
    auto* dl = new QVBoxLayout(dbg);
    dl->setContentsMargins(0, 4, 0, 0);
    dl->addWidget(makeHeading(tr("Last memblock=debug lines"), dbg));
    debug_ = new DiffTextView(dbg);
    debug_->setObjectName("memblock-debug");
    dl->addWidget(debug_);
    vsplit->addWidget(tables);
    vsplit->addWidget(dbg);
    vsplit->setStretchFactor(0, 3);
    vsplit->setStretchFactor(1, 2);
    lay->addWidget(vsplit, 1);
}

void MemblockView::changeEvent(QEvent* e) {
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange) rebuildBar();
}

void MemblockView::rebuildBar() {
    if (!snap_) return;
    const bool dark = isDark(this);
    auto lane = [&](const QString& name, const std::vector<RegionRow>& rows, const QColor& c) {
        AddressLane l;
        l.name = name;
        for (size_t i = 0; i < rows.size(); ++i) {
            const RegionRow& r = rows[i];
            l.segments.push_back(
                {r.base, r.end(), c, QStringLiteral("%1[%2]").arg(name).arg(i),
                 tr("nid %1, flags %2").arg(r.nid).arg(RegionTableModel::flagsText(r.flags))});
        }
        return l;
    };
    std::vector<AddressLane> lanes;
    lanes.push_back(lane("memory", snap_->memory, memblockMemoryColor(dark)));
    lanes.push_back(lane("reserved", snap_->reserved, memblockReservedColor(dark)));
    std::uint64_t end = 0;
    for (const auto& r : snap_->memory)
        end = std::max(end, r.end());
    for (const auto& r : snap_->reserved)
        end = std::max(end, r.end());
    bar_->setAxisEnd(end);
    bar_->setLanes(std::move(lanes));
    setLegend(legend_, {{memblockMemoryColor(dark), tr("memory (RAM that exists)")},
                        {memblockReservedColor(dark), tr("reserved (in use)")},
                        {dark ? QColor(0x30, 0x33, 0x38) : QColor(0xe4, 0xe6, 0xea),
                         tr("not in the array")}});
}

void MemblockView::setSnapshot(const SnapshotPtr& snap) {
    if (!snap || snap == snap_) return;
    snap_ = snap;
    rebuildBar();
    summary_->setText(tr("  allocations search %1 · memory %2 · reserved %3")
                          .arg(snap->bottom_up ? tr("bottom-up") : tr("top-down"),
                               humanSize(snap->memory_total), humanSize(snap->reserved_total)));
    memory_->setRegions(snap->memory);
    reserved_->setRegions(snap->reserved);
    memory_title_->setText(
        tr("memory: %1 regions, %2").arg(snap->memory.size()).arg(humanSize(snap->memory_total)));
    reserved_title_->setText(tr("reserved: %1 regions, %2")
                                 .arg(snap->reserved.size())
                                 .arg(humanSize(snap->reserved_total)));
    memory_table_->resizeColumnsToContents();
    reserved_table_->resizeColumnsToContents();
    debug_->setTextDiff(snap->memblock_debug.join('\n'));
    debug_->moveCursor(QTextCursor::End);
    debug_->ensureCursorVisible();
    debug_->horizontalScrollBar()->setValue(0);
}

} // namespace mmsim::ui
