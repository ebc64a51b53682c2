#include "ui/watermark_gauge.h"

#include "ui/format.h"
#include "ui/theme.h"

#include <QPainter>

#include <algorithm>

namespace mmsim::ui {

WatermarkGauge::WatermarkGauge(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void WatermarkGauge::setZone(const ZoneSnap& z) {
    z_ = z;
    static const char* const names[] = {"min", "low", "high"};
    QString tip = tr("<b>Node %1 %2</b><br>free %3 pages (%4)<br>managed %5 pages (%6)")
                      .arg(z.nid)
                      .arg(z.name)
                      .arg(z.free)
                      .arg(pagesSize(z.free))
                      .arg(z.managed)
                      .arg(pagesSize(z.managed));
    for (int i = 0; i < 3; ++i)
        tip += tr("<br>%1 watermark %2 pages (%3)")
                   .arg(names[i])
                   .arg(z.wmark[size_t(i)])
                   .arg(pagesSize(z.wmark[size_t(i)]));
    setToolTip(tip);
    update();
}

QSize WatermarkGauge::sizeHint() const {
    const int h = fontMetrics().height();
    return {420, h * 4 + 18};
}

QSize WatermarkGauge::minimumSizeHint() const {
    return {240, sizeHint().height()};
}

void WatermarkGauge::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const bool dark = isDark(this);
    const QPalette& pal = palette();
    const QFontMetrics fm = fontMetrics();
    const int lh = fm.height();
    const int label_w = fm.horizontalAdvance("Node 0 Movable ") + 8;

    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(pal.color(QPalette::WindowText));
    p.drawText(QRect(2, 2, label_w - 4, lh + 2), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Node %1 %2").arg(z_.nid).arg(z_.name));
    p.setFont(font());
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(QRect(2, lh + 8, label_w - 4, lh + 2), Qt::AlignLeft | Qt::AlignVCenter,
               z_.managed ? tr("free %1").arg(pagesSize(z_.free)) : tr("not managed yet"));

    const int x0 = label_w;
    const int w = std::max(40, width() - label_w - 6);
    const QColor track = dark ? QColor(0x33, 0x36, 0x3b) : QColor(0xe6, 0xe8, 0xeb);
    const QColor fill = freeBarColor(dark);

    // Row 1: free of managed.
    const QRect r1(x0, 2, w, lh + 2);
    p.fillRect(r1, track);
    const double managed = static_cast<double>(std::max<std::uint64_t>(z_.managed, 1));
    const int fw = static_cast<int>(w * std::min(1.0, z_.free / managed));
    p.fillRect(QRect(r1.left(), r1.top(), fw, r1.height()), fill);
    p.setPen(fw > w / 2 ? textOn(fill) : pal.color(QPalette::WindowText));
    p.drawText(r1.adjusted(6, 0, -6, 0), Qt::AlignLeft | Qt::AlignVCenter,
               tr("%1 / %2 pages free").arg(z_.free).arg(z_.managed));

    // Row 2: zoom on 0 .. 2 x high with the marks.
    const std::uint64_t hi = std::max<std::uint64_t>(z_.wmark[2], 1);
    const double scale = 2.0 * static_cast<double>(hi);
    const QRect r2(x0, r1.bottom() + 6, w, lh + 2);
    p.fillRect(r2, track);
    const int zw = static_cast<int>(w * std::min(1.0, z_.free / scale));
    p.fillRect(QRect(r2.left(), r2.top(), zw, r2.height()), fill.lighter(dark ? 100 : 130));
    if (z_.free > scale) {
        p.setPen(textOn(fill));
        p.drawText(r2.adjusted(0, 0, -6, 0), Qt::AlignRight | Qt::AlignVCenter, "»");
    }
    static const char* const names[] = {"min", "low", "high"};
    int last_right = -1000;
    for (int i = 0; i < 3; ++i) {
        const int x = r2.left() + static_cast<int>(w * (z_.wmark[size_t(i)] / scale));
        const QColor c = wmarkColor(i, dark);
        p.setPen(QPen(c, 3));
        p.drawLine(x, r2.top() - 2, x, r2.bottom() + 2);
        const QString label = QStringLiteral("%1 %2").arg(names[i]).arg(z_.wmark[size_t(i)]);
        const int lw = fm.horizontalAdvance(label);
        int lx = std::clamp(x - lw / 2, x0, x0 + w - lw);
        if (lx < last_right + 6) lx = last_right + 6;
        p.setPen(pal.color(QPalette::WindowText));
        p.drawText(lx, r2.bottom() + 4 + fm.ascent(), label);
        last_right = lx + lw;
    }
    p.setPen(pal.color(QPalette::Mid));
    p.drawRect(r1.adjusted(0, 0, -1, -1));
    p.drawRect(r2.adjusted(0, 0, -1, -1));
}

} // namespace mmsim::ui
