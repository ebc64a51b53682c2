#include "ui/zonelist_chain.h"

#include "ui/theme.h"

#include <QPainter>
#include <QPainterPath>

namespace mmsim::ui {

namespace {
constexpr int kArrow = 26;
}

ZonelistChain::ZonelistChain(QWidget* parent) : QWidget(parent) {
    QSizePolicy sp(QSizePolicy::Expanding, QSizePolicy::Preferred);
    sp.setHeightForWidth(true);
    setSizePolicy(sp);
}

void ZonelistChain::setChain(int nid, std::vector<ZoneRef> chain) {
    nid_ = nid;
    chain_ = std::move(chain);
    QStringList order;
    for (const ZoneRef& z : chain_)
        order << tr("Node %1 %2").arg(z.nid).arg(z.name);
    setToolTip(chain_.empty()
                   ? tr("Node %1: zonelist not built yet (build_all_zonelists)").arg(nid)
                   : tr("Node %1 allocations try, in order: %2").arg(nid).arg(order.join(" → ")));
    updateGeometry();
    update();
}

QSize ZonelistChain::boxSize() const {
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance("Movable") + 28, fm.height() * 2 + 12};
}

std::vector<QRect> ZonelistChain::layoutBoxes(int width) const {
    std::vector<QRect> boxes;
    const QSize bs = boxSize();
    const int x_start = fontMetrics().horizontalAdvance("Node 00 ") + 12;
    int x = x_start, y = 4;
    for (size_t i = 0; i < chain_.size(); ++i) {
        if (x + bs.width() > width - 4 && x > x_start) {
            x = x_start;
            y += bs.height() + 10;
        }
        boxes.emplace_back(QPoint(x, y), bs);
        x += bs.width() + kArrow;
    }
    return boxes;
}

int ZonelistChain::heightForWidth(int w) const {
    const auto boxes = layoutBoxes(w);
    return boxes.empty() ? boxSize().height() + 8 : boxes.back().bottom() + 6;
}

QSize ZonelistChain::sizeHint() const {
    return {600, heightForWidth(600)};
}

void ZonelistChain::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const bool dark = isDark(this);
    const QSize bs = boxSize();
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(pal.color(QPalette::WindowText));
    p.drawText(QRect(2, 4, fontMetrics().horizontalAdvance("Node 00 ") + 8, bs.height()),
               Qt::AlignLeft | Qt::AlignVCenter, tr("Node %1").arg(nid_));
    p.setFont(font());
    if (chain_.empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(fontMetrics().horizontalAdvance("Node 00 ") + 12, 0, 0, 0),
                   Qt::AlignLeft | Qt::AlignVCenter, tr("not built yet"));
        return;
    }
    const auto boxes = layoutBoxes(width());
    for (size_t i = 0; i < chain_.size(); ++i) {
        const ZoneRef& z = chain_[i];
        const QRect r = boxes[i];
        const bool local = z.nid == nid_;
        QColor bg = pal.color(QPalette::Base);
        if (i == 0) bg = dark ? QColor(0x1d, 0x3a, 0x52) : QColor(0xdc, 0xec, 0xf8);
        QPen pen(local ? pal.color(QPalette::WindowText) : pal.color(QPalette::PlaceholderText),
                 local ? 2.0 : 1.5);
        if (!local) pen.setStyle(Qt::DashLine);
        p.setPen(pen);
        p.setBrush(bg);
        p.drawRoundedRect(QRectF(r).adjusted(1, 1, -1, -1), 6, 6);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(r.adjusted(4, 4, -4, -r.height() / 2), Qt::AlignCenter, z.name);
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(r.adjusted(4, r.height() / 2, -4, -4), Qt::AlignCenter,
                   tr("node %1").arg(z.nid));
        if (i + 1 < chain_.size() && boxes[i + 1].top() == r.top()) {
            const int y = r.center().y();
            const int ax0 = r.right() + 4, ax1 = boxes[i + 1].left() - 4;
            p.setPen(QPen(pal.color(QPalette::WindowText), 1.5));
            p.drawLine(ax0, y, ax1, y);
            QPainterPath head;
            head.moveTo(ax1, y);
            head.lineTo(ax1 - 6, y - 4);
            head.lineTo(ax1 - 6, y + 4);
            head.closeSubpath();
            p.fillPath(head, pal.color(QPalette::WindowText));
        } else if (i + 1 < chain_.size()) {
            p.setPen(pal.color(QPalette::WindowText));
            p.drawText(QRect(r.right() + 2, r.top(), kArrow, r.height()), Qt::AlignCenter, "↵");
        }
    }
}

} // namespace mmsim::ui
