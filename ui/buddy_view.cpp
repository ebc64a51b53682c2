#include "ui/buddy_view.h"

#include "core/explain.h"
#include "ui/format.h"
#include "ui/theme.h"
#include "ui/view_util.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QScrollArea>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

namespace mmsim::ui {

namespace {

using mmsim::BuddyEvent;

QString mtName(int mt) {
    return QString::fromLatin1(mmsim::migratetypeUpper(mt));
}
QString zoneLabel(int nid, int zone) {
    return QStringLiteral("node %1 %2").arg(nid).arg(QString::fromLatin1(mmsim::zoneName(zone)));
}

constexpr int kOrders = mmsim::NR_PAGE_ORDERS;
constexpr int kLanes = mmsim::MIGRATE_TYPES;

QColor tint(const QColor& c, bool dark, double amount = 0.72) {
    const QColor base = dark ? QColor(0x1b, 0x1d, 0x20) : QColor(Qt::white);
    return QColor::fromRgbF(c.redF() * (1 - amount) + base.redF() * amount,
                            c.greenF() * (1 - amount) + base.greenF() * amount,
                            c.blueF() * (1 - amount) + base.blueF() * amount);
}

} // namespace

// ---- the path of an allocation ----

std::vector<PathStep> allocationPath(const std::vector<EventSnap>& events) {
    std::vector<PathStep> path;
    auto add = [&](PathStep s) {
        if (!path.empty() && path.back().kind == s.kind && path.back().text == s.text) return;
        path.push_back(std::move(s));
    };
    auto addStep = [&](PathStep::Kind kind, const QString& tooltip, const QString& text) {
        PathStep s;
        s.kind = kind;
        s.tooltip = tooltip;
        s.text = text;
        add(std::move(s));
    };
    // Watermark checks of one zone: the zone is used if any passes.
    std::size_t i = 0;
    bool started = false;
    int refills = 0;
    auto isTake = [](BuddyEvent::Kind k) {
        return k == BuddyEvent::rmqueue_smallest || k == BuddyEvent::buddy_split ||
               k == BuddyEvent::pageblock_steal || k == BuddyEvent::mm_page_alloc_extfrag ||
               k == BuddyEvent::boost_watermark || k == BuddyEvent::pcp_refill;
    };
    for (; i < events.size(); ++i) {
        const BuddyEvent& e = events[i].ev;
        const QString tip = events[i].explain;
        if (isTake(e.kind) && refills == 0) {
            // A per-CPU refill: many takes under one lock. Show the first
            // take and its splits, every steal, then the refill as one hop.
            std::size_t j = i;
            int n = 0, split_blocks = 0;
            while (j < events.size() && isTake(events[j].ev.kind)) {
                n += events[j].ev.kind == BuddyEvent::pcp_refill;
                split_blocks += events[j].ev.kind == BuddyEvent::rmqueue_smallest &&
                                events[j].ev.from_order > events[j].ev.order;
                ++j;
            }
            if (n > 0) {
                refills = n;
                std::vector<EventSnap> first;
                std::size_t k = i;
                while (k < j && events[k].ev.kind != BuddyEvent::pcp_refill)
                    first.push_back(events[k++]);
                for (PathStep& st : allocationPath(first))
                    add(st);
                for (std::size_t m = k; m < j; ++m)
                    if (events[m].ev.kind == BuddyEvent::pageblock_steal) {
                        std::vector<EventSnap> one{events[m]};
                        for (PathStep& st : allocationPath(one))
                            add(st);
                    }
                PathStep r;
                r.kind = PathStep::PcpRefill;
                r.tooltip = events[k < j ? k : i].explain;
                r.text = QObject::tr("rmqueue_bulk: %1 block(s) to CPU %2's list (%3 split)")
                             .arg(n)
                             .arg(events[k < j ? k : i].ev.cpu)
                             .arg(split_blocks);
                add(r);
                i = j - 1;
                continue;
            }
        }
        switch (e.kind) {
        case BuddyEvent::watermark_check: {
            started = true;
            const bool pass_later = [&] {
                for (std::size_t k = i + 1; k < events.size(); ++k) {
                    const BuddyEvent& f = events[k].ev;
                    if (f.kind != BuddyEvent::watermark_check) break;
                    if (f.nid == e.nid && f.zone == e.zone && f.pass) return true;
                }
                return false;
            }();
            if (pass_later) break;
            PathStep s;
            s.nid = e.nid;
            s.zone = e.zone;
            s.tooltip = tip;
            if (e.pass) {
                s.kind = PathStep::ZoneUsed;
                s.text =
                    QObject::tr("%1 ✓ %2 mark")
                        .arg(zoneLabel(e.nid, e.zone), QString::fromLatin1(e.mark == 0   ? "min"
                                                                           : e.mark == 1 ? "low"
                                                                                         : "high"));
            } else {
                s.kind = PathStep::ZoneSkipped;
                s.text = QObject::tr("%1 ✗ free %2 ≤ %3 + %4")
                             .arg(zoneLabel(e.nid, e.zone))
                             .arg(e.free)
                             .arg(e.mark_pages)
                             .arg(e.reserve);
            }
            add(s);
            break;
        }
        case BuddyEvent::rmqueue_smallest: {
            started = true;
            PathStep s;
            s.kind = PathStep::ListTaken;
            s.nid = e.nid;
            s.zone = e.zone;
            s.tooltip = tip;
            s.text = e.from_order == e.order
                         ? QObject::tr("take order-%1 %2").arg(e.order).arg(mtName(e.mt))
                         : QObject::tr("order-%1 %2 empty → take order-%3")
                               .arg(e.order)
                               .arg(mtName(e.mt))
                               .arg(e.from_order);
            add(s);
            break;
        }
        case BuddyEvent::buddy_split: {
            std::size_t k = i;
            while (k < events.size() && events[k].ev.kind == BuddyEvent::buddy_split)
                ++k;
            PathStep s;
            s.kind = PathStep::Split;
            s.tooltip = events[i].explain;
            QStringList halves;
            for (std::size_t j = i; j < k; ++j)
                halves << QString::number(events[j].ev.order);
            s.text =
                QObject::tr("expand() ×%1 → halves of order %2").arg(k - i).arg(halves.join(", "));
            add(s);
            i = k - 1;
            break;
        }
        case BuddyEvent::mm_page_alloc_extfrag: {
            PathStep s;
            s.kind = PathStep::Fallback;
            s.tooltip = tip;
            s.mt = e.fallback_mt;
            s.text =
                QObject::tr("fallback: %1 order-%2").arg(mtName(e.fallback_mt)).arg(e.from_order);
            add(s);
            break;
        }
        case BuddyEvent::pageblock_steal: {
            PathStep s;
            s.kind = PathStep::Steal;
            s.tooltip = tip;
            s.mt = e.mt;
            s.text = QObject::tr("pageblock %1: %2 → %3")
                         .arg(hexShort(e.pfn), mtName(e.fallback_mt), mtName(e.mt));
            add(s);
            break;
        }
        case BuddyEvent::pcp_hit: {
            addStep(PathStep::PcpHit, tip, QObject::tr("CPU %1 per-CPU list hit").arg(e.cpu));
            break;
        }
        case BuddyEvent::pcp_refill: {
            ++refills;
            addStep(PathStep::PcpRefill, tip,
                    QObject::tr("rmqueue_bulk refill (CPU %1)").arg(e.cpu));
            break;
        }
        case BuddyEvent::mm_page_alloc: {
            PathStep s;
            s.tooltip = tip;
            if (e.pfn == mmsim::NO_PFN) {
                s.kind = PathStep::Failed;
                s.text = QObject::tr("NULL");
            } else {
                s.kind = PathStep::ZoneUsed;
                s.text = QObject::tr("→ pfn %1 (order %2)").arg(hexShort(e.pfn)).arg(e.order);
            }
            add(s);
            return path;
        }
        case BuddyEvent::alloc_fail: {
            addStep(PathStep::Failed, tip, QObject::tr("allocation fails"));
            break;
        }
        case BuddyEvent::mm_page_free: {
            if (started) return path;
            started = true;
            addStep(PathStep::Freed, tip,
                    QObject::tr("free pfn %1 (order %2)").arg(hexShort(e.pfn)).arg(e.order));
            break;
        }
        case BuddyEvent::pcp_free: {
            addStep(PathStep::PcpHit, tip, QObject::tr("→ CPU %1 per-CPU list").arg(e.cpu));
            break;
        }
        case BuddyEvent::buddy_merge: {
            std::size_t k = i;
            while (k < events.size() && events[k].ev.kind == BuddyEvent::buddy_merge)
                ++k;
            const BuddyEvent& last = events[k - 1].ev;
            PathStep s;
            s.kind = PathStep::Merge;
            s.tooltip = events[i].explain;
            s.text = QObject::tr("merge ×%1 → order-%2 at %3")
                         .arg(k - i)
                         .arg(last.order)
                         .arg(hexShort(last.pfn));
            add(s);
            i = k - 1;
            if (!started) started = true;
            break;
        }
        default: {
            if (e.kind == BuddyEvent::kswapd_wake || e.kind == BuddyEvent::boost_watermark ||
                e.kind == BuddyEvent::nofragment_retry || e.kind == BuddyEvent::drain_all_pages) {
                PathStep s;
                s.kind = PathStep::Fallback;
                s.tooltip = tip;
                s.text = QString::fromLatin1(mmsim::buddyEventName(e.kind));
                add(s);
            }
            break;
        }
        }
    }
    return path;
}

std::vector<BuddyMotion> buddyMotions(const std::vector<EventSnap>& events) {
    // A run of splits (after __rmqueue_smallest or a claim) or of merges.
    std::vector<BuddyMotion> out;
    for (std::size_t i = 0; i < events.size();) {
        const BuddyEvent& e = events[i].ev;
        if (e.kind != BuddyEvent::buddy_split && e.kind != BuddyEvent::buddy_merge) {
            ++i;
            continue;
        }
        std::size_t k = i;
        while (k < events.size() && events[k].ev.kind == e.kind && events[k].ev.zone == e.zone &&
               events[k].ev.nid == e.nid)
            ++k;
        const BuddyEvent& last = events[k - 1].ev;
        BuddyMotion m;
        m.first_event = i;
        m.last_event = k - 1;
        m.nid = e.nid;
        m.zone = e.zone;
        m.mt = last.mt;
        if (e.kind == BuddyEvent::buddy_split) {
            m.kind = BuddyMotion::Split;
            m.from_order = e.from_order;
            m.to_order = last.order;
            m.pfn = e.pfn - (std::uint64_t{1} << e.order); // the lower half is kept
        } else {
            m.kind = BuddyMotion::Merge;
            m.from_order = e.order - 1;
            m.to_order = last.order;
            m.pfn = last.pfn;
        }
        out.push_back(m);
        i = k;
    }
    return out;
}

// ---- the grid ----

namespace {
struct Geometry {
    int label_w, nrfree_w, gutter_w, header_h, row_h, lane_w, count_w, chip_w, chip_gap, left;
};
int compactRow(const QFontMetrics& fm) {
    return fm.height() + 8;
}
// 'height' (when given) lets the rows shrink to fit a short window, down to
// a compact row, instead of scrolling the lowest orders away.
Geometry gridGeometry(const QFontMetrics& fm, int width, int lanes, int height = -1) {
    Geometry g;
    g.label_w = fm.horizontalAdvance(QStringLiteral("10  4 MiB")) + 14;
    g.nrfree_w = fm.horizontalAdvance(QStringLiteral("nr_free")) + 12;
    g.gutter_w = std::max(60, fm.horizontalAdvance(QStringLiteral("in hand")) + 14);
    g.header_h = fm.height() + 10;
    g.row_h = std::max(28, fm.height() + 14);
    if (height >= 0)
        g.row_h = std::clamp((height - g.header_h - 8) / kOrders, compactRow(fm), g.row_h);
    g.left = g.label_w + g.nrfree_w + g.gutter_w;
    g.lane_w = std::max(84, (width - g.left - 6) / std::max(1, lanes));
    g.count_w = fm.horizontalAdvance(QStringLiteral("0000")) + 4;
    g.chip_w = 12;
    g.chip_gap = 3;
    return g;
}
// The ghost block's width grows with its order, so halves look halved.
double ghostWidth(int order) {
    return 10 + 4.0 * order;
}
} // namespace

BuddyCanvas::BuddyCanvas(QWidget* parent) : QWidget(parent) {
    setObjectName("buddy-canvas");
    setMouseTracking(true);
    anim_timer_.setInterval(16); // at most ~60 frames per second
    connect(&anim_timer_, &QTimer::timeout, this, &BuddyCanvas::tick);
    setToolTip(tr("Hover a chip for its pfn, a list for its length"));
}

QSize BuddyCanvas::sizeHint() const {
    const Geometry g = gridGeometry(fontMetrics(), 800, lanes());
    return {g.left + lanes() * 110 + 8, g.header_h + kOrders * g.row_h + 8};
}
QSize BuddyCanvas::minimumSizeHint() const {
    const Geometry g = gridGeometry(fontMetrics(), 0, lanes(), 0);
    return {g.left + lanes() * g.lane_w + 8, g.header_h + kOrders * g.row_h + 8};
}

void BuddyCanvas::setZone(const BuddyZoneSnap* zone, const std::vector<EventSnap>* events) {
    zone_ = zone;
    events_ = events;
    marks_.clear();
    if (zone && events) {
        for (const EventSnap& s : *events) {
            const BuddyEvent& e = s.ev;
            if (e.nid != zone->nid || e.zone != zone->idx) continue;
            if (e.kind == BuddyEvent::rmqueue_smallest) marks_.emplace_back(e.from_order, e.mt, 0);
            if (e.kind == BuddyEvent::buddy_split) marks_.emplace_back(e.order, e.mt, 1);
            if (e.kind == BuddyEvent::buddy_merge) marks_.emplace_back(e.order, e.mt, 2);
        }
    }
    update();
}

int BuddyCanvas::lanes() const {
    if (zone_)
        for (int o = 0; o < kOrders; ++o)
            if (zone_->lists[o][mmsim::MIGRATE_ISOLATE].count) return kLanes;
    if (zone_)
        for (int o = 0; o < kOrders; ++o)
            if (zone_->lists[o][mmsim::MIGRATE_CMA].count) return kLanes - 1;
    return kLanes - 2;
}

bool BuddyCanvas::headPending(int order, int mt) const {
    // During an animation the block that arrives at a list's head is shown
    // only once it has landed there.
    if (!has_motion_ || !zone_ || motion_.nid != zone_->nid || motion_.zone != zone_->idx ||
        mt != motion_.mt || t_ms_ >= animationLength())
        return false;
    const int stage = t_ms_ / kSegmentMs;
    if (motion_.kind == BuddyMotion::Split)
        return order >= motion_.to_order && order < motion_.from_order &&
               stage <= motion_.from_order - order;
    return order == motion_.to_order;
}

QRect BuddyCanvas::listRect(int order, int mt) const {
    const Geometry g = gridGeometry(fontMetrics(), width(), lanes(), height());
    const int row = kOrders - 1 - order;
    return {g.left + mt * g.lane_w, g.header_h + row * g.row_h, g.lane_w, g.row_h};
}

int BuddyCanvas::chipsFitting() const {
    const Geometry g = gridGeometry(fontMetrics(), width(), lanes(), height());
    const int plus_w = fontMetrics().horizontalAdvance(QStringLiteral("+00000"));
    return std::max(1, (g.lane_w - g.count_w - plus_w - 8) / (g.chip_w + g.chip_gap));
}

QRectF BuddyCanvas::chipRect(int order, int mt, int slot) const {
    const Geometry g = gridGeometry(fontMetrics(), width(), lanes(), height());
    const QRect r = listRect(order, mt);
    return QRectF(r.left() + g.count_w + 2 + slot * (g.chip_w + g.chip_gap), r.top() + 6, g.chip_w,
                  r.height() - 12);
}

int BuddyCanvas::animationLength() const {
    if (!has_motion_) return 0;
    const int levels = std::abs(motion_.from_order - motion_.to_order);
    return (levels + 2) * kSegmentMs;
}

void BuddyCanvas::animate(const BuddyMotion* m) {
    has_motion_ = m != nullptr;
    if (m) motion_ = *m;
    t_ms_ = 0;
    start_ms_ = 0;
    end_ms_ = -1;
    frames_ = 0;
    if (has_motion_) {
        clock_.start();
        anim_timer_.start();
    } else {
        anim_timer_.stop();
    }
    update();
}

void BuddyCanvas::animateSpan(const BuddyMotion& m, int from_ms, int to_ms) {
    animate(&m);
    start_ms_ = t_ms_ = std::max(0, from_ms);
    end_ms_ = std::min(to_ms, animationLength());
}

void BuddyCanvas::setAnimationTime(int ms) {
    anim_timer_.stop();
    t_ms_ = ms < 0 ? animationLength() : std::min(ms, animationLength());
    update();
}

void BuddyCanvas::tick() {
    const int end = end_ms_ >= 0 ? end_ms_ : animationLength();
    t_ms_ = start_ms_ + static_cast<int>(clock_.elapsed());
    if (t_ms_ >= end) {
        t_ms_ = end;
        anim_timer_.stop();
    }
    update();
}

bool BuddyCanvas::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip && zone_) {
        auto* he = static_cast<QHelpEvent*>(e);
        for (int o = 0; o < kOrders; ++o) {
            for (int mt = 0; mt < lanes(); ++mt) {
                const QRect r = listRect(o, mt);
                if (!r.contains(he->pos())) continue;
                const FreeListSnap& l = zone_->lists[o][mt];
                const int fit = chipsFitting();
                for (int s = 0; s < std::min<int>(fit, static_cast<int>(l.pfns.size())); ++s) {
                    if (chipRect(o, mt, s).adjusted(-1, -1, 1, 1).contains(he->pos())) {
                        const std::uint64_t pfn = l.pfns[static_cast<std::size_t>(s)];
                        QToolTip::showText(
                            he->globalPos(),
                            tr("Free block #%1 of free_area[%2].free_list[%3]\npfn %4 – %5, "
                               "order %2 (%6 pages, %7)")
                                .arg(s + 1)
                                .arg(o)
                                .arg(mtName(mt))
                                .arg(hexShort(pfn))
                                .arg(hexShort(pfn + (1ull << o) - 1))
                                .arg(1ull << o)
                                .arg(pagesSize(1ull << o)),
                            this);
                        return true;
                    }
                }
                QToolTip::showText(he->globalPos(),
                                   tr("free_area[%1].free_list[%2]: %3 free block(s) of %4 "
                                      "pages (%5 pages)")
                                       .arg(o)
                                       .arg(mtName(mt))
                                       .arg(l.count)
                                       .arg(1ull << o)
                                       .arg(l.count << o),
                                   this);
                return true;
            }
            const Geometry g = gridGeometry(fontMetrics(), width(), lanes(), height());
            const QRect label(0, listRect(o, 0).top(), g.label_w + g.nrfree_w, g.row_h);
            if (label.contains(he->pos())) {
                QToolTip::showText(he->globalPos(),
                                   tr("free_area[%1].nr_free = %2 blocks of 2^%1 pages")
                                       .arg(o)
                                       .arg(zone_->nr_free[o]),
                                   this);
                return true;
            }
        }
    }
    return QWidget::event(e);
}

void BuddyCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const bool dark = isDark(this);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    if (!zone_) return;
    const QFontMetrics fm = fontMetrics();
    const Geometry g = gridGeometry(fm, width(), lanes(), height());

    // Header: lane names.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(6, 0, g.label_w, g.header_h), Qt::AlignVCenter | Qt::AlignLeft, tr("order"));
    p.drawText(QRect(g.label_w, 0, g.nrfree_w - 6, g.header_h), Qt::AlignVCenter | Qt::AlignRight,
               tr("nr_free"));
    p.drawText(QRect(g.label_w + g.nrfree_w, 0, g.gutter_w, g.header_h), Qt::AlignCenter,
               tr("in hand"));
    for (int mt = 0; mt < lanes(); ++mt) {
        const QRect r(g.left + mt * g.lane_w, 0, g.lane_w, g.header_h);
        p.fillRect(r.adjusted(2, 3, -2, -3), migratetypeColor(mt, dark));
        p.setPen(textOn(migratetypeColor(mt, dark)));
        p.drawText(r, Qt::AlignCenter, mtName(mt));
    }
    p.setFont(font());

    const int fit = chipsFitting();
    for (int o = kOrders - 1; o >= 0; --o) {
        const int row = kOrders - 1 - o;
        const int y = g.header_h + row * g.row_h;
        if (row % 2)
            p.fillRect(QRect(0, y, g.left + lanes() * g.lane_w, g.row_h),
                       pal.color(QPalette::AlternateBase));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(6, y, g.label_w - 6, g.row_h), Qt::AlignVCenter | Qt::AlignLeft,
                   QStringLiteral("%1").arg(o));
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(QRect(6, y, g.label_w - 8, g.row_h), Qt::AlignVCenter | Qt::AlignRight,
                   pagesSize(1ull << o));
        std::uint64_t nr = zone_->nr_free[o];
        for (int mt = 0; mt < lanes(); ++mt)
            nr -= headPending(o, mt) ? 1 : 0;
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(g.label_w, y, g.nrfree_w - 6, g.row_h), Qt::AlignVCenter | Qt::AlignRight,
                   QString::number(nr));
        for (int mt = 0; mt < lanes(); ++mt) {
            const FreeListSnap& full = zone_->lists[o][mt];
            // The list as it looks at this point of the animation.
            FreeListSnap l;
            const bool pending = headPending(o, mt) && full.count;
            l.count = full.count - (pending ? 1 : 0);
            l.pfns.assign(full.pfns.begin() + (pending && !full.pfns.empty() ? 1 : 0),
                          full.pfns.end());
            const QRect r = listRect(o, mt);
            p.setPen(QPen(pal.color(QPalette::Mid), 0.6));
            p.drawLine(r.topLeft(), r.bottomLeft());
            p.setPen(l.count ? pal.color(QPalette::Text) : pal.color(QPalette::PlaceholderText));
            p.drawText(QRect(r.left(), r.top(), g.count_w, r.height()),
                       Qt::AlignVCenter | Qt::AlignRight, QString::number(l.count));
            const QColor c = migratetypeColor(mt, dark);
            const int shown = std::min<int>(fit, static_cast<int>(l.pfns.size()));
            for (int s = 0; s < shown; ++s) {
                const QRectF cr = chipRect(o, mt, s);
                p.setPen(QPen(c, 1.2));
                p.setBrush(tint(c, dark, 0.55));
                p.drawRoundedRect(cr, 2, 2);
            }
            if (l.count > static_cast<std::uint64_t>(shown)) {
                const QRectF last = chipRect(o, mt, shown);
                p.setPen(pal.color(QPalette::Text));
                p.drawText(QRectF(last.left() + 2, r.top(), r.right() - last.left(), r.height()),
                           Qt::AlignVCenter | Qt::AlignLeft,
                           QStringLiteral("+%1").arg(l.count - static_cast<std::uint64_t>(shown)));
            }
        }
    }
    // The lists the last step touched.
    for (const auto& [o, mt, role] : marks_) {
        if (o < 0 || o >= kOrders || mt < 0 || mt >= lanes()) continue;
        const QRect r = listRect(o, mt).adjusted(1, 1, -1, -1);
        QPen pen(pal.color(QPalette::Text), role == 0 ? 2.2 : 1.4);
        pen.setStyle(role == 1 ? Qt::DashLine : role == 2 ? Qt::DotLine : Qt::SolidLine);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(r, 3, 3);
    }

    if (!has_motion_ || motion_.nid != zone_->nid || motion_.zone != zone_->idx) return;
    if (anim_timer_.isActive()) ++frames_;
    // ---- the animation overlay ----
    const QColor c = migratetypeColor(motion_.mt, dark);
    const double seg = kSegmentMs;
    const double t = t_ms_ / seg; // in segments
    auto rowY = [&](int order) { return double(listRect(order, 0).top()) + 5; };
    const double h = g.row_h - 10;
    auto gutterX = [&](int order) {
        return g.label_w + g.nrfree_w + (g.gutter_w - ghostWidth(order)) / 2.0;
    };
    auto ease = [](double x) { return x < 0 ? 0 : x > 1 ? 1 : x * x * (3 - 2 * x); };
    auto ghost = [&](double x, double y, int order, double alpha, bool outline) {
        QColor fill = c;
        fill.setAlphaF(alpha);
        p.setBrush(fill);
        QColor edge = textOn(c);
        edge.setAlphaF(alpha);
        p.setPen(QPen(outline ? pal.color(QPalette::Text) : edge, outline ? 2 : 1));
        const QRectF r(x, y, ghostWidth(order), h);
        p.drawRoundedRect(r, 3, 3);
        if (r.width() > fm.horizontalAdvance(QStringLiteral("o10")) + 2) {
            p.setPen(textOn(c));
            p.drawText(r, Qt::AlignCenter, QString::number(order));
        }
    };
    const int levels = std::abs(motion_.from_order - motion_.to_order);
    if (motion_.kind == BuddyMotion::Split) {
        const int top = motion_.from_order;
        // Stage 0: the block leaves its list for the hand column.
        if (t < 1) {
            const QRectF from = chipRect(top, motion_.mt, 0);
            const double k = ease(t);
            ghost(from.left() + (gutterX(top) - from.left()) * k, rowY(top), top, 1, true);
            return;
        }
        const int stage = static_cast<int>(t); // 1..levels: split number; levels+1: handed out
        const double k = ease(t - stage);
        if (stage <= levels) {
            const int o = top - stage; // the halves' order
            const double y = rowY(o + 1) + (rowY(o) - rowY(o + 1)) * k;
            // Lower half keeps falling in the hand column.
            ghost(gutterX(o), y, o, 1, true);
            // Upper half drops to the head of the lower list.
            const QRectF dest = chipRect(o, motion_.mt, 0);
            const double x0 = gutterX(o) + ghostWidth(o) + 2;
            const double x1 = dest.left();
            ghost(x0 + (x1 - x0) * k, y, o, 1, false);
        } else {
            // Handed out: the kept block leaves to the left, fading.
            const int o = motion_.to_order;
            ghost(gutterX(o) - k * (g.label_w * 0.6), rowY(o), o, 1 - 0.8 * k, true);
            p.setPen(pal.color(QPalette::Text));
            p.drawText(QRectF(4, rowY(o) - fm.height(), g.label_w, fm.height()), Qt::AlignLeft,
                       tr("→ allocated %1").arg(hexShort(motion_.pfn)));
        }
    } else {
        // Merge: from the freed block's order up to the final order.
        const int low = motion_.from_order;
        if (t < 1) {
            ghost(gutterX(low), rowY(low), low, ease(t), true);
            return;
        }
        const int stage = static_cast<int>(t);
        const double k = ease(t - stage);
        if (stage <= levels) {
            const int o = low + stage - 1; // buddies of this order rise to o + 1
            const double y = rowY(o) + (rowY(o + 1) - rowY(o)) * k;
            const QRectF bud = chipRect(o, motion_.mt, 0);
            const double bx0 = bud.left();
            const double bx1 = gutterX(o + 1) + ghostWidth(o);
            // The block in hand and its buddy from the list rise together.
            ghost(gutterX(o + 1) + (gutterX(o) - gutterX(o + 1)) * (1 - k), y, o, 1, true);
            ghost(bx0 + (bx1 - bx0) * k, y, o, 1, false);
        } else {
            const int o = motion_.to_order;
            const QRectF dest = chipRect(o, motion_.mt, 0);
            ghost(gutterX(o) + (dest.left() - gutterX(o)) * k, rowY(o), o, 1, true);
        }
    }
}

