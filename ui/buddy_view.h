// The Buddy tab: one zone's free_area as a grid, orders 10 (top) to 0
// (bottom) by migratetype lanes; each list shows its length and its first
// blocks as chips (pfn on hover), the rest collapsed into "+N". Above the
// grid, the path of the last allocation: zones passed over by the
// watermark check, the zone used, the list taken, the splits, fallbacks
// and steals. The last step's splits and merges are animated on the grid:
// a split block leaves its list and halves, one half dropping to the next
// lower list, again and again; a merge lifts the two buddies together.
// The animation is timer driven (at most 60 frames per second) and a new
// step replaces it at once.
#pragma once

#include "ui/snapshot.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;

namespace mmsim::ui {

// One hop of the allocation path (zone passed over, zone used, list taken...).
struct PathStep {
    enum Kind {
        ZoneSkipped,
        ZoneUsed,
        ListTaken,
        Split,
        Fallback,
        Steal,
        PcpHit,
        PcpRefill,
        Merge,
        Freed,
        Failed
    } kind = ZoneUsed;
    QString text;
    QString tooltip;
    int nid = -1, zone = -1;
    int mt = -1; // steal: the new type; fallback: the type fallen back to
};
// The path of the first allocation (or free) of a step, from its events.
std::vector<PathStep> allocationPath(const std::vector<EventSnap>& events);

// The moving parts of one split or merge story, for the animation.
struct BuddyMotion {
    enum Kind { Split, Merge } kind = Split;
    int nid = 0, zone = 0, mt = 0;
    int from_order = 0; // split: the block taken; merge: the freed block's order
    int to_order = 0;   // split: the order handed out; merge: the final order
    std::uint64_t pfn = 0;
    // The split or merge events it shows (indices into the step's events).
    std::size_t first_event = 0, last_event = 0;
};
std::vector<BuddyMotion> buddyMotions(const std::vector<EventSnap>& events);

class BuddyCanvas : public QWidget {
    Q_OBJECT
  public:
    explicit BuddyCanvas(QWidget* parent = nullptr);
    void setZone(const BuddyZoneSnap* zone, const std::vector<EventSnap>* events);
    // Starts the motion (or clears it with nullptr).
    void animate(const BuddyMotion* m);
    // Plays only [from_ms, to_ms] of the motion (micro-stepping: one level).
    void animateSpan(const BuddyMotion& m, int from_ms, int to_ms);
    bool animating() const { return anim_timer_.isActive(); }
    // Milliseconds one level of a split or merge takes.
    static constexpr int kSegmentMs = 550;
    // Total length of the current animation in ms (0: none).
    int animationLength() const;
    // Jumps to a time of the animation (tests, screenshots); -1: the end.
    void setAnimationTime(int ms);
    int frames() const { return frames_; }
    // Geometry of a list cell (order row, migratetype lane), for tests.
    QRect listRect(int order, int mt) const;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  protected:
    void paintEvent(QPaintEvent* e) override;
    bool event(QEvent* e) override;

  private:
    QRectF chipRect(int order, int mt, int slot) const;
    void tick();
    int chipsFitting() const;
    // Lanes drawn: ISOLATE only when one of its lists holds a block.
    int lanes() const;
    bool headPending(int order, int mt) const;

    const BuddyZoneSnap* zone_ = nullptr;
    const std::vector<EventSnap>* events_ = nullptr;
    bool has_motion_ = false;
    BuddyMotion motion_;
    QTimer anim_timer_;
    QElapsedTimer clock_;
    int t_ms_ = 0;
    int start_ms_ = 0, end_ms_ = -1; // the span played (-1: to the end)
    int frames_ = 0;
    // highlighted lists of the last step: (order, mt) -> role
    std::vector<std::tuple<int, int, int>> marks_;
};

class PathStrip : public QWidget {
    Q_OBJECT
  public:
    explicit PathStrip(QWidget* parent = nullptr);
    void setPath(std::vector<PathStep> path);
    const std::vector<PathStep>& path() const { return path_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    int heightForWidth(int w) const override;
    bool hasHeightForWidth() const override { return true; }

  protected:
    void paintEvent(QPaintEvent* e) override;
    bool event(QEvent* e) override;

  private:
    std::vector<QRect> layoutBoxes(int width) const;
    std::vector<PathStep> path_;
};

class BuddyView : public QWidget {
    Q_OBJECT
  public:
    explicit BuddyView(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);
    // The zone shown ("node 0 DMA32"), and choosing one by index into snap->buddy.
    QString currentZoneName() const;
    int zoneCount() const;
    void setCurrentZone(int i);
    BuddyCanvas* canvas() const { return canvas_; }
    PathStrip* pathStrip() const { return path_; }
    // Animations on or off (View menu / tests).
    void setAnimationsEnabled(bool on);
    // Stops the running animation at this fraction of its length
    // (screenshots: a deterministic frame).
    void freezeAnimation(double fraction);

  protected:
    void changeEvent(QEvent* e) override;

  private:
    void showZone(int i, bool animate);
    // The events shown: all of the step's, or those revealed so far.
    const std::vector<EventSnap>& shownEvents() const;
    void animateMicro(const BuddyZoneSnap& z);
    std::vector<EventSnap> micro_events_;
    void updateLegend();

    SnapshotPtr snap_;
    QComboBox* zone_combo_ = nullptr;
    QCheckBox* follow_ = nullptr;
    QCheckBox* animate_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* legend_ = nullptr;
    PathStrip* path_ = nullptr;
    BuddyCanvas* canvas_ = nullptr;
    QLabel* empty_ = nullptr;
};

} // namespace mmsim::ui
