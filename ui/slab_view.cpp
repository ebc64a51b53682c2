#include "ui/slab_view.h"

#include "ui/format.h"
#include "ui/theme.h"
#include "ui/view_util.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPainter>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace mmsim::ui {

using mmsim::SlabList;

// ---- colours and names ----

QColor slabListColor(SlabList l, bool dark) {
    switch (l) {
    case SlabList::CpuSlab:
        return migratetypeColor(1, dark); // blue
    case SlabList::CpuPartial:
        return QColor(0x56, 0xB4, 0xE9); // sky blue
    case SlabList::Partial:
        return migratetypeColor(2, dark); // bluish green
    case SlabList::Full:
        return migratetypeColor(0, dark); // vermillion
    case SlabList::Free:
        return QColor(0xE6, 0x9F, 0x00); // orange
    default:
        return dark ? QColor(0x9a, 0x9a, 0x9a) : QColor(0x80, 0x80, 0x80); // grey: on no list
    }
}

QColor arrayCacheColor(bool) {
    return QColor(0xCC, 0x79, 0xA7); // reddish purple
}

QString slabLaneTitle(const SlabLaneSnap& lane, bool classic) {
    if (lane.kind == SlabLaneSnap::ArrayCache)
        return lane.cpu >= 0 ? QObject::tr("CPU %1 · array_cache").arg(lane.cpu)
                             : QObject::tr("node %1 · shared array_cache").arg(lane.nid);
    switch (lane.list) {
    case SlabList::CpuSlab:
        return QObject::tr("CPU %1 · cpu_slab").arg(lane.cpu);
    case SlabList::CpuPartial:
        return QObject::tr("CPU %1 · partial").arg(lane.cpu);
    case SlabList::Partial:
        return classic ? QObject::tr("node %1 · slabs_partial").arg(lane.nid)
                       : QObject::tr("node %1 · partial").arg(lane.nid);
    case SlabList::Full:
        return classic ? QObject::tr("node %1 · slabs_full").arg(lane.nid)
                       : QObject::tr("node %1 · full (on no kernel list)").arg(lane.nid);
    case SlabList::Free:
        return QObject::tr("node %1 · slabs_free").arg(lane.nid);
    default:
        return QObject::tr("between lists (mid-step)");
    }
}

namespace {

QString laneTooltip(const SlabLaneSnap& lane, const SlabCacheSnap& c, bool classic) {
    if (lane.kind == SlabLaneSnap::ArrayCache) {
        if (lane.cpu >= 0)
            return QObject::tr("CPU %1's array_cache: pointers to free objects the CPU takes and "
                               "gives back without touching a slab. It holds up to limit = %2; "
                               "cache_alloc_refill() fills it and cache_flusharray() drains it "
                               "batchcount = %3 objects at a time.")
                .arg(lane.cpu)
                .arg(lane.limit)
                .arg(lane.batchcount);
        return QObject::tr("Node %1's shared array_cache: objects handed between the node's CPUs "
                           "before they go back to the slabs (limit %2).")
            .arg(lane.nid)
            .arg(lane.limit);
    }
    switch (lane.list) {
    case SlabList::CpuSlab:
        return QObject::tr("CPU %1's active slab (kmem_cache_cpu.slab): its free objects form "
                           "the CPU's lockless freelist, so allocations on this CPU take them "
                           "without a lock (the fast path). Every object of it counts as active "
                           "in /proc/slabinfo.")
            .arg(lane.cpu);
    case SlabList::CpuPartial:
        return QObject::tr("CPU %1's partial list (kmem_cache_cpu.partial): slabs with free "
                           "objects kept for this CPU. When the active slab runs out the next "
                           "one comes from here; a free into a full slab puts that slab here. "
                           "Beyond cpu_partial_slabs = %2 the list is flushed to the node.")
            .arg(lane.cpu)
            .arg(c.cpu_partial_slabs);
    case SlabList::Partial:
        return classic ? QObject::tr("slabs_partial of node %1: slabs with objects in use and "
                                     "objects free; cache_alloc_refill() takes from here first.")
                             .arg(lane.nid)
                       : QObject::tr("Node %1's partial list (kmem_cache_node.partial): slabs "
                                     "with free objects that any CPU of the node may take. "
                                     "Empty slabs beyond min_partial = %2 go back to the page "
                                     "allocator.")
                             .arg(lane.nid)
                             .arg(c.min_partial);
    case SlabList::Full:
        return classic ? QObject::tr("slabs_full of node %1: every object in use.").arg(lane.nid)
                       : QObject::tr("Full slabs of node %1. SLUB keeps full slabs on no list "
                                     "(only slub_debug tracks them); mmsim shows them here. A "
                                     "free into one puts it on the freeing CPU's partial list.")
                             .arg(lane.nid);
    case SlabList::Free:
        return QObject::tr("slabs_free of node %1: no object in use. Kept up to the node's "
                           "free_limit; beyond it, and on kmem_cache_shrink(), the pages go "
                           "back to the buddy allocator.")
            .arg(lane.nid);
    default:
        return QObject::tr("Slabs the step holds on no list at this micro-event: a slab "
                           "allocate_slab() has just made, before it becomes a CPU's slab or "
                           "goes on a list, or one on its way from one list to another. The "
                           "lane is there only in the middle of a step.");
    }
}

QString laneCountText(const SlabLaneSnap& lane, unsigned objperslab) {
    if (lane.kind == SlabLaneSnap::ArrayCache)
        return QObject::tr("%1 / %2 objects cached").arg(lane.avail).arg(lane.limit);
    if (lane.count == 0) return QObject::tr("empty");
    return QObject::tr("%1 · %2 / %3 objects in use")
        .arg(plural(lane.count, "slab", "slabs"))
        .arg(lane.inuse)
        .arg(lane.count * objperslab);
}

QString listSentence(const SlabBarSnap& b, bool classic) {
    switch (b.list) {
    case SlabList::CpuSlab:
        return QObject::tr("CPU %1's active slab (cpu_slab)").arg(b.cpu);
    case SlabList::CpuPartial:
        return QObject::tr("on CPU %1's partial list").arg(b.cpu);
    case SlabList::Partial:
        return classic ? QObject::tr("on node %1's slabs_partial").arg(b.nid)
                       : QObject::tr("on node %1's partial list").arg(b.nid);
    case SlabList::Full:
        return classic ? QObject::tr("on node %1's slabs_full").arg(b.nid)
                       : QObject::tr("full: on no list (SLUB)");
    case SlabList::Free:
        return QObject::tr("on node %1's slabs_free").arg(b.nid);
    default:
        return QObject::tr("on no list");
    }
}

double ease(double x) {
    return x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);
}

