#include "ui/machine_view.h"

#include "ui/address_bar.h"
#include "ui/diff_text_view.h"
#include "ui/format.h"
#include "ui/machine_lanes.h"
#include "ui/numa_models.h"
#include "ui/theme.h"
#include "ui/view_util.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <set>

namespace mmsim::ui {

MachineView::MachineView(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);

    auto* head = new QHBoxLayout;
    head->addWidget(makeHeading(tr("Physical address space (e820)"), this));
    summary_ = new QLabel(this);
    head->addWidget(summary_, 1);
    log_ = new QCheckBox(tr("&Log scale"), this);
    log_->setToolTip(tr("Log scale shows the first megabyte as clearly as the last gigabyte"));
    log_->setChecked(true);
    head->addWidget(log_);
    lay->addLayout(head);

    bar_ = new AddressBar(this);
    bar_->setObjectName("e820-bar");
    bar_->setLogScale(true);
    lay->addWidget(bar_);
    legend_ = makeLegend(this);
    lay->addWidget(legend_);
    connect(log_, &QCheckBox::toggled, bar_, &AddressBar::setLogScale);

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* numa = new QWidget(split);
    auto* nl = new QHBoxLayout(numa);
    nl->setContentsMargins(0, 4, 0, 0);
    auto* left = new QVBoxLayout;
    left->addWidget(makeHeading(tr("NUMA nodes"), numa));
    nodes_ = new NodesModel(this);
    nodes_table_ = makeTable(numa);
    nodes_table_->setModel(nodes_);
    nodes_table_->setObjectName("nodes-table");
    nodes_table_->setToolTip(tr("NUMA nodes: their memory and CPUs"));
    left->addWidget(nodes_table_, 1);
    nl->addLayout(left, 3);
    auto* right = new QVBoxLayout;
    right->addWidget(makeHeading(tr("Node distances (SLIT)"), numa));
    distance_ = new DistanceModel(this);
    distance_table_ = makeTable(numa);
    distance_table_->setModel(distance_);
    distance_table_->setObjectName("distance-table");
    distance_table_->setToolTip(tr("SLIT distances between nodes: 10 is local; the zonelists "
                                   "order nodes by them"));
    distance_table_->verticalHeader()->setVisible(true);
    distance_table_->horizontalHeader()->setStretchLastSection(false);
    distance_table_->setSelectionMode(QAbstractItemView::NoSelection);
    right->addWidget(distance_table_, 1);
    nl->addLayout(right, 2);

    auto* iomem = new QWidget(split);
    auto* il = new QVBoxLayout(iomem);
    il->setContentsMargins(0, 4, 0, 0);
    il->addWidget(makeHeading(tr("/proc/iomem"), iomem));
    iomem_ = new DiffTextView(iomem);
    iomem_->setObjectName("iomem-text");
    il->addWidget(iomem_);
    split->addWidget(numa);
    split->addWidget(iomem);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    lay->addWidget(split, 1);
}

void MachineView::setLogScale(bool on) {
    log_->setChecked(on);
}

void MachineView::changeEvent(QEvent* e) {
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange) rebuildBar();
}

void MachineView::rebuildBar() {
    if (!snap_) return;
    const bool dark = isDark(this);
    std::vector<AddressLane> lanes;
    std::set<std::uint32_t> types;
    for (const auto* rows : {&snap_->bios_e820, &snap_->e820})
        for (const E820Row& r : *rows)
            types.insert(r.type);
    lanes.push_back(e820Lane(tr("firmware"), snap_->bios_e820, dark));
    lanes.push_back(e820Lane(tr("kernel"), snap_->e820, dark));
    AddressLane nodes = nodeLane(snap_->nodes, dark);
    if (!nodes.segments.empty()) lanes.push_back(std::move(nodes));
    bar_->setLanes(std::move(lanes));

    std::vector<std::pair<QColor, QString>> legend;
    for (std::uint32_t t : types) {
        QString name;
        for (const E820Row& r : snap_->bios_e820)
            if (r.type == t) name = r.type_name;
        for (const E820Row& r : snap_->e820)
            if (r.type == t) name = r.type_name;
        legend.emplace_back(e820Color(t, dark), name);
    }
    legend.emplace_back(dark ? QColor(0x30, 0x33, 0x38) : QColor(0xe4, 0xe6, 0xea),
                        tr("hole (no entry)"));
    setLegend(legend_, legend);
}

void MachineView::setSnapshot(const SnapshotPtr& snap) {
    if (!snap || snap == snap_) return;
    snap_ = snap;
    rebuildBar();
    std::uint64_t usable = 0;
    for (const E820Row& r : snap->e820)
        if (r.type == 1) usable += r.size;
    summary_->setText(tr("  %1 usable in %2 entries · max_pfn 0x%3")
                          .arg(humanSize(usable))
                          .arg(snap->e820.size())
                          .arg(snap->max_pfn, 0, 16));
    nodes_->setNodes(snap->nodes);
    distance_->setDistance(snap->distance);
    nodes_table_->resizeColumnsToContents();
    distance_table_->resizeColumnsToContents();
    iomem_->setTextDiff(snap->view("iomem"),
                        snap->view_available.count("iomem") && snap->view_available.at("iomem"));
}

} // namespace mmsim::ui
