// A horizontal physical address axis with one or more lanes of coloured
// ranges (the e820 map, memblock memory and reserved). Linear or log
// scale; gaps between ranges are drawn as holes; every range has its
// label when it fits and a tooltip with its range and size.
#pragma once

#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace mmsim::ui {

struct AddressSegment {
    std::uint64_t start = 0;
    std::uint64_t end = 0; // exclusive
    QColor color;
    QString label;   // drawn inside when it fits
    QString tooltip; // extra text for the hover tooltip
};

struct AddressLane {
    QString name;
    std::vector<AddressSegment> segments; // sorted by start
    bool show_holes = true;
};

class AddressBar : public QWidget {
    Q_OBJECT
  public:
    explicit AddressBar(QWidget* parent = nullptr);

    void setLanes(std::vector<AddressLane> lanes);
    const std::vector<AddressLane>& lanes() const { return lanes_; }
    // The axis spans [0, end); 0 = up to the end of the last segment.
    void setAxisEnd(std::uint64_t end);
    void setLogScale(bool on);
    bool logScale() const { return log_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // Geometry, for tests and hit testing.
    double xOf(std::uint64_t addr) const;
    const AddressSegment* segmentAt(const QPoint& pos, int* lane = nullptr) const;

  protected:
    void paintEvent(QPaintEvent*) override;
    bool event(QEvent* e) override;

  private:
    std::uint64_t axisEnd() const;
    QRect plotRect() const;
    QRect laneRect(int lane) const;
    int labelWidth() const;
    int laneHeight() const;
    int axisHeight() const;

    std::vector<AddressLane> lanes_;
    std::uint64_t axis_end_ = 0;
    bool log_ = false;
};

} // namespace mmsim::ui