QRectF lerp(const QRectF& a, const QRectF& b, double k) {
    return {a.x() + (b.x() - a.x()) * k, a.y() + (b.y() - a.y()) * k,
            a.width() + (b.width() - a.width()) * k, a.height() + (b.height() - a.height()) * k};
}

// "0.12K" as slabtop prints it (C's printf rounds 0.125 to even; Qt's
// asprintf would not).
QString kSize(double bytes) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2fK", bytes / 1024.0);
    return QString::fromLatin1(buf);
}

// Hides caches without a slab when asked.
class SlabCacheFilter : public QSortFilterProxyModel {
  public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setHideEmpty(bool on) {
        hide_empty_ = on;
        invalidateFilter();
    }

  protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
        if (!hide_empty_) return true;
        const QModelIndex i = sourceModel()->index(row, SlabCacheModel::Slabs, parent);
        return i.data(SlabCacheModel::SortRole).toULongLong() > 0;
    }

  private:
    bool hide_empty_ = false;
};

} // namespace

// ---- the slabtop model ----

SlabCacheModel::SlabCacheModel(QObject* parent) : QAbstractTableModel(parent) {}

void SlabCacheModel::setSlab(std::shared_ptr<const SlabSnap> slab) {
    std::vector<const SlabCacheSnap*> rows;
    if (slab)
        for (const SlabCacheSnap& c : slab->caches)
            rows.push_back(&c);
    // slabtop's default order: most objects first, then by name.
    std::stable_sort(rows.begin(), rows.end(), [](const SlabCacheSnap* a, const SlabCacheSnap* b) {
        if (a->num_objs != b->num_objs) return a->num_objs > b->num_objs;
        return a->name < b->name;
    });
    std::vector<int> old_ids, new_ids;
    for (const SlabCacheSnap* c : rows_)
        old_ids.push_back(c->id);
    for (const SlabCacheSnap* c : rows)
        new_ids.push_back(c->id);
    std::vector<int> a = old_ids, b = new_ids;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b || rows.empty()) {
        beginResetModel();
        slab_ = std::move(slab);
        rows_ = std::move(rows);
        endResetModel();
        return;
    }
    if (old_ids == new_ids) {
        slab_ = std::move(slab);
        rows_ = std::move(rows);
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    // Same caches in another order: move the persistent indexes along.
    emit layoutAboutToBeChanged();
    std::map<int, int> new_row;
    for (std::size_t i = 0; i < new_ids.size(); ++i)
        new_row[new_ids[i]] = static_cast<int>(i);
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    for (const QModelIndex& i : from)
        to << index(new_row[old_ids[static_cast<std::size_t>(i.row())]], i.column());
    slab_ = std::move(slab);
    rows_ = std::move(rows);
    changePersistentIndexList(from, to);
    emit layoutChanged();
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

const SlabCacheSnap* SlabCacheModel::cacheAt(int row) const {
    return row >= 0 && row < rowCount() ? rows_[static_cast<std::size_t>(row)] : nullptr;
}

int SlabCacheModel::rowOfCache(int id) const {
    for (std::size_t i = 0; i < rows_.size(); ++i)
        if (rows_[i]->id == id) return static_cast<int>(i);
    return -1;
}

int SlabCacheModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int SlabCacheModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SlabCacheModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) return {};
    const SlabCacheSnap& c = *rows_[static_cast<std::size_t>(index.row())];
    const auto col = static_cast<Column>(index.column());
    if (role == Qt::DisplayRole) {
        switch (col) {
        case Objs:
            return QString::number(c.num_objs);
        case Active:
            return QString::number(c.active_objs);
        case Use:
            return QStringLiteral("%1%").arg(c.usePercent());
        case ObjSize:
            return kSize(c.size);
        case Slabs:
            return QString::number(c.num_slabs);
        case ObjPerSlab:
            return QString::number(c.objperslab);
        case CacheSize:
            return QStringLiteral("%1K").arg(c.cacheSizeKiB());
        case Name:
            return c.name;
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (col) {
        case Objs:
            return QVariant::fromValue<qulonglong>(c.num_objs);
        case Active:
            return QVariant::fromValue<qulonglong>(c.active_objs);
        case Use:
            return c.usePercent();
        case ObjSize:
            return c.size;
        case Slabs:
            return QVariant::fromValue<qulonglong>(c.num_slabs);
        case ObjPerSlab:
            return c.objperslab;
        case CacheSize:
            return QVariant::fromValue<qulonglong>(c.cacheSizeKiB());
        case Name:
            return c.name;
        default:
            return {};
        }
    }
    if (role == CacheIdRole) return c.id;
    if (role == Qt::TextAlignmentRole)
        return col == Name ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                           : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && slab_ && c.id == slab_->last_cache) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::ToolTipRole) {
        QString t = tr("%1: %2-byte slots (%3 asked), %4 per order-%5 slab (%6)")
                        .arg(c.name)
                        .arg(c.size)
                        .arg(c.object_size)
                        .arg(c.objperslab)
                        .arg(c.order)
                        .arg(pagesSize(c.pagesPerSlab()));
        if (c.num_slabs == 0)
            t += tr("\nNo slab yet: the first allocation makes one.");
        else if (slab_ && slab_->classic)
            t += tr("\n%1 slabs: %2 partial, %3 full, %4 free")
                     .arg(c.num_slabs)
                     .arg(c.nr_partial)
                     .arg(c.nr_full)
                     .arg(c.nr_free);
        else
            t += tr("\n%1 slabs: %2 CPU slab(s), %3 on CPU partial lists, %4 node partial, %5 "
                    "full")
                     .arg(c.num_slabs)
                     .arg(c.nr_cpu_slab)
                     .arg(c.nr_cpu_partial)
                     .arg(c.nr_partial)
                     .arg(c.nr_full);
        if (slab_ && c.id == slab_->last_cache) t += tr("\nThe last step used this cache.");
        return t;
    }
    return {};
}

