// The Page map tab: every pageblock of the machine, a node or a zone as a
// cell coloured by its migratetype (DESIGN.md colours), filled from the
// bottom by its allocated pages (solid, the colour of the requests' type),
// its pages on per-CPU lists (half tint) and reserved pages (grey); free
// pages are the light tint. Mixed pageblocks (allocations of another
// mobility type) are outlined. Zoom goes from 2^k pageblocks per cell
// (level of detail, so a 64 GiB machine's 32k pageblocks draw in a few
// milliseconds) down to single pages; hovering names the pfn, its block's
// order, state and owner (the step's "as" name).
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QScrollArea;

namespace mmsim::ui {

class PageMapCanvas : public QWidget {
    Q_OBJECT
  public:
    explicit PageMapCanvas(QWidget* parent = nullptr);
    // The pageblocks shown and where page-level lookups go.
    void setData(SnapshotPtr snap, int nid, int zone);
    // level >= 0: 2^level pageblocks per cell; kPages: one page per cell.
    static constexpr int kPages = -1;
    void setLevel(int level);
    int level() const { return level_; }
    // The level at which every cell fits in a viewport of this size.
    int fitLevel(const QSize& viewport) const;
    int maxLevel() const;
    int cellCount() const;
    int cellSize() const;
    const std::vector<mmsim::PageblockInfo>& blocks() const { return blocks_; }
    const std::vector<mmsim::PageMapCell>& cells() const { return cells_; }
    // What hovering at pos would say (tests).
    QString describeAt(const QPoint& pos) const;
    // The pfn under pos (NO_PFN outside).
    std::uint64_t pfnAt(const QPoint& pos) const;
    // Paints the part of the map inside 'clip' (the widget's coordinates).
    void paintMap(QPainter& p, const QRect& clip) const;

  signals:
    void zoomRequested(int steps);

  protected:
    void paintEvent(QPaintEvent* e) override;
    bool event(QEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;

  private:
    void relayout();
    int columns() const;
    const mmsim::ZonePageMap* zoneFor(std::uint64_t pfn) const;

    SnapshotPtr snap_;
    int nid_ = -1, zone_ = -1;
    std::vector<mmsim::PageblockInfo> blocks_;
    std::vector<mmsim::PageMapCell> cells_;
    int level_ = 0;
    std::uint64_t first_pfn_ = 0, end_pfn_ = 0; // page mode range
};

class PageMapView : public QWidget {
    Q_OBJECT
  public:
    explicit PageMapView(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);
    PageMapCanvas* canvas() const { return canvas_; }
    QComboBox* scopeCombo() const { return scope_; }
    QComboBox* zoomCombo() const { return zoom_; }
    // Zoom in (+) or out (-) by steps of the zoom combo.
    void zoomBy(int steps);

  protected:
    void changeEvent(QEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;

  private:
    void applyScope();
    void applyZoom();
    void rebuildZoomCombo();
    void updateLegend();
    void updateSummary();

    SnapshotPtr snap_;
    QComboBox* scope_ = nullptr;
    QComboBox* zoom_ = nullptr;
    QLabel* legend_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* empty_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    PageMapCanvas* canvas_ = nullptr;
};

} // namespace mmsim::ui
