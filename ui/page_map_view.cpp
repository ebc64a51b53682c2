#include "ui/page_map_view.h"

#include "core/explain.h"
#include "ui/format.h"
#include "ui/theme.h"
#include "ui/view_util.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>

namespace mmsim::ui {

namespace {

constexpr int kBlockCell = 14;
constexpr int kBlockCellMax = 40;
constexpr int kPageCell = 8;
constexpr int kMargin = 4;
constexpr int kFitItem = -100;

QColor tinted(const QColor& c, bool dark, double amount) {
    const QColor base = dark ? QColor(0x1b, 0x1d, 0x20) : QColor(Qt::white);
    return QColor::fromRgbF(c.redF() * (1 - amount) + base.redF() * amount,
                            c.greenF() * (1 - amount) + base.greenF() * amount,
                            c.blueF() * (1 - amount) + base.blueF() * amount);
}
QColor reservedColor(bool dark) {
    return dark ? QColor(0x5a, 0x5d, 0x63) : QColor(0xb4, 0xb8, 0xbe);
}
QString mtName(int mt) {
    return QString::fromLatin1(mmsim::migratetypeUpper(mt));
}
int scopeKey(int nid, int zone) {
    return nid < 0 ? -1 : nid * 16 + (zone < 0 ? 15 : zone);
}

} // namespace

PageMapCanvas::PageMapCanvas(QWidget* parent) : QWidget(parent) {
    setObjectName("pagemap-canvas");
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("Hover a cell for its pfn, order, state and owner; Ctrl+wheel zooms"));
}

void PageMapCanvas::setData(SnapshotPtr snap, int nid, int zone) {
    snap_ = std::move(snap);
    nid_ = nid;
    zone_ = zone;
    blocks_.clear();
    if (snap_ && snap_->page_map) {
        if (zone >= 0) {
            for (const auto& n : snap_->page_map->nodes)
                for (const auto& z : n.zones)
                    if (z.nid == nid && z.zone == zone) blocks_ = z.blocks;
        } else {
            blocks_ = mmsim::pageblocksOf(*snap_->page_map, nid);
        }
    }
    first_pfn_ = blocks_.empty() ? 0 : blocks_.front().start_pfn;
    end_pfn_ = blocks_.empty() ? 0 : blocks_.back().start_pfn + mmsim::PAGEBLOCK_NR_PAGES;
    if (level_ > maxLevel()) level_ = maxLevel();
    relayout();
}

void PageMapCanvas::setLevel(int level) {
    level_ = level == kPages ? kPages : std::clamp(level, 0, maxLevel());
    relayout();
}

int PageMapCanvas::maxLevel() const {
    return mmsim::levelFor(blocks_.size(), 1);
}

int PageMapCanvas::cellSize() const {
    if (level_ == kPages) return kPageCell;
    // Few cells (a small machine): larger cells, in a roughly square block
    // that uses the width, so that the map is not a speck in a corner.
    const double n = std::max<std::size_t>(1, cells_.size());
    const int across = static_cast<int>(std::ceil(std::sqrt(n) * 1.6));
    return std::clamp((width() - 2 * kMargin) / std::max(1, across), kBlockCell, kBlockCellMax);
}

int PageMapCanvas::columns() const {
    return std::max(1, (width() - 2 * kMargin) / cellSize());
}

int PageMapCanvas::cellCount() const {
    return level_ == kPages ? static_cast<int>(end_pfn_ - first_pfn_)
                            : static_cast<int>(cells_.size());
}

int PageMapCanvas::fitLevel(const QSize& viewport) const {
    const int cols = std::max(1, (viewport.width() - 2 * kMargin) / kBlockCell);
    const int rows = std::max(1, (viewport.height() - 2 * kMargin) / kBlockCell);
    return mmsim::levelFor(blocks_.size(), static_cast<std::size_t>(cols) * rows);
}

void PageMapCanvas::relayout() {
    if (level_ != kPages)
        cells_ = mmsim::summarize(blocks_, level_);
    else
        cells_.clear();
    const long long n = cellCount();
    const long long rows = (n + columns() - 1) / columns();
    const long long h = rows * cellSize() + 2 * kMargin;
    setMinimumHeight(static_cast<int>(std::min<long long>(h, QWIDGETSIZE_MAX)));
    update();
}