QVariant SlabCacheModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    static const char* const names[] = {"OBJS",  "ACTIVE",   "USE",        "OBJ SIZE",
                                        "SLABS", "OBJ/SLAB", "CACHE SIZE", "NAME"};
    if (role == Qt::DisplayRole) return QString::fromLatin1(names[section]);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Objs:
            return tr("Objects in the cache's slabs (num_objs)");
        case Active:
            return tr("Objects slabinfo counts as in use (active_objs). SLUB counts free "
                      "objects only on the node partial lists; SLAB counts objects in the array "
                      "caches as active");
        case Use:
            return tr("ACTIVE as a share of OBJS");
        case ObjSize:
            return tr("Slot size in KiB: the object with its alignment and metadata");
        case Slabs:
            return tr("Slabs of the cache (num_slabs)");
        case ObjPerSlab:
            return tr("Objects per slab");
        case CacheSize:
            return tr("Memory of the cache's slabs: slabs × pages per slab × 4 KiB");
        default:
            return tr("The cache (bold: the one the last step used). Click a header to sort");
        }
    }
    return {};
}

// ---- the lanes ----

SlabLanesCanvas::SlabLanesCanvas(QWidget* parent) : QWidget(parent) {
    setObjectName("slab-lanes");
    setMouseTracking(true);
    setToolTip(tr("Hover a slab for its pfn, order, node and objects; a lane's title for what "
                  "the list is"));
    anim_timer_.setInterval(16); // at most ~60 frames per second
    connect(&anim_timer_, &QTimer::timeout, this, &SlabLanesCanvas::tick);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
}

SlabLanesCanvas::Metrics SlabLanesCanvas::metrics() const {
    const QFontMetrics fm = fontMetrics();
    Metrics m;
    m.header_h = fm.height() + 8;
    m.bar_h = std::max(12, fm.height() + 1);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.85));
    m.caption_h = QFontMetrics(small).height() + 2;
    m.gap = std::max(8, fm.height() / 2);
    return m;
}

QSizeF SlabLanesCanvas::barSize(unsigned objects) const {
    const double u = fontMetrics().height();
    const double slot = u * 0.6;
    const double w = std::clamp(objects * slot, 3 * u, 15 * u);
    return {std::round(w), static_cast<double>(metrics().bar_h)};
}

std::vector<SlabLanesCanvas::LaneGeom> SlabLanesCanvas::layout(const SlabCacheSnap& c, int width,
                                                               int* height, int* collapsed) const {
    const Metrics m = metrics();
    const QFontMetrics fm = fontMetrics();
    const bool classic = slab_ && slab_->classic;
    std::vector<LaneGeom> out;
    // Many CPUs: a CPU whose lanes are all empty is left out (one line says so).
    const int nr_cpus = slab_ ? slab_->nr_cpus : 0;
    std::set<int> busy_cpus;
    for (const SlabLaneSnap& l : c.lanes)
        if (l.cpu >= 0 && (l.count > 0 || l.avail > 0)) busy_cpus.insert(l.cpu);
    const bool collapse = nr_cpus > 4;
    *collapsed = collapse ? nr_cpus - static_cast<int>(busy_cpus.size()) : 0;
    int y = m.pad;
    const int x0 = m.pad, w = std::max(200, width - 2 * m.pad);
    const int accent = 5;
    const int inner_l = x0 + accent + m.pad, inner_r = x0 + w - m.pad;
    const double cell_h = m.bar_h + m.caption_h;
    for (std::size_t li = 0; li < c.lanes.size(); ++li) {
        const SlabLaneSnap& lane = c.lanes[li];
        if (collapse && lane.cpu >= 0 && !busy_cpus.count(lane.cpu)) continue;
        LaneGeom g;
        g.lane = static_cast<int>(li);
        g.title = slabLaneTitle(lane, classic);
        g.count_text = laneCountText(lane, c.objperslab);
        g.count_short = lane.kind == SlabLaneSnap::ArrayCache
                            ? QStringLiteral("%1 / %2").arg(lane.avail).arg(lane.limit)
                        : lane.count ? plural(lane.count, "slab", "slabs")
                                     : g.count_text;
        g.tooltip = laneTooltip(lane, c, classic);
        g.header = QRect(x0 + accent, y, w - accent, m.header_h);
        double cy = y + m.header_h;
        if (lane.kind == SlabLaneSnap::ArrayCache) {
            const QSizeF s = barSize(std::max(1u, lane.limit));
            g.array_bar =
                QRectF(inner_l, cy, std::min<double>(s.width() * 1.6, inner_r - inner_l), m.bar_h);
            cy += cell_h;
        } else {
            double cx = inner_l;
            const QSizeF s = barSize(std::max(1u, c.objperslab));
            const double more_w = fm.horizontalAdvance(QStringLiteral("+00000 more")) + 8;
            for (std::size_t i = 0; i < lane.slabs.size(); ++i) {
                if (cx + s.width() > inner_r && cx > inner_l) {
                    cx = inner_l;
                    cy += cell_h + m.gap / 2;
                }
                g.bars.emplace_back(cx, cy, s.width(), s.height());
                cx += s.width() + m.gap;
            }
            g.hidden = static_cast<int>(lane.count - lane.slabs.size());
            if (g.hidden > 0 && cx + more_w > inner_r) cy += cell_h + m.gap / 2;
            cy += cell_h;
        }
        const int bottom = static_cast<int>(std::ceil(cy)) + m.pad / 2;
        g.box = QRect(x0, y, w, bottom - y);
        y = bottom + m.lane_gap;
        out.push_back(std::move(g));
    }
    if (*collapsed > 0) y += 2 * m.header_h; // room for two lines
    *height = y + m.pad;
    return out;
}

