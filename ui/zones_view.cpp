#include "ui/zones_view.h"

#include "core/mmzone.h"

#include "ui/format.h"
#include "ui/theme.h"
#include "ui/view_util.h"
#include "ui/watermark_gauge.h"
#include "ui/zone_models.h"
#include "ui/zonelist_chain.h"

#include <QEvent>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTableView>
#include <QVBoxLayout>

namespace mmsim::ui {

ZonesView::ZonesView(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* body = new QWidget(scroll);
    auto* lay = new QVBoxLayout(body);
    lay->setContentsMargins(8, 8, 8, 8);
    lay->setSpacing(6);

    phase_ = new QLabel(body);
    phase_->setWordWrap(true);
    lay->addWidget(phase_);

    lay->addWidget(makeHeading(tr("Zones (spanned ⊇ present ⊇ managed, in pages)"), body));
    zones_ = new ZonesModel(this);
    zones_table_ = makeTable(body);
    zones_table_->setObjectName("zones-table");
    zones_table_->setToolTip(tr("Each populated zone: its span, present and managed pages, free "
                                "pages and watermarks"));
    zones_table_->setModel(zones_);
    zones_table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Numbers are never elided: every column is as wide as its widest
    // value and the view scrolls sideways when the window is narrower.
    // (The zone's name takes the spare width.)
    zones_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    zones_table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    zones_table_->horizontalHeader()->setStretchLastSection(false);
    zones_table_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    lay->addWidget(zones_table_);

    lay->addWidget(makeHeading(tr("Free pages against the watermarks"), body));
    auto* legend = makeLegend(body);
    legend_ = legend;
    updateLegend();
    legend->setToolTip(tr("Upper bar: free of managed pages. Lower bar: zoom on 0 … 2 × high, "
                          "where the watermarks are told apart"));
    lay->addWidget(legend);
    gauge_box_ = new QVBoxLayout;
    gauge_box_->setSpacing(10);
    lay->addLayout(gauge_box_);

    lay->addWidget(makeHeading(tr("lowmem_reserve (zoneinfo \"protection\", pages)"), body));
    lowmem_ = new LowmemReserveModel(this);
    lowmem_table_ = makeTable(body);
    lowmem_table_->setObjectName("lowmem-table");
    lowmem_table_->setToolTip(tr("lowmem_reserve: pages a zone keeps back from allocations that "
                                 "could have used a higher zone (row: the zone; column: the "
                                 "highest zone the request may use)"));
    lowmem_table_->setModel(lowmem_);
    lowmem_table_->verticalHeader()->setVisible(true);
    lowmem_table_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    lowmem_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    lowmem_table_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    lay->addWidget(lowmem_table_);

    lay->addWidget(makeHeading(tr("Zonelists (fallback order of each node)"), body));
    chain_box_ = new QVBoxLayout;
    lay->addLayout(chain_box_);
    lay->addStretch(1);
    for (int i = 0; i < lay->count(); ++i)
        if (QWidget* w = lay->itemAt(i)->widget(); w && w != phase_) sized_.push_back(w);
    scroll->setWidget(body);
    outer->addWidget(scroll);
}

void ZonesView::updateLegend() {
    const bool dark = isDark(this);
    setLegend(legend_, {{freeBarColor(dark), tr("free pages")},
                        {wmarkColor(0, dark), tr("min")},
                        {wmarkColor(1, dark), tr("low")},
                        {wmarkColor(2, dark), tr("high")}});
}

void ZonesView::changeEvent(QEvent* e) {
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange && legend_) updateLegend();
    if (e->type() == QEvent::FontChange && zones_table_) {
        // Rows were sized for the old font: resize them and refit.
        for (QTableView* t : {zones_table_, lowmem_table_}) {
            t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
            fitTableHeight(t);
        }
        fitTableWidth(zones_table_);
    }
}

void ZonesView::setSnapshot(const SnapshotPtr& snap) {
    if (!snap || snap == snap_) return;
    snap_ = snap;
    if (!snap->zones_initialised)
        phase_->setText(tr("<i>Zones are sized by free_area_init(); this boot has not reached it "
                           "yet (memblock phase).</i>"));
    else if (!snap->buddy_ready)
        phase_->setText(tr("<i>Zones are sized; memblock_free_all() has not handed the free "
                           "pages to the buddy allocator yet, so nothing is managed.</i>"));
    else
        phase_->setText(tr("Buddy allocator ready. Linux %1 · %2 zones populated")
                            .arg(snap->release)
                            .arg(populatedZones(snap->nodes).size()));

    const std::vector<ZoneSnap> zones = populatedZones(snap->nodes);
    zones_->setZones(zones);
    fitTableHeight(zones_table_);
    fitTableWidth(zones_table_);

    QStringList names;
    for (int i = 0; i < MAX_NR_ZONES; ++i)
        names << QString::fromLatin1(mmsim::zoneName(i));
    lowmem_->setZones(zones, names);
    // Before free_area_init there is nothing to tabulate: only the phase line.
    for (QWidget* w : sized_)
        w->setVisible(!zones.empty());
    fitTableHeight(lowmem_table_);

    // Gauges: one per populated zone, reused across snapshots.
    while (gauges_.size() > zones.size()) {
        delete gauges_.back();
        gauges_.pop_back();
    }
    while (gauges_.size() < zones.size()) {
        gauges_.push_back(new WatermarkGauge(this));
        gauge_box_->addWidget(gauges_.back());
    }
    for (size_t i = 0; i < zones.size(); ++i)
        gauges_[i]->setZone(zones[i]);

    std::vector<const NodeSnap*> nodes;
    for (const NodeSnap& n : snap->nodes)
        if (n.online || n.has_memory) nodes.push_back(&n);
    while (chains_.size() > nodes.size()) {
        delete chains_.back();
        chains_.pop_back();
    }
    while (chains_.size() < nodes.size()) {
        chains_.push_back(new ZonelistChain(this));
        chain_box_->addWidget(chains_.back());
    }
    for (size_t i = 0; i < nodes.size(); ++i)
        chains_[i]->setChain(nodes[i]->nid, nodes[i]->zonelist);
}

} // namespace mmsim::ui