void PageMapCanvas::resizeEvent(QResizeEvent* e) {
    QWidget::resizeEvent(e);
    const long long n = cellCount();
    const long long rows = (n + columns() - 1) / columns();
    const int h =
        static_cast<int>(std::min<long long>(rows * cellSize() + 2 * kMargin, QWIDGETSIZE_MAX));
    if (minimumHeight() != h) setMinimumHeight(h);
}

const mmsim::ZonePageMap* PageMapCanvas::zoneFor(std::uint64_t pfn) const {
    return snap_ && snap_->page_map ? snap_->page_map->zoneOf(pfn) : nullptr;
}

std::uint64_t PageMapCanvas::pfnAt(const QPoint& pos) const {
    const int cs = cellSize();
    const int col = (pos.x() - kMargin) / cs, row = (pos.y() - kMargin) / cs;
    if (pos.x() < kMargin || pos.y() < kMargin || col >= columns()) return mmsim::NO_PFN;
    const long long i = static_cast<long long>(row) * columns() + col;
    if (i >= cellCount()) return mmsim::NO_PFN;
    if (level_ == kPages) return first_pfn_ + static_cast<std::uint64_t>(i);
    const mmsim::PageMapCell& c = cells_[static_cast<std::size_t>(i)];
    // Inside a cell, the horizontal position picks a page of it.
    const double frac = double((pos.x() - kMargin) % cs) / cs;
    const std::uint64_t pages = std::uint64_t(c.nr_blocks) << mmsim::PAGEBLOCK_ORDER;
    return c.start_pfn + std::min<std::uint64_t>(pages - 1, std::uint64_t(frac * pages));
}

QString PageMapCanvas::describeAt(const QPoint& pos) const {
    const std::uint64_t pfn = pfnAt(pos);
    if (pfn == mmsim::NO_PFN) return {};
    QString s;
    if (level_ != kPages) {
        const int cs = cellSize();
        const long long i =
            static_cast<long long>((pos.y() - kMargin) / cs) * columns() + (pos.x() - kMargin) / cs;
        const mmsim::PageMapCell& c = cells_[static_cast<std::size_t>(i)];
        const auto& t = c.totals;
        const std::uint64_t end =
            c.start_pfn + (std::uint64_t(c.nr_blocks) << mmsim::PAGEBLOCK_ORDER);
        s += c.nr_blocks == 1
                 ? tr("Pageblock pfn %1 – %2: %3%4\n")
                       .arg(hexShort(c.start_pfn), hexShort(end - 1), mtName(c.dominant_mt),
                            t.mixed ? tr(" (mixed)") : QString())
                 : tr("%1 pageblocks, pfn %2 – %3: mostly %4, %5 mixed\n")
                       .arg(c.nr_blocks)
                       .arg(hexShort(c.start_pfn), hexShort(end - 1), mtName(c.dominant_mt))
                       .arg(t.mixed);
        QStringList alloc;
        for (int mt = 0; mt < mmsim::MIGRATE_TYPES; ++mt)
            if (t.alloc[static_cast<std::size_t>(mt)])
                alloc << QStringLiteral("%1 %2")
                             .arg(t.alloc[static_cast<std::size_t>(mt)])
                             .arg(mtName(mt));
        const std::uint64_t used = t.free + t.pcp + t.allocated();
        s += tr("free %1, allocated %2%3, per-CPU %4, reserved %5 of %6 pages\n")
                 .arg(t.free)
                 .arg(t.allocated())
                 .arg(alloc.isEmpty() ? QString() : QStringLiteral(" (") + alloc.join(", ") + ")")
                 .arg(t.pcp)
                 .arg(t.pages > used ? t.pages - used : 0)
                 .arg(t.pages);
    }
    s += tr("pfn %1").arg(hexShort(pfn));
    if (const mmsim::ZonePageMap* z = zoneFor(pfn)) {
        mmsim::PageBlockRef b;
        const auto st = z->stateOf(pfn, &b);
        s += tr(" (node %1 %2): %3")
                 .arg(z->nid)
                 .arg(QString::fromStdString(z->name),
                      QString::fromLatin1(mmsim::pageStateName(st)));
        if (st != mmsim::ZonePageMap::State::Unavailable) {
            s += tr(", order-%1 block at %2, %3").arg(b.order).arg(hexShort(b.pfn), mtName(b.mt));
            if (st == mmsim::ZonePageMap::State::Pcp) s += tr(", CPU %1").arg(b.cpu);
        }
        if (st == mmsim::ZonePageMap::State::Allocated) {
            const QString owner = snap_->ownerOf(pfn);
            s += tr("\nowner: %1").arg(owner.isEmpty() ? tr("(unnamed allocation)") : owner);
        }
        if (const mmsim::PageblockInfo* pb = z->pageblockOf(pfn))
            s += tr("\npageblock %1: %2").arg(hexShort(pb->start_pfn), mtName(pb->mt));
    } else {
        s += tr(": no zone");
    }
    return s;
}