void SlabLanesCanvas::relayout() {
    int collapsed = 0, h = 0;
    if (cache_)
        geom_ = layout(*cache_, width(), &h, &collapsed);
    else
        geom_.clear();
    collapsed_cpus_ = collapsed;
    height_ = h;
    if (minimumHeight() != height_) setMinimumHeight(height_);
    updateGeometry();
    update();
}

void SlabLanesCanvas::setCache(std::shared_ptr<const SlabSnap> slab, int cache_id, bool animate) {
    const SlabCacheSnap* next = slab ? slab->find(cache_id) : nullptr;
    // Where every slab was drawn, for the animation.
    std::map<std::pair<std::uint32_t, std::uint64_t>, Was> was;
    const bool same = cache_ && next && cache_->id == next->id && cache_->name == next->name;
    if (animate && same && slab != slab_) {
        for (const LaneGeom& g : geom_) {
            const SlabLaneSnap& lane = cache_->lanes[static_cast<std::size_t>(g.lane)];
            for (std::size_t i = 0; i < g.bars.size(); ++i) {
                const SlabBarSnap& b = lane.slabs[i];
                was[{b.id, b.pfn}] = Was{g.bars[i], b};
            }
        }
    }
    old_slab_ = slab_; // keeps the slabs that went away alive while they fade
    old_cache_ = cache_;
    old_geom_ = std::move(geom_);
    slab_ = std::move(slab);
    cache_ = next;
    relayout();
    was_ = std::move(was);
    moved_ = changed_ = 0;
    if (!was_.empty() || (animate && same)) {
        std::set<std::pair<std::uint32_t, std::uint64_t>> now;
        for (const LaneGeom& g : geom_) {
            const SlabLaneSnap& lane = cache_->lanes[static_cast<std::size_t>(g.lane)];
            for (std::size_t i = 0; i < g.bars.size(); ++i) {
                const SlabBarSnap& b = lane.slabs[i];
                now.insert({b.id, b.pfn});
                auto it = was_.find({b.id, b.pfn});
                if (it == was_.end())
                    ++changed_; // a new slab
                else if (it->second.bar.list != b.list || it->second.bar.cpu != b.cpu)
                    ++moved_;
                else if (it->second.bar.used != b.used || it->second.bar.inuse != b.inuse)
                    ++changed_;
            }
        }
        for (const auto& [k, w] : was_)
            changed_ += !now.count(k); // gone
    }
    has_motion_ = animate && same && (moved_ + changed_) > 0;
    t_ms_ = has_motion_ ? 0 : kAnimMs;
    if (has_motion_) {
        clock_.start();
        anim_timer_.start();
    } else {
        anim_timer_.stop();
        was_.clear();
        old_geom_.clear();
        old_slab_.reset();
        old_cache_ = nullptr;
    }
    update();
}

void SlabLanesCanvas::tick() {
    t_ms_ = static_cast<int>(clock_.elapsed());
    if (t_ms_ >= kAnimMs) {
        t_ms_ = kAnimMs;
        anim_timer_.stop();
    }
    update();
}

void SlabLanesCanvas::setAnimationTime(int ms) {
    anim_timer_.stop();
    t_ms_ = ms < 0 ? kAnimMs : std::min(ms, kAnimMs);
    update();
}

QSize SlabLanesCanvas::sizeHint() const {
    return {560, std::max(height_, 200)};
}

QSize SlabLanesCanvas::minimumSizeHint() const {
    return {260, 120};
}

void SlabLanesCanvas::resizeEvent(QResizeEvent* e) {
    QWidget::resizeEvent(e);
    relayout();
}

void SlabLanesCanvas::changeEvent(QEvent* e) {
    if (e->type() == QEvent::FontChange) relayout();
    QWidget::changeEvent(e);
}