// ---- the path strip ----

PathStrip::PathStrip(QWidget* parent) : QWidget(parent) {
    setObjectName("buddy-path");
    QSizePolicy sp(QSizePolicy::Preferred, QSizePolicy::Preferred);
    sp.setHeightForWidth(true);
    setSizePolicy(sp);
    setToolTip(tr("The path of the step's first allocation or free: zones checked against their "
                  "watermarks, the list taken, splits, fallbacks, steals and merges"));
}

void PathStrip::setPath(std::vector<PathStep> path) {
    path_ = std::move(path);
    updateGeometry();
    update();
}

std::vector<QRect> PathStrip::layoutBoxes(int width) const {
    std::vector<QRect> out;
    const QFontMetrics fm = fontMetrics();
    const int h = fm.height() + 10, arrow = 22;
    int x = 4, y = 4;
    for (const PathStep& s : path_) {
        const int w = fm.horizontalAdvance(s.text) + 16;
        if (x + w > width - 4 && x > 4) {
            x = 4;
            y += h + 6;
        }
        out.emplace_back(x, y, w, h);
        x += w + arrow;
    }
    return out;
}

int PathStrip::heightForWidth(int w) const {
    const int h = fontMetrics().height() + 10;
    if (path_.empty()) return h + 8;
    const auto boxes = layoutBoxes(w);
    return boxes.back().bottom() + 6;
}