bool PageMapCanvas::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        const QString s = describeAt(he->pos());
        if (s.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(he->globalPos(), s, this);
        return true;
    }
    return QWidget::event(e);
}

void PageMapCanvas::wheelEvent(QWheelEvent* e) {
    if (e->modifiers() & Qt::ControlModifier) {
        emit zoomRequested(e->angleDelta().y() > 0 ? 1 : -1);
        e->accept();
        return;
    }
    QWidget::wheelEvent(e);
}

void PageMapCanvas::paintEvent(QPaintEvent* e) {
    QPainter p(this);
    paintMap(p, e->rect());
}

void PageMapCanvas::paintMap(QPainter& p, const QRect& clip) const {
    const QPalette& pal = palette();
    const bool dark = isDark(this);
    p.fillRect(clip, pal.color(QPalette::Base));
    const int cs = cellSize(), cols = columns();
    const long long n = cellCount();
    if (!n) return;
    const int gap = cs >= 8 ? 1 : 0;
    const long long r0 = std::max(0, (clip.top() - kMargin) / cs);
    const long long r1 = (clip.bottom() - kMargin) / cs;
    std::array<QColor, mmsim::MIGRATE_TYPES> solid, light, half;
    for (int mt = 0; mt < mmsim::MIGRATE_TYPES; ++mt) {
        solid[mt] = migratetypeColor(mt, dark);
        light[mt] = tinted(solid[mt], dark, 0.72);
        half[mt] = tinted(solid[mt], dark, 0.4);
    }
    const QColor reserved = reservedColor(dark);
    const QPen outline(pal.color(QPalette::Text), 2);
    if (level_ == kPages) {
        // One page per cell: look each visible page up.
        for (long long r = r0; r <= r1; ++r) {
            for (int c = 0; c < cols; ++c) {
                const long long i = r * cols + c;
                if (i >= n) return;
                const std::uint64_t pfn = first_pfn_ + static_cast<std::uint64_t>(i);
                const QRect cell(kMargin + c * cs, kMargin + static_cast<int>(r) * cs, cs - gap,
                                 cs - gap);
                const mmsim::ZonePageMap* z = zoneFor(pfn);
                QColor col;
                bool hatch = true;
                if (z) {
                    mmsim::PageBlockRef b;
                    switch (z->stateOf(pfn, &b)) {
                    case mmsim::ZonePageMap::State::Free:
                        col = light[b.mt];
                        hatch = false;
                        break;
                    case mmsim::ZonePageMap::State::Allocated:
                        col = solid[b.mt];
                        hatch = false;
                        break;
                    case mmsim::ZonePageMap::State::Pcp:
                        col = half[b.mt];
                        hatch = false;
                        break;
                    default:
                        break;
                    }
                }
                if (hatch)
                    p.fillRect(cell, QBrush(reserved, Qt::BDiagPattern));
                else
                    p.fillRect(cell, col);
            }
        }
        return;
    }
    for (long long r = r0; r <= r1; ++r) {
        for (int c = 0; c < cols; ++c) {
            const long long i = r * cols + c;
            if (i >= n) return;
            const mmsim::PageMapCell& cell = cells_[static_cast<std::size_t>(i)];
            const auto& t = cell.totals;
            const QRect box(kMargin + c * cs, kMargin + static_cast<int>(r) * cs, cs - gap - 1,
                            cs - gap - 1);
            const int mt = cell.dominant_mt;
            if (!t.pageblocks) {
                // No memory map: a hole.
                p.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DotLine));
                p.setBrush(Qt::NoBrush);
                p.drawRect(box);
                continue;
            }
            p.fillRect(box, light[mt]);
            const double pages = std::max<double>(1, double(t.pages));
            const std::uint64_t alloc = t.allocated();
            const std::uint64_t res =
                t.pages > t.free + t.pcp + alloc ? t.pages - t.free - t.pcp - alloc : 0;
            // Bottom up: reserved, allocated, per-CPU; the rest (free) stays light.
            double y = box.bottom() + 1;
            auto band = [&](std::uint64_t v, const QColor& col) {
                if (!v) return;
                const double hh = std::max(1.0, box.height() * (double(v) / pages));
                p.fillRect(QRectF(box.left(), y - hh, box.width(), hh), col);
                y -= hh;
            };
            if (res) {
                // Reserved pages: hatched, so they are not taken for ISOLATE grey.
                const double hh = std::max(1.0, box.height() * (double(res) / pages));
                const QRectF rr(box.left(), y - hh, box.width(), hh);
                p.fillRect(rr, pal.color(QPalette::Base));
                p.fillRect(rr, QBrush(reserved, Qt::BDiagPattern));
                y -= hh;
            }
            int amt = 0;
            for (int k = 1; k < mmsim::MIGRATE_TYPES; ++k)
                if (t.alloc[static_cast<std::size_t>(k)] > t.alloc[static_cast<std::size_t>(amt)])
                    amt = k;
            band(alloc, solid[amt]);
            band(t.pcp, half[mt]);
            if (t.mixed) {
                p.setPen(outline);
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5));
            }
            // A zone (or node) starts here: a bar on the cell's left edge.
            if (i > 0 && zoneFor(cell.start_pfn) !=
                             zoneFor(cells_[static_cast<std::size_t>(i - 1)].start_pfn)) {
                p.fillRect(QRect(box.left() - 1, box.top() - 1, 2, cs), pal.color(QPalette::Text));
            }
        }
    }
}