QString SlabLanesCanvas::describeAt(const QPoint& pos) const {
    if (!cache_) return {};
    const bool classic = slab_ && slab_->classic;
    for (const LaneGeom& g : geom_) {
        if (!g.box.contains(pos)) continue;
        const SlabLaneSnap& lane = cache_->lanes[static_cast<std::size_t>(g.lane)];
        for (std::size_t i = 0; i < g.bars.size(); ++i) {
            const QRectF hit = g.bars[i].adjusted(-2, -2, 2, metrics().caption_h);
            if (!hit.contains(pos)) continue;
            const SlabBarSnap& b = lane.slabs[i];
            return tr("Slab at pfn %1 (order %2, %3, node %4)\n%5 of %6 objects in use "
                      "(%7-byte slots)\n%8")
                .arg(hexShort(b.pfn))
                .arg(b.order)
                .arg(pagesSize(std::uint64_t{1} << b.order))
                .arg(b.nid)
                .arg(b.inuse)
                .arg(b.objects)
                .arg(cache_->size)
                .arg(listSentence(b, classic));
        }
        if (lane.kind == SlabLaneSnap::ArrayCache &&
            g.array_bar.adjusted(-2, -2, 2, 2).contains(pos))
            return tr("%1: %2 of %3 object pointers cached (batchcount %4)")
                .arg(slabLaneTitle(lane, classic))
                .arg(lane.avail)
                .arg(lane.limit)
                .arg(lane.batchcount);
        return g.title + QStringLiteral(" — ") + g.count_text + QStringLiteral("\n") + g.tooltip;
    }
    return {};
}

bool SlabLanesCanvas::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        const QString t = describeAt(he->pos());
        if (t.isEmpty())
            QToolTip::showText(he->globalPos(), toolTip(), this);
        else
            QToolTip::showText(he->globalPos(), t, this);
        return true;
    }
    return QWidget::event(e);
}

// One slab: its slots, used ones filled, drawn as runs of equal slots (a
// slab of 512 objects is a bar of thin columns). Slots taken in this step
// fade in with t, slots freed fade out.
void SlabLanesCanvas::drawBar(QPainter& p, const QRectF& r, const SlabBarSnap& b,
                              const SlabBarSnap* was, const QColor& c, double t,
                              double alpha) const {
    const QPalette& pal = palette();
    const unsigned n = std::max(1u, b.objects);
    const double slot = r.width() / n;
    QColor empty = pal.color(QPalette::Base);
    empty.setAlphaF(alpha);
    p.setPen(Qt::NoPen);
    p.setBrush(empty);
    p.drawRect(r);
    // 0 free, 1 in use, 2 taken now, 3 freed now
    auto state = [&](unsigned i) {
        const bool now = b.slotUsed(i);
        const bool then = was ? (i < was->objects && was->slotUsed(i)) : now;
        return now ? (then ? 1 : 2) : (then ? 3 : 0);
    };
    const double inset = slot >= 4 ? 0.75 : 0;
    for (unsigned i = 0; i < n;) {
        const int st = state(i);
        unsigned j = i + 1;
        while (j < n && state(j) == st)
            ++j;
        if (st != 0) {
            QColor f = c;
            f.setAlphaF(alpha * (st == 1 ? 1.0 : st == 2 ? t : 1 - t));
            p.setBrush(f);
            p.drawRect(QRectF(r.left() + i * slot + inset, r.top() + inset,
                              (j - i) * slot - 2 * inset, r.height() - 2 * inset));
        }
        i = j;
    }
    // Slot separators when slots are wide enough to tell apart.
    if (slot >= 4) {
        QColor sep = pal.color(QPalette::Mid);
        sep.setAlphaF(alpha);
        p.setPen(QPen(sep, 1));
        for (unsigned i = 1; i < n; ++i) {
            const double x = std::round(r.left() + i * slot) - 0.5;
            p.drawLine(QPointF(x, r.top() + 1), QPointF(x, r.bottom() - 1));
        }
    }
    QColor edge = pal.color(QPalette::Text);
    edge.setAlphaF(0.55 * alpha);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(edge, 1));
    p.drawRect(r);
}

void SlabLanesCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    if (!cache_) return;
    if (anim_timer_.isActive()) ++frames_;
    const bool dark = isDark(this);
    const Metrics m = metrics();
    const QFontMetrics fm = fontMetrics();
    QFont bold = font();
    bold.setBold(true);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.85));
    const double k = has_motion_ ? ease(double(t_ms_) / kAnimMs) : 1.0;
    const bool moving = has_motion_ && t_ms_ < kAnimMs;

    // Lane boxes and headers.
    for (const LaneGeom& g : geom_) {
        const SlabLaneSnap& lane = cache_->lanes[static_cast<std::size_t>(g.lane)];
        const QColor c = lane.kind == SlabLaneSnap::ArrayCache ? arrayCacheColor(dark)
                                                               : slabListColor(lane.list, dark);
        p.setPen(QPen(pal.color(QPalette::Mid), 1));
        p.setBrush(pal.color(QPalette::AlternateBase));
        p.drawRoundedRect(QRectF(g.box).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawRoundedRect(QRectF(g.box.left(), g.box.top(), 5, g.box.height()), 2, 2);
        const QRect hr = g.header.adjusted(m.pad, 0, -m.pad, 0);
        p.setFont(bold);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(hr, Qt::AlignVCenter | Qt::AlignLeft, g.title);
        const int title_w = QFontMetrics(bold).horizontalAdvance(g.title);
        p.setFont(font());
        p.setPen(lane.count || lane.avail ? pal.color(QPalette::Text)
                                          : pal.color(QPalette::PlaceholderText));
        const int room = std::max(0, hr.width() - title_w - 16);
        const QString count =
            fm.elidedText(fm.horizontalAdvance(g.count_text) <= room ? g.count_text : g.count_short,
                          Qt::ElideRight, room);
        p.drawText(hr, Qt::AlignVCenter | Qt::AlignRight, count);
        if (lane.kind == SlabLaneSnap::ArrayCache) {
            SlabBarSnap fake;
            fake.objects = std::max(1u, lane.limit);
            fake.inuse = lane.avail;
            drawBar(p, g.array_bar, fake, nullptr, c, 1, 1);
            continue;
        }
        if (lane.slabs.empty()) {
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(QRectF(g.header.left() + m.pad, g.header.bottom() + 1,
                              g.header.width() - 2 * m.pad, m.bar_h + m.caption_h),
                       Qt::AlignVCenter | Qt::AlignLeft, tr("no slab"));
        }
        if (g.hidden > 0) {
            const QRectF last = g.bars.empty()
                                    ? QRectF(g.header.left() + m.pad, g.header.bottom(), 0, m.bar_h)
                                    : g.bars.back();
            double x = last.right() + m.gap, y = last.top();
            const double tw = fm.horizontalAdvance(QStringLiteral("+00000 more")) + 8;
            if (x + tw > g.box.right() - m.pad) {
                x = g.header.left() + m.pad;
                y += m.bar_h + m.caption_h + m.gap / 2;
            }
            p.setPen(pal.color(QPalette::Text));
            p.drawText(QRectF(x, y, tw, m.bar_h), Qt::AlignVCenter | Qt::AlignLeft,
                       tr("+%1 more").arg(g.hidden));
        }
    }
    if (collapsed_cpus_ > 0) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(
            QRect(m.pad, height_ - m.pad - 2 * m.header_h, width() - 2 * m.pad, 2 * m.header_h),
            Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap,
            tr("%1 without a slab of this cache are not shown.")
                .arg(plural(collapsed_cpus_, "CPU", "CPUs")));
    }

    // Slabs: still ones first, moving ones on top.
    struct Draw {
        QRectF r;
        const SlabBarSnap* b;
        const SlabBarSnap* was; // the slab before the step (nullptr: new)
        QColor c;
        double alpha;
        bool mark;
    };
    std::vector<Draw> still, moving_bars;
    std::set<std::pair<std::uint32_t, std::uint64_t>> now;
    for (const LaneGeom& g : geom_) {
        const SlabLaneSnap& lane = cache_->lanes[static_cast<std::size_t>(g.lane)];
        for (std::size_t i = 0; i < g.bars.size(); ++i) {
            const SlabBarSnap& b = lane.slabs[i];
            const auto key = std::make_pair(b.id, b.pfn);
            now.insert(key);
            Draw d{g.bars[i], &b,
                   nullptr,   slabListColor(b.list, dark),
                   1,         slab_ && slab_->wasTouched(cache_->id, b.pfn)};
            if (has_motion_) {
                auto it = was_.find(key);
                if (it == was_.end()) {
                    d.alpha = k; // a new slab fades in
                    d.mark = true;
                } else {
                    const SlabBarSnap& w = it->second.bar;
                    d.was = &w;
                    const bool moved = w.list != b.list || w.cpu != b.cpu;
                    d.mark = d.mark || moved || w.inuse != b.inuse || w.used != b.used;
                    if (moved) {
                        d.r = lerp(it->second.rect, g.bars[i], k);
                        if (moving) {
                            d.c = slabListColor(k < 0.5 ? w.list : b.list, dark);
                            moving_bars.push_back(d);
                            continue;
                        }
                    }
                }
            }
            still.push_back(d);
        }
    }
    auto draw = [&](const Draw& d) {
        drawBar(p, d.r, *d.b, d.was, d.c, k, d.alpha);
        if (d.mark) {
            QColor ring = pal.color(QPalette::Text);
            ring.setAlphaF(d.alpha);
            p.setPen(QPen(ring, 2));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(d.r.adjusted(-2.5, -2.5, 2.5, 2.5), 3, 3);
        }
        QColor text = pal.color(QPalette::Text);
        text.setAlphaF(d.alpha);
        p.setPen(text);
        p.setFont(small);
        p.drawText(QRectF(d.r.left() - 4, d.r.bottom() + 1, d.r.width() + 8, m.caption_h),
                   Qt::AlignHCenter | Qt::AlignTop,
                   QStringLiteral("%1/%2").arg(d.b->inuse).arg(d.b->objects));
        p.setFont(font());
    };
    for (const Draw& d : still)
        draw(d);
    // Slabs that went away (discarded, or now beyond what a lane shows)
    // fade out where they were.
    if (moving && old_cache_) {
        for (const LaneGeom& g : old_geom_) {
            const SlabLaneSnap& lane = old_cache_->lanes[static_cast<std::size_t>(g.lane)];
            for (std::size_t i = 0; i < g.bars.size(); ++i) {
                const SlabBarSnap& b = lane.slabs[i];
                if (now.count({b.id, b.pfn})) continue;
                draw(Draw{g.bars[i], &b, nullptr, slabListColor(b.list, dark), 1 - k, false});
            }
        }
    }
    for (const Draw& d : moving_bars)
        draw(d);
}

// ---- the tab ----

