#include "ui/machine_editor_preview_view.h"

#include "ui/address_bar.h"
#include "ui/format.h"
#include "ui/machine_lanes.h"
#include "ui/numa_models.h"
#include "ui/theme.h"
#include "ui/view_util.h"
#include "ui/zone_models.h"

#include <QCheckBox>
#include <QEvent>
#include <QFontDatabase>
#include <QGraphicsOpacityEffect>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <set>

namespace mmsim::ui {

namespace {

QColor zoneShade(int idx, bool dark) {
    // Zones are told apart by label and outline; the shades only separate
    // neighbours.
    static const int light[] = {0xd9, 0xcc, 0xbf, 0xe6, 0xd2};
    static const int darkv[] = {0x4a, 0x56, 0x62, 0x3e, 0x50};
    const int v = (dark ? darkv : light)[static_cast<unsigned>(idx) % 5u];
    return dark ? QColor(v, v + 4, v + 12) : QColor(v - 8, v - 2, v + 8 > 255 ? 255 : v + 8);
}

} // namespace

MachinePreviewView::MachinePreviewView(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(6);

    auto* head = new QHBoxLayout;
    head->addWidget(makeHeading(tr("Preview: what the kernel makes of it"), this));
    head->addStretch(1);
    log_ = new QCheckBox(tr("&Log scale"), this);
    log_->setChecked(false);
    log_->setToolTip(tr("Log scale shows the first megabyte as clearly as the last gigabyte; "
                        "the linear scale shows the nodes and zones in proportion"));
    head->addWidget(log_);
    lay->addLayout(head);

    status_ = new QLabel(this);
    status_->setObjectName("preview-status");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    lay->addWidget(status_);

    body_ = new QWidget(this);
    auto* body = new QVBoxLayout(body_);
    body->setContentsMargins(0, 0, 0, 0);
    body->setSpacing(6);
    bar_ = new AddressBar(body_);
    bar_->setObjectName("preview-bar");
    bar_->setLogScale(false);
    body->addWidget(bar_);
    connect(log_, &QCheckBox::toggled, bar_, &AddressBar::setLogScale);
    legend_ = makeLegend(body_);
    body->addWidget(legend_);

    body->addWidget(
        makeHeading(tr("Zones (pages: spanned ⊇ present ⊇ managed; watermarks)"), body_));
    zones_ = new ZonesModel(this);
    zones_table_ = makeTable(body_);
    zones_table_->setObjectName("preview-zones");
    zones_table_->setModel(zones_);
    zones_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    zones_table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    // Stretched columns that always fit: a narrow window elides a number
    // (its tooltip has it) rather than hiding the last columns.
    zones_table_->horizontalHeader()->setMinimumSectionSize(
        zones_table_->fontMetrics().horizontalAdvance(QStringLiteral("00000")) + 12);
    zones_table_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    zones_table_->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    zones_table_->setMinimumHeight(zones_table_->verticalHeader()->defaultSectionSize() * 4);
    // Right after boot free is managed less the per-CPU lists, and the start
    // pfn is on the axis: room for the sizes and the watermarks instead.
    zones_table_->setColumnHidden(ZonesModel::Start, true);
    zones_table_->setColumnHidden(ZonesModel::Free, true);
    auto* split = new QSplitter(Qt::Vertical, body_);
    split->setChildrenCollapsible(false);
    split->addWidget(zones_table_);

    tabs_ = new QTabWidget(split);
    tabs_->setDocumentMode(true);
    boot_ = new QPlainTextEdit(tabs_);
    boot_->setObjectName("preview-boot");
    boot_->setReadOnly(true);
    boot_->setLineWrapMode(QPlainTextEdit::NoWrap);
    boot_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    boot_->setToolTip(tr("The kernel's own boot lines for this machine (free_area_init, "
                         "build_all_zonelists), as dmesg prints them"));
    tabs_->addTab(boot_, tr("Boot lines"));
    nodes_ = new NodesModel(this);
    nodes_table_ = makeTable(tabs_);
    nodes_table_->setObjectName("preview-nodes");
    nodes_table_->setModel(nodes_);
    tabs_->addTab(nodes_table_, tr("Nodes"));
    split->addWidget(tabs_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    body->addWidget(split, 1);
    lay->addWidget(body_, 1);
    updateStatus();
}

void MachinePreviewView::setPreview(const MachinePreviewPtr& p) {
    if (!p) return;
    last_ = p;
    pending_ = false;
    if (p->ok) {
        shown_ = p;
        rebuild();
    }
    updateStatus();
}

void MachinePreviewView::setPending(bool pending) {
    if (pending == pending_) return;
    pending_ = pending;
    updateStatus();
}

void MachinePreviewView::setStale(bool stale) {
    if (stale == stale_) return;
    stale_ = stale;
    updateStatus();
}

QString MachinePreviewView::statusText() const {
    return status_->text();
}

QString MachinePreviewView::bootText() const {
    return boot_->toPlainText();
}

void MachinePreviewView::changeEvent(QEvent* e) {
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange) rebuild();
}

void MachinePreviewView::updateStatus() {
    const bool dim = stale_ || (last_ && !last_->ok);
    if (auto* eff = qobject_cast<QGraphicsOpacityEffect*>(body_->graphicsEffect()); dim != !!eff) {
        if (dim) {
            auto* op = new QGraphicsOpacityEffect(body_);
            op->setOpacity(0.4);
            body_->setGraphicsEffect(op);
        } else {
            body_->setGraphicsEffect(nullptr);
        }
    }
    QString s;
    if (stale_)
        s = tr("<i>The machine has errors (below); the preview shows the last valid machine.</i>");
    else if (last_ && !last_->ok)
        s = tr("<i>Core refused this machine (below); the preview shows the last valid one.</i>");
    else if (shown_) {
        int zones = 0, nodes = 0;
        for (const NodeSnap& n : shown_->nodes) {
            nodes += n.has_memory || n.online ? 1 : 0;
            for (const ZoneSnap& z : n.zones)
                zones += z.present ? 1 : 0;
        }
        s = tr("Linux %1 · %2 nodes · %3 populated zones · %4 managed · booted in %L5 ms")
                .arg(shown_->release)
                .arg(nodes)
                .arg(zones)
                .arg(pagesSize(shown_->totalram_pages))
                .arg(shown_->boot_ms, 0, 'f', 1);
    } else {
        s = tr("<i>Booting…</i>");
    }
    if (pending_ && !stale_) s += tr(" <i>(updating…)</i>");
    status_->setText(s);
}

void MachinePreviewView::rebuild() {
    if (!shown_) return;
    const bool dark = isDark(this);
    std::vector<AddressLane> lanes;
    std::set<std::uint32_t> types;
    std::map<std::uint32_t, QString> type_names;
    for (const auto* rows : {&shown_->bios_e820, &shown_->e820})
        for (const E820Row& r : *rows) {
            types.insert(r.type);
            type_names[r.type] = r.type_name;
        }
    lanes.push_back(e820Lane(tr("firmware"), shown_->bios_e820, dark));
    lanes.push_back(e820Lane(tr("kernel"), shown_->e820, dark));
    AddressLane nodes = nodeLane(shown_->nodes, dark), zones;
    zones.name = tr("zones");
    for (const NodeSnap& n : shown_->nodes) {
        if (!n.spanned) continue;
        for (const ZoneSnap& z : n.zones) {
            if (!z.spanned) continue;
            zones.segments.push_back({z.start_pfn * 4096, (z.start_pfn + z.spanned) * 4096,
                                      zoneShade(z.idx, dark), z.name,
                                      tr("node %1 %2: %3 managed of %4 present")
                                          .arg(z.nid)
                                          .arg(z.name)
                                          .arg(pagesSize(z.managed), pagesSize(z.present))});
        }
    }
    auto byStart = [](const AddressSegment& a, const AddressSegment& b) {
        return a.start < b.start;
    };
    std::sort(zones.segments.begin(), zones.segments.end(), byStart);
    std::sort(nodes.segments.begin(), nodes.segments.end(), byStart);
    // The axis ends at 4 GiB or the end of the RAM, whichever is higher: the
    // firmware's far reservations (the HyperTransport window below 1 TiB)
    // would squeeze everything else to the left.
    std::uint64_t axis = 4ull << 30;
    for (const AddressSegment& s : nodes.segments)
        axis = std::max(axis, s.end);
    for (const E820Row& r : shown_->e820)
        if (r.type == 1) axis = std::max(axis, r.end());
    bar_->setAxisEnd(axis);
    if (!nodes.segments.empty()) lanes.push_back(std::move(nodes));
    if (!zones.segments.empty()) lanes.push_back(std::move(zones));
    bar_->setLanes(std::move(lanes));

    std::vector<std::pair<QColor, QString>> legend;
    for (std::uint32_t t : types)
        legend.emplace_back(e820Color(t, dark), type_names[t]);
    setLegend(legend_, legend);

    zones_->setZones(populatedZones(shown_->nodes));
    zones_table_->resizeColumnToContents(0);
    nodes_->setNodes(shown_->nodes);
    nodes_table_->resizeColumnsToContents();
    if (boot_->toPlainText() != shown_->boot_lines) boot_->setPlainText(shown_->boot_lines);
}

} // namespace mmsim::ui