QSize PathStrip::sizeHint() const {
    return {600, heightForWidth(600)};
}

QSize PathStrip::minimumSizeHint() const {
    return {200, fontMetrics().height() + 18};
}

bool PathStrip::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        const auto boxes = layoutBoxes(width());
        for (std::size_t i = 0; i < boxes.size(); ++i)
            if (boxes[i].contains(he->pos()) && !path_[i].tooltip.isEmpty()) {
                QToolTip::showText(he->globalPos(), path_[i].tooltip, this);
                return true;
            }
    }
    return QWidget::event(e);
}

void PathStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const bool dark = isDark(this);
    if (path_.empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(6, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   tr("No allocation or free in the last step."));
        return;
    }
    const auto boxes = layoutBoxes(width());
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        const PathStep& s = path_[i];
        const QRect r = boxes[i];
        QColor fill = pal.color(QPalette::Button), edge = pal.color(QPalette::Mid);
        Qt::PenStyle style = Qt::SolidLine;
        switch (s.kind) {
        case PathStep::ZoneSkipped:
            style = Qt::DashLine;
            edge = pal.color(QPalette::Text);
            fill = pal.color(QPalette::Base);
            break;
        case PathStep::ZoneUsed:
            fill = pal.color(QPalette::Highlight);
            edge = fill;
            break;
        case PathStep::Steal:
        case PathStep::Fallback:
            if (s.mt >= 0) fill = tint(migratetypeColor(s.mt, dark), dark, 0.55);
            edge = pal.color(QPalette::Text);
            break;
        case PathStep::Failed:
            fill = migratetypeColor(0, dark);
            break;
        default:
            break;
        }
        p.setBrush(fill);
        p.setPen(QPen(edge, 1.4, style));
        p.drawRoundedRect(r, 5, 5);
        p.setPen(s.kind == PathStep::ZoneUsed ? pal.color(QPalette::HighlightedText)
                 : s.kind == PathStep::ZoneSkipped || s.kind == PathStep::ListTaken ||
                         s.kind == PathStep::Split || s.kind == PathStep::Merge ||
                         s.kind == PathStep::Freed || s.kind == PathStep::PcpHit ||
                         s.kind == PathStep::PcpRefill
                     ? pal.color(QPalette::ButtonText)
                     : textOn(fill));
        p.drawText(r, Qt::AlignCenter, s.text);
        if (i + 1 < boxes.size() && boxes[i + 1].top() == r.top()) {
            const int y = r.center().y();
            const int x0 = r.right() + 4, x1 = boxes[i + 1].left() - 4;
            p.setPen(QPen(pal.color(QPalette::Text), 1.4));
            p.drawLine(x0, y, x1, y);
            p.drawLine(x1, y, x1 - 5, y - 4);
            p.drawLine(x1, y, x1 - 5, y + 4);
        }
    }
}