SlabView::SlabView(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    auto* top = new QHBoxLayout;
    follow_ = new QCheckBox(tr("Follow the step"), this);
    follow_->setChecked(true);
    follow_->setToolTip(tr("Show the cache the last step allocated from or freed to"));
    top->addWidget(follow_);
    animate_ = new QCheckBox(tr("Animate"), this);
    animate_->setChecked(true);
    animate_->setToolTip(tr("Animate the last step: objects fade in and out, slabs slide "
                            "between lists (a new step skips the running animation)"));
    top->addWidget(animate_);
    hide_empty_ = new QCheckBox(tr("Hide empty caches"), this);
    hide_empty_->setToolTip(tr("Leave out caches without a slab (most kmalloc caches of a "
                               "lesson)"));
    top->addWidget(hide_empty_);
    top->addStretch(1);
    totals_ = new QLabel;
    totals_->setObjectName("slab-totals");
    totals_->setWordWrap(true);
    totals_->setToolTip(tr("slabtop's summary: objects and slabs in use of all, the memory of "
                           "every slab"));
    lay->addLayout(top);

    empty_ = new QLabel(tr("No slab caches yet: kmem_cache_init() makes the kmalloc caches once "
                           "the buddy allocator is up at the end of boot; slab steps "
                           "(kmem_cache_create, kmem_cache_alloc, kmalloc) then create and fill "
                           "caches."),
                        this);
    empty_->setObjectName("slab-empty");
    empty_->setWordWrap(true);
    empty_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    lay->addWidget(empty_);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName("slab-split");
    body_ = split;
    model_ = new SlabCacheModel(this);
    auto* filter = new SlabCacheFilter(this);
    proxy_ = filter;
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(SlabCacheModel::SortRole);
    auto* left = new QWidget(split);
    auto* ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(totals_);
    table_ = makeTable(left);
    table_->setObjectName("slab-caches");
    table_->setToolTip(tr("Every slab cache as slabtop shows it; click a cache for its slabs, a "
                          "header to sort"));
    table_->setModel(proxy_);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setSortingEnabled(true);
    table_->sortByColumn(SlabCacheModel::Objs, Qt::DescendingOrder);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    // The name first, where it is always seen; the rest in slabtop's order.
    table_->horizontalHeader()->moveSection(SlabCacheModel::Name, 0);
    ll->addWidget(table_, 1);
    split->addWidget(left);

    auto* right = new QWidget(split);
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(8, 0, 0, 0);
    title_ = makeHeading(QString(), right);
    title_->setObjectName("slab-cache-title");
    QFont tf = title_->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.15);
    title_->setFont(tf);
    title_->setToolTip(tr("The cache whose slabs are shown"));
    rl->addWidget(title_);
    geometry_ = new QLabel(right);
    geometry_->setObjectName("slab-geometry");
    geometry_->setWordWrap(true);
    geometry_->setToolTip(tr("The cache's geometry (calculate_sizes / calculate_order) and "
                             "tunables"));
    rl->addWidget(geometry_);
    legend_ = makeLegend(right);
    legend_->setToolTip(tr("Lanes are coloured by list; a slab's filled slots are objects in "
                           "use, empty ones free; a ring marks what the last step changed"));
    rl->addWidget(legend_);
    canvas_ = new SlabLanesCanvas(right);
    auto* scroll = new QScrollArea(right);
    scroll->setObjectName("slab-lanes-scroll");
    scroll->setWidget(canvas_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    rl->addWidget(scroll, 1);
    split->addWidget(right);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 5);
    split->setChildrenCollapsible(false);
    split_ = split;
    connect(split, &QSplitter::splitterMoved, this, [this] { split_fixed_ = true; });
    lay->addWidget(split, 1);

    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { onRowChanged(); });
    connect(animate_, &QCheckBox::toggled, this, [this](bool on) {
        if (!on) canvas_->setAnimationTime(-1);
    });
    connect(hide_empty_, &QCheckBox::toggled, this, [this, filter](bool on) {
        filter->setHideEmpty(on);
        selectCache(current_);
    });
    updateLegend();
    setSnapshot(nullptr);
}

bool SlabView::emptyShown() const {
    return !empty_->isHidden();
}

void SlabView::setAnimationsEnabled(bool on) {
    animate_->setChecked(on);
}

void SlabView::freezeAnimation(double fraction) {
    canvas_->setAnimationTime(static_cast<int>(fraction * canvas_->animationLength()));
}

void SlabView::resizeEvent(QResizeEvent* e) {
    QWidget::resizeEvent(e);
    fitSplit();
}

// Until the user moves the splitter, the table is as wide as its columns
// (at most 45% of the tab) and the lanes take the rest.
void SlabView::fitSplit() {
    if (split_fixed_ || !split_ || split_->width() <= 0 || model_->rowCount() == 0) return;
    int tw = 2 * table_->frameWidth() + table_->verticalScrollBar()->sizeHint().width() + 4;
    const QFontMetrics fm = table_->fontMetrics();
    QFont bold = table_->font();
    bold.setBold(true);
    const QFontMetrics bfm(bold);
    for (int c = 0; c < SlabCacheModel::ColumnCount; ++c) {
        int w = table_->horizontalHeader()->sectionSizeHint(c);
        for (int r = 0; r < model_->rowCount(); ++r)
            w = std::max(w, bfm.horizontalAdvance(model_->index(r, c).data().toString()) + 14);
        tw += w;
    }
    const int total = split_->width() - split_->handleWidth();
    const int left = std::min(tw, total * 45 / 100);
    split_->setSizes({left, total - left});
}

void SlabView::changeEvent(QEvent* e) {
    if (e->type() == QEvent::PaletteChange) updateLegend();
    if (e->type() == QEvent::FontChange) fitSplit();
    QWidget::changeEvent(e);
}