// ---- the tab ----

PageMapView::PageMapView(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show:"), this));
    scope_ = new QComboBox(this);
    scope_->setObjectName("pagemap-scope");
    scope_->setToolTip(tr("The whole machine, one node or one zone"));
    scope_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    scope_->setMinimumContentsLength(16);
    top->addWidget(scope_);
    top->addWidget(new QLabel(tr("Zoom:"), this));
    zoom_ = new QComboBox(this);
    zoom_->setObjectName("pagemap-zoom");
    zoom_->setToolTip(tr("Pageblocks (or pages) per cell; Ctrl+wheel on the map zooms too"));
    zoom_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    zoom_->setMinimumContentsLength(20);
    top->addWidget(zoom_);
    top->addStretch(1);
    lay->addLayout(top);
    summary_ = new QLabel(this);
    summary_->setObjectName("pagemap-summary");
    summary_->setWordWrap(true);
    summary_->setToolTip(tr("Totals of what is shown: pageblocks by type, free, allocated and "
                            "mixed"));
    lay->addWidget(summary_);
    legend_ = makeLegend(this);
    legend_->setObjectName("pagemap-legend");
    legend_->setToolTip(tr("Cell colour: the pageblock's migratetype. Light: free pages; solid: "
                           "allocated (colour of the requests' type); half tint: on per-CPU "
                           "lists; grey: reserved; black/white outline: mixed pageblock"));
    lay->addWidget(legend_);
    empty_ = new QLabel(tr("No page map yet: the buddy allocator comes up at the end of boot "
                           "(memblock_free_all)."),
                        this);
    empty_->setWordWrap(true);
    lay->addWidget(empty_);
    canvas_ = new PageMapCanvas(this);
    scroll_ = new QScrollArea(this);
    scroll_->setWidget(canvas_);
    scroll_->setWidgetResizable(true);
    scroll_->setFrameShape(QFrame::NoFrame);
    lay->addWidget(scroll_, 1);
    connect(scope_, &QComboBox::activated, this, [this] { applyScope(); });
    connect(zoom_, &QComboBox::activated, this, [this] { applyZoom(); });
    connect(canvas_, &PageMapCanvas::zoomRequested, this, &PageMapView::zoomBy);
    updateLegend();
}

void PageMapView::changeEvent(QEvent* e) {
    if (e->type() == QEvent::PaletteChange) updateLegend();
    QWidget::changeEvent(e);
}

void PageMapView::resizeEvent(QResizeEvent* e) {
    QWidget::resizeEvent(e);
    if (zoom_->currentData().toInt() == kFitItem) applyZoom();
}

