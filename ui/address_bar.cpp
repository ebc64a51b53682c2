#include "ui/address_bar.h"

#include "ui/format.h"
#include "ui/theme.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace mmsim::ui {

namespace {
constexpr double kLogFloor = 4096.0; // log scale starts at the first page
}

AddressBar::AddressBar(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void AddressBar::setLanes(std::vector<AddressLane> lanes) {
    lanes_ = std::move(lanes);
    updateGeometry();
    update();
}

void AddressBar::setAxisEnd(std::uint64_t end) {
    axis_end_ = end;
    update();
}

void AddressBar::setLogScale(bool on) {
    log_ = on;
    update();
}

int AddressBar::labelWidth() const {
    return fontMetrics().horizontalAdvance("reserved") + 16;
}
int AddressBar::laneHeight() const {
    return fontMetrics().height() * 2 + 10;
}
int AddressBar::axisHeight() const {
    return fontMetrics().height() + 10;
}

QSize AddressBar::sizeHint() const {
    const int lanes = std::max<int>(1, static_cast<int>(lanes_.size()));
    return {600, lanes * (laneHeight() + 6) + axisHeight() + 8};
}

QSize AddressBar::minimumSizeHint() const {
    return {200, sizeHint().height()};
}

std::uint64_t AddressBar::axisEnd() const {
    if (axis_end_) return axis_end_;
    std::uint64_t end = 0;
    for (const auto& l : lanes_)
        for (const auto& s : l.segments)
            end = std::max(end, s.end);
    return std::max<std::uint64_t>(end, 1);
}

QRect AddressBar::plotRect() const {
    return QRect(labelWidth(), 4, width() - labelWidth() - 12, height() - axisHeight() - 8);
}

QRect AddressBar::laneRect(int lane) const {
    const QRect p = plotRect();
    const int h = laneHeight();
    return QRect(p.left(), p.top() + lane * (h + 6), p.width(), h);
}

double AddressBar::xOf(std::uint64_t addr) const {
    const QRect p = plotRect();
    const double end = static_cast<double>(axisEnd());
    double f;
    if (log_) {
        const double lo = std::log2(kLogFloor);
        const double hi = std::log2(end + kLogFloor);
        f = (std::log2(static_cast<double>(addr) + kLogFloor) - lo) / (hi - lo);
    } else {
        f = static_cast<double>(addr) / end;
    }
    return p.left() + std::clamp(f, 0.0, 1.0) * p.width();
}

const AddressSegment* AddressBar::segmentAt(const QPoint& pos, int* lane) const {
    for (int i = 0; i < static_cast<int>(lanes_.size()); ++i) {
        const QRect r = laneRect(i);
        if (pos.y() < r.top() || pos.y() > r.bottom()) continue;
        if (lane) *lane = i;
        const AddressSegment* best = nullptr;
        for (const auto& s : lanes_[static_cast<size_t>(i)].segments) {
            const double x0 = xOf(s.start), x1 = std::max(xOf(s.end), x0 + 2.0);
            if (pos.x() >= x0 - 1 && pos.x() <= x1 + 1) best = &s;
        }
        return best;
    }
    return nullptr;
}

bool AddressBar::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        int lane = -1;
        const AddressSegment* s = segmentAt(he->pos(), &lane);
        if (s) {
            QString text = QStringLiteral("<b>%1</b><br>%2<br>%3 (%4 bytes)")
                               .arg(s->label.toHtmlEscaped(), memRange(s->start, s->end),
                                    humanSize(s->end - s->start))
                               .arg(s->end - s->start);
            if (!s->tooltip.isEmpty()) text += "<br>" + s->tooltip;
            QToolTip::showText(he->globalPos(), text, this);
        } else if (lane >= 0) {
            QToolTip::showText(he->globalPos(),
                               tr("%1: hole (no range here)").arg(lanes_[size_t(lane)].name), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

void AddressBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const bool dark = isDark(this);
    const QPalette& pal = palette();
    const QColor hole = dark ? QColor(0x30, 0x33, 0x38) : QColor(0xe4, 0xe6, 0xea);
    const QColor hatch = dark ? QColor(0x48, 0x4c, 0x52) : QColor(0xc8, 0xcb, 0xd0);
    const QFontMetrics fm = fontMetrics();

    for (int i = 0; i < static_cast<int>(lanes_.size()); ++i) {
        const AddressLane& lane = lanes_[static_cast<size_t>(i)];
        const QRect r = laneRect(i);
        p.setPen(pal.color(QPalette::WindowText));
        p.drawText(QRect(4, r.top(), labelWidth() - 10, r.height()),
                   Qt::AlignRight | Qt::AlignVCenter, lane.name);
        if (lane.show_holes) {
            p.fillRect(r, hole);
            p.fillRect(r, QBrush(hatch, Qt::BDiagPattern));
        } else {
            p.fillRect(r, pal.color(QPalette::Base));
        }
        for (const AddressSegment& s : lane.segments) {
            const int x0 = static_cast<int>(std::floor(xOf(s.start)));
            const int x1 = std::max(x0 + 2, static_cast<int>(std::ceil(xOf(s.end))));
            const QRect sr(x0, r.top(), x1 - x0, r.height());
            p.fillRect(sr, s.color);
            p.setPen(s.color.darker(dark ? 160 : 130));
            p.drawRect(sr.adjusted(0, 0, -1, -1));
            const QString size = humanSize(s.end - s.start);
            const int inner = sr.width() - 6;
            p.setPen(textOn(s.color));
            if (fm.horizontalAdvance(s.label) <= inner && fm.horizontalAdvance(size) <= inner) {
                p.drawText(sr.adjusted(3, 2, -3, -r.height() / 2), Qt::AlignLeft | Qt::AlignBottom,
                           s.label);
                p.drawText(sr.adjusted(3, r.height() / 2, -3, -2), Qt::AlignLeft | Qt::AlignTop,
                           size);
            } else if (fm.horizontalAdvance(size) <= inner) {
                p.drawText(sr, Qt::AlignCenter, size);
            }
        }
        p.setPen(pal.color(QPalette::Mid));
        p.drawRect(r.adjusted(0, 0, -1, -1));
    }

    // Axis: ticks at powers of two (log) or at even fractions (linear).
    const QRect pr = plotRect();
    const int ay = pr.bottom() + 4;
    p.setPen(pal.color(QPalette::WindowText));
    p.drawLine(pr.left(), ay, pr.right(), ay);
    const std::uint64_t end = axisEnd();
    std::vector<std::uint64_t> ticks;
    if (log_) {
        for (std::uint64_t t = 1ull << 20; t <= end && t != 0; t <<= 2)
            ticks.push_back(t);
        ticks.insert(ticks.begin(), 0);
    } else {
        std::uint64_t step = 1;
        while (end / step > 8)
            step <<= 1;
        for (std::uint64_t t = 0; t <= end; t += step)
            ticks.push_back(t);
    }
    int last_right = -1000;
    for (std::uint64_t t : ticks) {
        const int x = static_cast<int>(xOf(t));
        p.drawLine(x, ay, x, ay + 4);
        const QString label = t == 0 ? QStringLiteral("0") : humanSize(t);
        const int w = fm.horizontalAdvance(label);
        const int lx = std::clamp(x - w / 2, 0, width() - w - 2);
        if (lx <= last_right + 8) continue;
        p.drawText(lx, ay + 5 + fm.ascent(), label);
        last_right = lx + w;
    }
}

} // namespace mmsim::ui
