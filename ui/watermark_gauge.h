// One zone's free pages against its min/low/high watermarks. The upper bar
// shows free of managed pages on the full scale; the lower bar zooms into
// 0 .. 2 x high, where the watermarks are told apart.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

namespace mmsim::ui {

class WatermarkGauge : public QWidget {
    Q_OBJECT
  public:
    explicit WatermarkGauge(QWidget* parent = nullptr);
    void setZone(const ZoneSnap& z);
    const ZoneSnap& zone() const { return z_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

  protected:
    void paintEvent(QPaintEvent*) override;

  private:
    ZoneSnap z_;
};

} // namespace mmsim::ui