void SlabView::updateLegend() {
    const bool dark = isDark(this);
    const bool classic = slab_ && slab_->classic;
    std::vector<std::pair<QColor, QString>> items;
    if (classic) {
        items = {{arrayCacheColor(dark), tr("array_cache")},
                 {slabListColor(SlabList::Partial, dark), tr("slabs_partial")},
                 {slabListColor(SlabList::Full, dark), tr("slabs_full")},
                 {slabListColor(SlabList::Free, dark), tr("slabs_free")}};
    } else {
        items = {{slabListColor(SlabList::CpuSlab, dark), tr("cpu_slab")},
                 {slabListColor(SlabList::CpuPartial, dark), tr("CPU partial")},
                 {slabListColor(SlabList::Partial, dark), tr("node partial")},
                 {slabListColor(SlabList::Full, dark), tr("full")}};
    }
    setLegend(legend_, items);
    legend_->setText(legend_->text() + tr("&nbsp; filled slot: object in use; ring: changed by "
                                          "the last step"));
}

QString SlabView::currentCacheName() const {
    const SlabCacheSnap* c = slab_ ? slab_->find(current_) : nullptr;
    return c ? c->name : QString();
}

void SlabView::setSnapshot(const SnapshotPtr& snap) {
    snap_ = snap;
    const std::shared_ptr<const SlabSnap> before = slab_;
    slab_ = snap ? snap->slab : nullptr;
    const bool ready = slab_ && slab_->ready && !slab_->caches.empty();
    empty_->setVisible(!ready);
    body_->setVisible(ready);
    const bool classic_changed = (before && before->classic) != (slab_ && slab_->classic);
    if (classic_changed) updateLegend();
    {
        const bool was = selecting_;
        selecting_ = true;
        model_->setSlab(slab_);
        selecting_ = was;
    }
    if (!ready) {
        current_ = -1;
        canvas_->setCache(nullptr, -1, false);
        totals_->clear();
        title_->clear();
        geometry_->clear();
        return;
    }
    // slabtop's summary line.
    std::uint64_t aobj = 0, tobj = 0, aslab = 0, tslab = 0, active_caches = 0;
    double asize = 0, tsize = 0;
    for (const SlabCacheSnap& c : slab_->caches) {
        aobj += c.active_objs;
        tobj += c.num_objs;
        aslab += c.active_slabs;
        tslab += c.num_slabs;
        active_caches += c.active_objs > 0;
        asize += double(c.active_objs) * c.size;
        tsize += double(c.num_objs) * c.size;
    }
    totals_->setText(tr("%1 · objects %2 / %3 · slabs %4 / %5 · size %6 / %7 · caches %8 / %9")
                         .arg(slab_->allocatorName())
                         .arg(aobj)
                         .arg(tobj)
                         .arg(aslab)
                         .arg(tslab)
                         .arg(kSize(asize), kSize(tsize))
                         .arg(active_caches)
                         .arg(slab_->caches.size()));
    int id = slab_->find(current_) ? current_ : -1;
    if (follow_->isChecked()) {
        if (slab_->last_cache >= 0) {
            id = slab_->last_cache;
        } else if (before) {
            // A new cache (kmem_cache_create makes no slab event): show it.
            for (const SlabCacheSnap& c : slab_->caches)
                if (!before->find(c.id)) id = c.id;
        }
    }
    if (id < 0) {
        const QModelIndex first = proxy_->index(0, 0);
        id = first.isValid() ? first.data(SlabCacheModel::CacheIdRole).toInt() : -1;
    }
    current_ = id;
    showCache(id, animate_->isChecked());
    fitSplit();
}

void SlabView::selectCache(int id) {
    const int row = model_->rowOfCache(id);
    const QModelIndex pi =
        row >= 0 ? proxy_->mapFromSource(model_->index(row, SlabCacheModel::Name)) : QModelIndex();
    const bool was = selecting_;
    selecting_ = true;
    if (pi.isValid()) {
        table_->selectionModel()->setCurrentIndex(pi, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
        table_->scrollTo(pi);
    } else {
        table_->selectionModel()->clearSelection();
    }
    selecting_ = was;
}

void SlabView::onRowChanged() {
    if (selecting_) return;
    const QModelIndex i = table_->currentIndex();
    if (!i.isValid()) return;
    const int id = i.data(SlabCacheModel::CacheIdRole).toInt();
    if (id == current_) return;
    follow_->setChecked(false); // the user chose a cache
    current_ = id;
    showCache(id, false);
}

void SlabView::showCache(int id, bool animate) {
    selectCache(id);
    const SlabCacheSnap* c = slab_ ? slab_->find(id) : nullptr;
    canvas_->setCache(slab_, c ? id : -1, animate && c);
    if (!c) {
        title_->clear();
        geometry_->clear();
        return;
    }
    title_->setText(c->kmalloc ? tr("%1  (kmalloc)").arg(c->name) : c->name);
    QString g = tr("%1-byte slots (%2 asked, align %3) · %4 objects per slab · order %5 (%6 per "
                   "slab) · %7, ")
                    .arg(c->size)
                    .arg(c->object_size)
                    .arg(c->align)
                    .arg(c->objperslab)
                    .arg(c->order)
                    .arg(pagesSize(c->pagesPerSlab()))
                    .arg(plural(c->num_slabs, "slab", "slabs"));
    g += tr("%1 allocated").arg(plural(c->objects_out, "object", "objects"));
    if (slab_->classic && c->slab_inuse > c->objects_out)
        g += tr(" (%1 more wait in the array caches)").arg(c->slab_inuse - c->objects_out);
    if (c->active_objs != c->objects_out)
        g += tr(" · slabinfo counts %1 active").arg(c->active_objs);
    if (slab_->classic)
        g += tr(" · limit %1, batchcount %2, shared %3")
                 .arg(c->limit)
                 .arg(c->batchcount)
                 .arg(c->shared);
    else
        g += tr(" · min_partial %1, cpu_partial_slabs %2")
                 .arg(c->min_partial)
                 .arg(c->cpu_partial_slabs);
    geometry_->setText(g);
}

} // namespace mmsim::ui
