#include "ui/scenario_panel.h"

#include "ui/view_util.h"

#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace mmsim::ui {

ScenarioPanel::ScenarioPanel(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(6, 6, 6, 6);
    title_ = new QLabel(this);
    title_->setWordWrap(true);
    QFont f = title_->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    title_->setFont(f);
    lay->addWidget(title_);

    auto* split = new QSplitter(Qt::Vertical, this);
    description_ = new QTextBrowser(split);
    description_->setObjectName("scenario-description");
    description_->setOpenExternalLinks(true);
    description_->setFrameShape(QFrame::NoFrame);
    steps_ = new QListWidget(split);
    steps_->setObjectName("scenario-steps");
    steps_->setAlternatingRowColors(true);
    steps_->setWordWrap(true);
    steps_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    steps_->setTextElideMode(Qt::ElideRight);
    steps_->setToolTip(tr("The scenario's operations; the last executed one is highlighted"));
    split->addWidget(description_);
    split->addWidget(steps_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    lay->addWidget(split, 1);

    lay->addWidget(makeHeading(tr("Note"), this));
    note_ = new QLabel(this);
    note_->setObjectName("scenario-note");
    note_->setWordWrap(true);
    note_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    note_->setMinimumHeight(note_->fontMetrics().height() * 3);
    note_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    lay->addWidget(note_);
}

void ScenarioPanel::setScenario(const ScenarioInfo& info) {
    info_ = info;
    title_->setText(info.title);
    title_->setToolTip(info.path);
    description_->setMarkdown(info.description.isEmpty() ? tr("*(no description)*")
                                                         : info.description);
    steps_->clear();
    for (size_t i = 0; i < info.steps.size(); ++i) {
        const StepInfo& s = info.steps[i];
        auto* item =
            new QListWidgetItem(QStringLiteral("%1  %2").arg(i + 1, 3).arg(s.label), steps_);
        QString tip = s.label;
        if (!s.note.isEmpty()) tip += "\n" + s.note;
        if (!s.where.isEmpty() && !s.where.startsWith(":")) tip += "\n" + s.where;
        item->setToolTip(tip);
    }
    current_ = -1;
    note_->setText(tr("Press F10 to run the first step, F5 to run to the end."));
}

void ScenarioPanel::setSnapshot(const SnapshotPtr& snap) {
    if (!snap) return;
    const int cur = snap->executed - 1;
    if (cur == current_ && steps_->count()) return;
    for (int i = 0; i < steps_->count(); ++i) {
        QListWidgetItem* item = steps_->item(i);
        QFont f = item->font();
        f.setBold(i == cur);
        item->setFont(f);
        item->setForeground(i > cur ? palette().brush(QPalette::PlaceholderText)
                                    : palette().brush(QPalette::Text));
    }
    current_ = cur;
    if (cur >= 0 && cur < steps_->count()) {
        steps_->setCurrentRow(cur);
        steps_->scrollToItem(steps_->item(cur));
        const StepInfo& s = info_.steps[static_cast<size_t>(cur)];
        note_->setText(s.note.isEmpty() ? tr("<i>(this step has no note)</i>") : s.note);
    } else {
        steps_->clearSelection();
        note_->setText(tr("Press F10 to run the first step, F5 to run to the end."));
    }
}

} // namespace mmsim::ui
