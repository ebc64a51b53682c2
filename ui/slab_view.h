// The Slab tab. On the left every cache as slabtop lists it (objects,
// active, use, object size, slabs, objects per slab, cache size, name),
// sortable by any column. On the right the chosen cache's slabs in lanes,
// one per list they can be on: under SLUB each CPU's active slab
// (cpu_slab) and partial list, each node's partial list and the full slabs
// (on no list in the kernel; mmsim keeps them for display); under classic
// SLAB each CPU's array_cache of object pointers and each node's
// slabs_partial, slabs_full and slabs_free. A slab is a bar of its object
// slots, used ones filled. After a step, objects taken fade in, objects
// freed fade out, and a slab that changed lists slides from its old lane to
// its new one (300 ms, timer driven; a new step replaces a running
// animation at once). The cache the last step touched is selected.
#pragma once

#include "ui/slab_snapshot.h"
#include "ui/snapshot.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <map>

class QCheckBox;
class QLabel;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace mmsim::ui {

// The colour of a slab list's lane and of its used objects (Okabe–Ito).
QColor slabListColor(mmsim::SlabList l, bool dark); // None: between lists (mid-step)
QColor arrayCacheColor(bool dark);
// "cpu_slab", "partial", "slabs_free" ... as the allocator names the list.
QString slabLaneTitle(const SlabLaneSnap& lane, bool classic);

// slabtop's table. Rows in slabtop's order (objects, largest first, then
// name); Qt::UserRole gives each cell's value for sorting, Qt::UserRole + 1
// a row's cache id.
class SlabCacheModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Objs, Active, Use, ObjSize, Slabs, ObjPerSlab, CacheSize, Name, ColumnCount };
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int CacheIdRole = Qt::UserRole + 1;
    explicit SlabCacheModel(QObject* parent = nullptr);
    void setSlab(std::shared_ptr<const SlabSnap> slab);
    const SlabCacheSnap* cacheAt(int row) const;
    int rowOfCache(int id) const;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

  private:
    std::shared_ptr<const SlabSnap> slab_;
    std::vector<const SlabCacheSnap*> rows_;
};

// The lanes of one cache.
class SlabLanesCanvas : public QWidget {
    Q_OBJECT
  public:
    explicit SlabLanesCanvas(QWidget* parent = nullptr);
    // Shows the cache (nullptr: nothing). With animate, the changes from
    // the cache shown before (same id) are animated.
    void setCache(std::shared_ptr<const SlabSnap> slab, int cache_id, bool animate);
    static constexpr int kAnimMs = 300;
    bool animating() const { return anim_timer_.isActive(); }
    int animationLength() const { return has_motion_ ? kAnimMs : 0; }
    // Jumps to a time of the animation (tests, screenshots); -1: the end.
    void setAnimationTime(int ms);
    int frames() const { return frames_; }
    // What the animation moves: slabs that changed lanes, slabs that
    // appeared or went away, slabs whose objects changed.
    int movedSlabs() const { return moved_; }
    int changedSlabs() const { return changed_; }

    // Geometry (tests): lanes drawn, the slabs shown in each, where a slab is.
    struct LaneGeom {
        int lane = -1;            // index into the cache's lanes
        QRect box;                // the whole lane
        QRect header;             // title line
        std::vector<QRectF> bars; // one per shown slab (lane.slabs[i])
        QRectF array_bar;         // ArrayCache lanes
        QString title, count_text, count_short, tooltip;
        int hidden = 0; // slabs on the list beyond those shown
    };
    const std::vector<LaneGeom>& lanes() const { return geom_; }
    const SlabCacheSnap* cache() const { return cache_; }
    QString describeAt(const QPoint& pos) const;
    // A run of CPUs whose lanes are empty, drawn as one line.
    int collapsedCpus() const { return collapsed_cpus_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  protected:
    void paintEvent(QPaintEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;
    void changeEvent(QEvent* e) override;
    bool event(QEvent* e) override;

  private:
    struct Metrics {
        int pad = 8, header_h = 20, bar_h = 14, caption_h = 12, gap = 8, lane_gap = 6;
    };
    Metrics metrics() const;
    QSizeF barSize(unsigned objects) const;
    std::vector<LaneGeom> layout(const SlabCacheSnap& c, int width, int* height,
                                 int* collapsed) const;
    void relayout();
    void tick();
    // One slab's slots; 'was' (the slab before the step) makes the slots
    // taken fade in and the slots freed fade out with t.
    void drawBar(QPainter& p, const QRectF& r, const SlabBarSnap& b, const SlabBarSnap* was,
                 const QColor& c, double t, double alpha) const;

    std::shared_ptr<const SlabSnap> slab_, old_slab_;
    const SlabCacheSnap* cache_ = nullptr;
    const SlabCacheSnap* old_cache_ = nullptr;
    std::vector<LaneGeom> geom_, old_geom_;
    int height_ = 0;
    int collapsed_cpus_ = 0;
    // The animation: key (slab id, pfn) -> old rect and in-use count.
    struct Was {
        QRectF rect;
        SlabBarSnap bar;
    };
    std::map<std::pair<std::uint32_t, std::uint64_t>, Was> was_;
    bool has_motion_ = false;
    int moved_ = 0, changed_ = 0;
    QTimer anim_timer_;
    QElapsedTimer clock_;
    int t_ms_ = 0;
    int frames_ = 0;
};

class SlabView : public QWidget {
    Q_OBJECT
  public:
    explicit SlabView(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);
    // The cache shown on the right (-1: none) and choosing one.
    int currentCache() const { return current_; }
    QString currentCacheName() const;
    void selectCache(int id);
    SlabCacheModel* model() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QTableView* table() const { return table_; }
    SlabLanesCanvas* canvas() const { return canvas_; }
    void setAnimationsEnabled(bool on);
    // Stops the running animation at this fraction of its length.
    void freezeAnimation(double fraction);
    bool emptyShown() const;

  protected:
    void changeEvent(QEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;

  private:
    void showCache(int id, bool animate);
    void fitSplit();
    void updateLegend();
    void onRowChanged();

    SnapshotPtr snap_;
    std::shared_ptr<const SlabSnap> slab_;
    int current_ = -1;
    bool selecting_ = false;
    SlabCacheModel* model_ = nullptr;
    QSortFilterProxyModel* proxy_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* totals_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* geometry_ = nullptr;
    QLabel* legend_ = nullptr;
    QLabel* empty_ = nullptr;
    QWidget* body_ = nullptr;
    QSplitter* split_ = nullptr;
    bool split_fixed_ = false; // the user moved the splitter
    QCheckBox* follow_ = nullptr;
    QCheckBox* animate_ = nullptr;
    QCheckBox* hide_empty_ = nullptr;
    SlabLanesCanvas* canvas_ = nullptr;
};

} // namespace mmsim::ui