// ---- the tab ----

BuddyView::BuddyView(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Zone:"), this));
    zone_combo_ = new QComboBox(this);
    zone_combo_->setObjectName("buddy-zone");
    zone_combo_->setToolTip(tr("The zone whose free_area is shown"));
    zone_combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    top->addWidget(zone_combo_);
    follow_ = new QCheckBox(tr("Follow the step"), this);
    follow_->setChecked(true);
    follow_->setToolTip(tr("Show the zone the last step allocated from or freed to"));
    top->addWidget(follow_);
    animate_ = new QCheckBox(tr("Animate"), this);
    animate_->setChecked(true);
    animate_->setToolTip(tr("Animate the last step's splits and merges (a new step skips the "
                            "running animation)"));
    top->addWidget(animate_);
    top->addStretch(1);
    summary_ = new QLabel(this);
    summary_->setObjectName("buddy-summary");
    summary_->setToolTip(tr("Free pages of the zone, on its buddy lists"));
    top->addWidget(summary_);
    lay->addLayout(top);
    lay->addWidget(makeHeading(tr("Path of the last allocation"), this));
    path_ = new PathStrip(this);
    lay->addWidget(path_);
    legend_ = makeLegend(this);
    legend_->setObjectName("buddy-legend");
    legend_->setToolTip(tr("Chips are free blocks, drawn light as free memory; the solid block "
                           "is the one being split or merged"));
    lay->addWidget(legend_);
    empty_ = new QLabel(tr("The buddy allocator is not up yet: memblock_free_all() hands the "
                           "free pages over at the end of boot."),
                        this);
    empty_->setWordWrap(true);
    lay->addWidget(empty_);
    canvas_ = new BuddyCanvas(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(canvas_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    lay->addWidget(scroll, 1);
    connect(zone_combo_, &QComboBox::activated, this, [this](int i) {
        follow_->setChecked(false);
        showZone(i, false);
    });
    connect(animate_, &QCheckBox::toggled, this, [this](bool on) {
        if (!on) canvas_->animate(nullptr);
    });
    updateLegend();
}

void BuddyView::setAnimationsEnabled(bool on) {
    animate_->setChecked(on);
}

void BuddyView::freezeAnimation(double fraction) {
    canvas_->setAnimationTime(static_cast<int>(fraction * canvas_->animationLength()));
}

void BuddyView::changeEvent(QEvent* e) {
    if (e->type() == QEvent::PaletteChange) updateLegend();
    QWidget::changeEvent(e);
}

void BuddyView::updateLegend() {
    const bool dark = isDark(this);
    std::vector<std::pair<QColor, QString>> items;
    for (int mt = 0; mt < kLanes; ++mt)
        if (mt != mmsim::MIGRATE_CMA || (snap_ && snap_->cma))
            items.emplace_back(migratetypeColor(mt, dark), mtName(mt));
    setLegend(legend_, items);
    legend_->setText(legend_->text() +
                     tr("&nbsp; solid outline: list taken; dashed: a split half put back; "
                        "dotted: merged"));
}

QString BuddyView::currentZoneName() const {
    return zone_combo_->currentText();
}
int BuddyView::zoneCount() const {
    return zone_combo_->count();
}
void BuddyView::setCurrentZone(int i) {
    zone_combo_->setCurrentIndex(i);
    showZone(i, false);
}

void BuddyView::setSnapshot(const SnapshotPtr& snap) {
    const bool had_cma = snap_ && snap_->cma;
    snap_ = snap;
    if (!snap) return;
    if (snap->cma != had_cma) updateLegend();
    const bool ready = !snap->buddy.empty();
    empty_->setVisible(!ready);
    const QString was = zone_combo_->currentText();
    zone_combo_->clear();
    for (const BuddyZoneSnap& z : snap->buddy)
        zone_combo_->addItem(zoneLabel(z.nid, z.idx));
    int idx = std::max(0, zone_combo_->findText(was));
    if (ready && was.isEmpty()) {
        // Start on the biggest zone: where most allocations go.
        std::uint64_t best = 0;
        for (std::size_t i = 0; i < snap->buddy.size(); ++i)
            if (snap->buddy[i].free > best) {
                best = snap->buddy[i].free;
                idx = static_cast<int>(i);
            }
    }
    if (follow_->isChecked()) {
        // The zone of the step's first allocation or free.
        for (const EventSnap& e : snap->events) {
            if (e.ev.kind != BuddyEvent::mm_page_alloc && e.ev.kind != BuddyEvent::mm_page_free)
                continue;
            if (e.ev.pfn == mmsim::NO_PFN) continue;
            const int k = zone_combo_->findText(zoneLabel(e.ev.nid, e.ev.zone));
            if (k >= 0) idx = k;
            break;
        }
    }
    zone_combo_->setCurrentIndex(idx);
    // Micro-stepping: only the events revealed so far.
    micro_events_.clear();
    if (snap->micro >= 0)
        micro_events_.assign(snap->events.begin(),
                             snap->events.begin() +
                                 std::min<std::ptrdiff_t>(snap->micro,
                                                          static_cast<std::ptrdiff_t>(
                                                              snap->events.size())));
    path_->setPath(allocationPath(shownEvents()));
    showZone(idx, true);
}

void BuddyView::showZone(int i, bool animate) {
    if (!snap_ || i < 0 || i >= static_cast<int>(snap_->buddy.size())) {
        canvas_->setZone(nullptr, nullptr);
        summary_->clear();
        return;
    }
    const BuddyZoneSnap& z = snap_->buddy[static_cast<std::size_t>(i)];
    canvas_->setZone(&z, &shownEvents());
    summary_->setText(tr("%1 free pages (%2)").arg(z.free).arg(pagesSize(z.free)));
    if (!animate) return;
    if (snap_->micro >= 0) {
        animateMicro(z);
        return;
    }
    const BuddyMotion* pick = nullptr;
    const auto motions = buddyMotions(snap_->events);
    for (const BuddyMotion& m : motions)
        if (m.nid == z.nid && m.zone == z.idx) {
            pick = &m;
            break;
        }
    canvas_->animate(animate_->isChecked() ? pick : nullptr);
}

const std::vector<EventSnap>& BuddyView::shownEvents() const {
    return snap_ && snap_->micro >= 0 ? micro_events_ : snap_->events;
}

// Micro-stepping: the split or merge level of the current event plays (a
// split's block leaving its list for the event that takes it); an event
// after a motion leaves that motion at its end.
void BuddyView::animateMicro(const BuddyZoneSnap& z) {
    const int cur = snap_->micro - 1;
    if (cur < 0 || !animate_->isChecked()) {
        canvas_->animate(nullptr);
        return;
    }
    const auto motions = buddyMotions(snap_->events);
    const BuddyMotion* pick = nullptr;
    for (const BuddyMotion& m : motions) {
        if (m.nid != z.nid || m.zone != z.idx) continue;
        // The event just before a split run is the one that took the block.
        const std::size_t from = m.kind == BuddyMotion::Split && m.first_event > 0
                                     ? m.first_event - 1
                                     : m.first_event;
        if (static_cast<std::size_t>(cur) < from) break;
        pick = &m;
    }
    if (!pick) {
        canvas_->animate(nullptr);
        return;
    }
    const int seg = BuddyCanvas::kSegmentMs;
    const auto c = static_cast<std::size_t>(cur);
    if (c > pick->last_event) {
        canvas_->animate(pick);
        canvas_->setAnimationTime(-1);
        return;
    }
    // Level j of the run (stage j+1); the event before a split run is stage 0.
    const int stage = c < pick->first_event ? 0 : static_cast<int>(c - pick->first_event) + 1;
    const bool last = c == pick->last_event;
    canvas_->animateSpan(*pick, stage * seg,
                         last ? std::numeric_limits<int>::max() : (stage + 1) * seg);
}

} // namespace mmsim::ui
