#include "ui/run_controls.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPolygonF>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

#include <cstdlib>

namespace mmsim::ui {

QIcon timelineIcon(TimelineIcon kind, const QColor& color) {
    QIcon icon;
    for (int px : {16, 32}) {
        QPixmap pm(px, px);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(px / 16.0, px / 16.0);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        auto tri = [&](double x0, double x1, double h) { // apex at x1
            const double c = 8, d = h / 2;
            p.drawPolygon(QPolygonF({QPointF(x0, c - d), QPointF(x1, c), QPointF(x0, c + d)}));
        };
        auto bar = [&](double x, double w) { p.drawRect(QRectF(x, 3, w, 10)); };
        switch (kind) {
        case TimelineIcon::StepBack:
            bar(2, 2);
            tri(13, 5, 10);
            break;
        case TimelineIcon::Step:
            tri(3, 11, 10);
            bar(12, 2);
            break;
        case TimelineIcon::MicroStep:
            tri(7, 13, 8);
            p.drawEllipse(QPointF(3.5, 8), 1.6, 1.6);
            break;
        case TimelineIcon::Run:
            tri(3.5, 13.5, 12);
            break;
        case TimelineIcon::Pause:
            bar(4, 3);
            bar(9, 3);
            break;
        case TimelineIcon::Reset:
            bar(2, 2);
            tri(9, 4, 10);
            tri(14, 9, 10);
            break;
        }
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

const QList<int>& SpeedControl::speeds() {
    static const QList<int> s = {1, 2, 5, 10, 30, 60, 0};
    return s;
}

QString SpeedControl::speedText(int sps) {
    if (sps <= 0) return tr("max speed");
    return sps == 1 ? tr("1 step/s") : tr("%1 steps/s").arg(sps);
}

SpeedControl::SpeedControl(QWidget* parent) : QWidget(parent) {
    auto* lay = new QHBoxLayout(this);
    lay->setContentsMargins(4, 0, 4, 0);
    lay->setSpacing(4);
    auto* label = new QLabel(tr("Speed"), this);
    lay->addWidget(label);
    combo_ = new QComboBox(this);
    combo_->setObjectName("run-speed");
    for (int s : speeds())
        combo_->addItem(speedText(s), s);
    combo_->setToolTip(tr("How fast Run goes: steps per second, or as fast as possible (the "
                          "views then refresh at most 60 times a second)"));
    label->setBuddy(combo_);
    label->setToolTip(combo_->toolTip());
    lay->addWidget(combo_);
    combo_->setCurrentIndex(static_cast<int>(speeds().size()) - 1);
    connect(combo_, &QComboBox::currentIndexChanged, this,
            [this](int) { emit speedChanged(speed()); });
}

int SpeedControl::speed() const {
    return combo_->currentData().toInt();
}

void SpeedControl::setSpeed(int sps) {
    int best = static_cast<int>(speeds().size()) - 1;
    if (sps > 0) {
        int diff = -1;
        for (int i = 0; i < speeds().size(); ++i) {
            const int s = speeds()[i];
            if (s <= 0) continue;
            const int d = std::abs(s - sps);
            if (diff < 0 || d < diff) {
                diff = d;
                best = i;
            }
        }
    }
    combo_->setCurrentIndex(best);
}

RunProgress::RunProgress(QWidget* parent) : QWidget(parent) {
    auto* lay = new QHBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(2);
    bar_ = new QProgressBar(this);
    bar_->setObjectName("run-progress");
    bar_->setMaximumWidth(180);
    bar_->setMaximumHeight(fontMetrics().height() + 4);
    bar_->setFormat(tr("step %v / %m"));
    bar_->setToolTip(tr("Progress of the run"));
    lay->addWidget(bar_);
    stop_ = new QToolButton(this);
    stop_->setObjectName("run-stop");
    stop_->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    stop_->setAutoRaise(true);
    stop_->setToolTip(tr("Stop the run here (the state stays at the last step run)"));
    lay->addWidget(stop_);
    connect(stop_, &QToolButton::clicked, this, &RunProgress::stopRequested);
    setVisible(false);
}

void RunProgress::setRunning(bool running) {
    setVisible(running);
}

void RunProgress::setProgress(int done, int total) {
    if (bar_->maximum() != total) bar_->setRange(0, std::max(total, 1));
    bar_->setValue(done);
}

} // namespace mmsim::ui