void PageMapView::updateLegend() {
    const bool dark = isDark(this);
    std::vector<std::pair<QColor, QString>> items;
    for (int mt = 0; mt < mmsim::MIGRATE_TYPES; ++mt)
        if (mt != mmsim::MIGRATE_CMA || (snap_ && snap_->cma))
            items.emplace_back(migratetypeColor(mt, dark), mtName(mt));
    setLegend(legend_, items);
    legend_->setText(legend_->text() + tr("&nbsp; light = free, solid = allocated, half tint = "
                                          "per-CPU lists, hatched = reserved, outlined = mixed, "
                                          "bar = a zone starts"));
}

void PageMapView::setSnapshot(const SnapshotPtr& snap) {
    const bool had_cma = snap_ && snap_->cma;
    snap_ = snap;
    if (!snap) return;
    if (snap->cma != had_cma) updateLegend();
    const bool ready = snap->page_map != nullptr;
    empty_->setVisible(!ready);
    const int was = scope_->currentIndex() >= 0 ? scope_->currentData().toInt() : -2;
    scope_->clear();
    if (ready) {
        scope_->addItem(tr("Whole machine"), -1);
        for (const auto& n : snap->page_map->nodes) {
            if (n.zones.empty()) continue;
            scope_->addItem(tr("Node %1").arg(n.nid), scopeKey(n.nid, -1));
            for (const auto& z : n.zones)
                scope_->addItem(tr("Node %1 %2").arg(n.nid).arg(QString::fromStdString(z.name)),
                                scopeKey(n.nid, z.zone));
        }
    }
    const int k = scope_->findData(was);
    scope_->setCurrentIndex(k >= 0 ? k : 0);
    applyScope();
}

void PageMapView::applyScope() {
    const int key = scope_->currentData().toInt();
    const int nid = key < 0 ? -1 : key / 16;
    const int zone = key < 0 || key % 16 == 15 ? -1 : key % 16;
    canvas_->setData(snap_, nid, zone);
    rebuildZoomCombo();
    applyZoom();
    updateSummary();
}

void PageMapView::rebuildZoomCombo() {
    const int was = zoom_->count() ? zoom_->currentData().toInt() : kFitItem;
    zoom_->clear();
    zoom_->addItem(tr("Fit"), kFitItem);
    for (int l = canvas_->maxLevel(); l >= 0; --l)
        zoom_->addItem(l == 0 ? tr("1 pageblock / cell") : tr("%1 pageblocks / cell").arg(1 << l),
                       l);
    zoom_->addItem(tr("pages"), PageMapCanvas::kPages);
    const int k = zoom_->findData(was);
    zoom_->setCurrentIndex(k >= 0 ? k : 0);
}

void PageMapView::applyZoom() {
    const int d = zoom_->currentData().toInt();
    canvas_->setLevel(d == kFitItem ? canvas_->fitLevel(scroll_->viewport()->size()) : d);
}

void PageMapView::zoomBy(int steps) {
    // The combo lists Fit, coarse to fine, then pages: zooming in goes down it.
    int i = zoom_->currentIndex();
    if (i == 0) i = zoom_->findData(canvas_->level());
    i = std::clamp(i + steps, 1, zoom_->count() - 1);
    zoom_->setCurrentIndex(i);
    applyZoom();
}

void PageMapView::updateSummary() {
    const auto& blocks = canvas_->blocks();
    mmsim::PageMapTotals t;
    for (const auto& b : blocks)
        t.add(b);
    if (blocks.empty()) {
        summary_->clear();
        return;
    }
    QStringList by;
    for (int mt = 0; mt < mmsim::MIGRATE_TYPES; ++mt)
        if (t.pageblocks_by_mt[static_cast<std::size_t>(mt)])
            by << QStringLiteral("%1 %2")
                      .arg(t.pageblocks_by_mt[static_cast<std::size_t>(mt)])
                      .arg(mtName(mt));
    summary_->setText(tr("%1 pageblocks (%2) · free %3 · allocated %4 · mixed %5")
                          .arg(t.pageblocks)
                          .arg(by.join(", "))
                          .arg(pagesSize(t.free))
                          .arg(pagesSize(t.allocated()))
                          .arg(t.mixed));
}

} // namespace mmsim::ui
