#include "ui/explanation_panel.h"

#include "ui/diff_text_view.h"
#include "ui/view_util.h"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace mmsim::ui {

ExplanationPanel::ExplanationPanel(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(6, 6, 6, 6);
    heading_ = new QLabel(this);
    heading_->setWordWrap(true);
    QFont f = heading_->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.1);
    heading_->setFont(f);
    lay->addWidget(heading_);
    body_ = new QLabel(this);
    body_->setObjectName("explanation-body");
    body_->setWordWrap(true);
    body_->setTextFormat(Qt::RichText);
    body_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    body_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    lay->addWidget(body_);
    error_ = new QLabel(this);
    error_->setWordWrap(true);
    error_->setVisible(false);
    error_->setStyleSheet(
        "QLabel { border: 1px solid #D55E00; border-radius: 4px; padding: 4px; }");
    lay->addWidget(error_);
    break_ = new QLabel(this);
    break_->setObjectName("explanation-breakpoint");
    break_->setWordWrap(true);
    break_->setVisible(false);
    break_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    break_->setStyleSheet(
        "QLabel { border: 1px solid #0072B2; border-radius: 4px; padding: 4px; }");
    lay->addWidget(break_);
    story_title_ = makeHeading(tr("What the allocator did"), this);
    lay->addWidget(story_title_);
    story_ = new QLabel(this);
    story_->setObjectName("explanation-allocator");
    story_->setWordWrap(true);
    story_->setTextFormat(Qt::RichText);
    story_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    story_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    story_->setToolTip(tr("The last step's micro-events told in words, naming the kernel "
                          "functions"));
    auto* story_scroll = new QScrollArea(this);
    story_scroll->setWidget(story_);
    story_scroll->setWidgetResizable(true);
    story_scroll->setFrameShape(QFrame::NoFrame);
    story_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    story_scroll_ = story_scroll;
    lay->addWidget(story_scroll, 2);
    event_ = new QLabel(this);
    event_->setObjectName("explanation-event");
    event_->setWordWrap(true);
    event_->setTextFormat(Qt::RichText);
    event_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    event_->setVisible(false);
    event_->setStyleSheet("QLabel { border: 1px solid palette(mid); border-radius: 4px; "
                          "padding: 4px; }");
    lay->addWidget(event_);
    log_title_ = makeHeading(tr("Kernel log of this step"), this);
    lay->addWidget(log_title_);
    log_ = new DiffTextView(this);
    log_->setObjectName("explanation-log");
    log_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    log_->setWordWrapMode(QTextOption::WrapAnywhere);
    log_->setToolTip(tr("The lines the kernel printed during the last step (dmesg, without "
                        "timestamps)"));
    lay->addWidget(log_, 1);
}

void ExplanationPanel::setScenario(const ScenarioInfo& info) {
    info_ = info;
    heading_->setText(tr("Ready"));
    body_->setText(
        tr("%1 steps. Linux %2 (%3).").arg(info.steps.size()).arg(info.profile, info.release));
    error_->setVisible(false);
}

void ExplanationPanel::setSnapshot(const SnapshotPtr& snap) {
    if (!snap) return;
    const int cur = snap->executed - 1;
    if (cur < 0 || cur >= static_cast<int>(info_.steps.size())) {
        heading_->setText(tr("Before the first step"));
        body_->setText(tr("The machine is described; nothing has run yet. %1 steps, Linux %2.")
                           .arg(info_.steps.size())
                           .arg(info_.release));
    } else {
        const StepInfo& s = info_.steps[static_cast<size_t>(cur)];
        heading_->setText(tr("Step %1 / %2: %3").arg(cur + 1).arg(snap->total).arg(s.op));
        if (snap->micro >= 0)
            heading_->setText(heading_->text() +
                              tr(" · event %1/%2").arg(snap->micro).arg(snap->events_total));
        QString html = QStringLiteral("<p><tt>%1</tt></p>").arg(s.label.toHtmlEscaped());
        if (!s.note.isEmpty()) html += QStringLiteral("<p>%1</p>").arg(s.note.toHtmlEscaped());
        html += tr("<p>Printed %1 kernel line(s).</p>").arg(snap->step_log.size());
        body_->setText(html);
    }
    error_->setVisible(false);
    break_->setVisible(false);
    QString story;
    for (const QString& p : snap->step_explain)
        story += QStringLiteral("<p>%1</p>").arg(p.toHtmlEscaped());
    story_->setText(story);
    story_scroll_->setVisible(!story.isEmpty());
    story_title_->setVisible(!story.isEmpty());
    event_->setVisible(false);
    log_->setTextDiff(snap->step_log.join('\n'), false);
}

void ExplanationPanel::showRefusal(const QString& message) {
    error_->setText(tr("<b>Step refused</b>: %1").arg(message.toHtmlEscaped()));
    error_->setVisible(true);
}

void ExplanationPanel::showBreakpoint(const QString& spec, const QString& what, int step,
                                      int event) {
    QString where = event >= 0 ? tr("after step %1, at micro-event %2").arg(step).arg(event + 1)
                               : tr("after step %1").arg(step);
    QString text = tr("<b>Breakpoint</b> <tt>%1</tt> hit %2.").arg(spec.toHtmlEscaped(), where);
    if (!what.isEmpty() && what != spec) text += QStringLiteral("<br>") + what.toHtmlEscaped();
    break_->setText(text);
    break_->setVisible(true);
}

QString ExplanationPanel::breakpointText() const {
    return break_->isHidden() ? QString() : break_->text();
}

void ExplanationPanel::showMicroEvent(const EventSnap* e, int row) {
    if (!e) {
        event_->setVisible(false);
        return;
    }
    event_->setText(tr("<b>Micro-event %1</b> <tt>%2</tt><br>%3<br><i>%4 cycles</i>")
                        .arg(row + 1)
                        .arg(e->text.toHtmlEscaped(), e->explain.toHtmlEscaped())
                        .arg(e->cycles));
    event_->setVisible(true);
}

QString ExplanationPanel::allocatorText() const {
    return story_->text();
}

QString ExplanationPanel::eventText() const {
    return event_->isHidden() ? QString() : event_->text();
}

QString ExplanationPanel::logText() const {
    return log_->toPlainText();
}

} // namespace mmsim::ui
