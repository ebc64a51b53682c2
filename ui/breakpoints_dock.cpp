#include "ui/breakpoints_dock.h"

#include "core/breakpoint.h"

#include <QAction>
#include <QColor>
#include <QComboBox>
#include <QCryptographicHash>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace mmsim::ui {

namespace {
enum Column { Spec, LastHit, ColumnCount };
constexpr int ProblemRole = Qt::UserRole + 1;
const QColor kWarning(0xD5, 0x5E, 0x00);

// The tooltip of a breakpoint with nothing to say about it.
QString enableTip() {
    return QObject::tr("Untick to keep it without stopping at it");
}

// The text of a spec's parse error, or an empty string.
QString parseError(const QString& spec) {
    try {
        mmsim::parseBreakpoint(spec.trimmed().toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
} // namespace

BreakpointsDock::BreakpointsDock(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(4, 4, 4, 4);
    lay->setSpacing(4);
    templates_ = new QComboBox(this);
    templates_->setObjectName("breakpoint-templates");
    templates_->setToolTip(tr("Every kind of breakpoint: choose one to fill the entry, edit it, "
                              "then Add"));
    lay->addWidget(templates_);
    auto* row = new QHBoxLayout;
    entry_ = new QLineEdit(this);
    entry_->setObjectName("breakpoint-entry");
    entry_->setPlaceholderText(
        tr("event:alloc_fail, label:NAME, step:N, zone:Normal:free_pages<low…"));
    entry_->setToolTip(tr("A breakpoint as mmsim-cli run --break takes it; Enter adds it"));
    row->addWidget(entry_, 1);
    add_ = new QPushButton(tr("&Add"), this);
    add_->setToolTip(tr("Add the breakpoint in the entry"));
    row->addWidget(add_);
    lay->addLayout(row);
    error_ = new QLabel(this);
    error_->setObjectName("breakpoint-error");
    error_->setWordWrap(true);
    error_->setVisible(false);
    error_->setStyleSheet(
        "QLabel { border: 1px solid #D55E00; border-radius: 4px; padding: 3px; }");
    lay->addWidget(error_);
    list_ = new QTreeWidget(this);
    list_->setObjectName("breakpoint-list");
    list_->setColumnCount(ColumnCount);
    list_->setHeaderLabels({tr("Breakpoint (tick to enable)"), tr("Last hit")});
    list_->setRootIsDecorated(false);
    list_->setUniformRowHeights(true);
    list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    list_->header()->setStretchLastSection(false);
    list_->header()->setSectionResizeMode(Spec, QHeaderView::Stretch);
    list_->header()->setSectionResizeMode(LastHit, QHeaderView::ResizeToContents);
    list_->setToolTip(tr("Run (F5) stops after the first step where an enabled breakpoint "
                         "hits"));
    lay->addWidget(list_, 1);
    auto* buttons = new QHBoxLayout;
    remove_ = new QPushButton(tr("&Remove"), this);
    remove_->setToolTip(tr("Remove the selected breakpoints (Delete in the list)"));
    auto* del = new QAction(tr("Remove"), list_);
    del->setShortcut(QKeySequence::Delete);
    del->setShortcutContext(Qt::WidgetShortcut);
    list_->addAction(del);
    connect(del, &QAction::triggered, remove_, &QPushButton::click);
    clear_ = new QPushButton(tr("Remove a&ll"), this);
    clear_->setToolTip(tr("Remove every breakpoint of this scenario"));
    buttons->addWidget(remove_);
    buttons->addWidget(clear_);
    buttons->addStretch(1);
    lay->addLayout(buttons);

    fillTemplates({});
    connect(templates_, &QComboBox::activated, this, [this](int i) {
        const QString spec = templates_->itemData(i).toString();
        if (spec.isEmpty()) return;
        entry_->setText(spec);
        entry_->setFocus();
        error_->setVisible(false);
    });
    connect(entry_, &QLineEdit::returnPressed, this, &BreakpointsDock::addFromEntry);
    connect(add_, &QPushButton::clicked, this, &BreakpointsDock::addFromEntry);
    connect(remove_, &QPushButton::clicked, this, [this] {
        QList<int> rows;
        for (QTreeWidgetItem* it : list_->selectedItems())
            rows << list_->indexOfTopLevelItem(it);
        std::sort(rows.begin(), rows.end(), std::greater<>());
        for (int r : rows)
            removeBreakpoint(r);
    });
    connect(clear_, &QPushButton::clicked, this, &BreakpointsDock::clearBreakpoints);
    connect(list_, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem*, int col) {
        if (col == Spec && !loading_) changed();
    });
}

void BreakpointsDock::fillTemplates(const QStringList& labels) {
    templates_->clear();
    templates_->addItem(tr("Add a breakpoint from a template…"));
    auto add = [this](const QString& text, const QString& spec, const QString& tip) {
        templates_->addItem(text, spec);
        templates_->setItemData(templates_->count() - 1, tip, Qt::ToolTipRole);
    };
    for (const mmsim::BreakEventKind& k : mmsim::breakEventKinds()) {
        if (!k.available) continue;
        const QString name = QString::fromUtf8(k.name.data(), static_cast<int>(k.name.size()));
        const QString doc = QString::fromUtf8(k.doc.data(), static_cast<int>(k.doc.size()));
        add(tr("Event: %1 — %2").arg(name, doc), "event:" + name, doc);
    }
    add(tr("Event: a micro-event by name (buddy_merge, …)"), "event:buddy_merge",
        tr("Any micro-event name of the event log"));
    for (const QString& l : labels)
        add(tr("Label: after the step labelled %1").arg(l), "label:" + l,
            tr("Stops after the step that carries this label"));
    add(tr("Step: when N steps have run"), "step:10", tr("Stops when this many steps have run"));
    add(tr("Zone: free pages below the low watermark"), "zone:Normal:free_pages<low",
        tr("ZONE is Normal (node 0), 1/DMA32 (node 1) or * (any zone)"));
    add(tr("Zone: free pages below the min watermark (any zone)"), "zone:*:free_pages<min",
        tr("Edge-triggered: stops where it becomes true"));
    add(tr("Zone: largest free order below N"), "zone:Normal:largest_free_order<3",
        tr("No free block of order 3 or more left in the zone"));
    add(tr("Zone: mixed pageblocks above N"), "zone:Normal:mixed_pageblocks>10",
        tr("Pageblocks holding pages of another migratetype"));
    add(tr("Zone: nr_free at an order"), "zone:Normal:nr_free[9]<1",
        tr("The free_area count at order 9"));
    add(tr("Cache: a slab cache's active objects"), "cache:kmalloc-64:active_objs>100",
        tr("cache:NAME:VALUE OP V over a slab cache"));
    add(tr("Value: a number without parameters"), "value:total_free_pages<1000",
        tr("last_alloc_pfn, total_free_pages, clock, …"));
}

QString BreakpointsDock::settingsKey(const QString& scenario_path) {
    const QString abs = QFileInfo(scenario_path).absoluteFilePath();
    const QByteArray h = QCryptographicHash::hash(abs.toUtf8(), QCryptographicHash::Sha1).toHex();
    return QStringLiteral("breakpoints/") + QString::fromLatin1(h.left(16));
}

void BreakpointsDock::setScenario(const QString& path, const QStringList& labels) {
    const bool same = path == path_;
    path_ = path;
    fillTemplates(labels);
    hit_row_ = -1;
    if (same && !persist_) {
        // Reopened (reload): keep the list, clear the hit marks.
        for (int i = 0; i < list_->topLevelItemCount(); ++i)
            list_->topLevelItem(i)->setText(LastHit, QString());
        return;
    }
    loading_ = true;
    list_->clear();
    if (persist_) {
        const QStringList saved = QSettings().value(settingsKey(path)).toStringList();
        for (const QString& line : saved) {
            const bool on = line.startsWith('1');
            const QString spec = line.mid(2);
            auto* it = makeItem(spec, on);
            const QString err = parseError(spec);
            if (!err.isEmpty()) {
                it->setCheckState(Spec, Qt::Unchecked);
                it->setToolTip(Spec, tr("Does not parse: %1").arg(err));
                it->setForeground(Spec, kWarning);
            }
        }
    }
    loading_ = false;
    error_->setVisible(false);
    emit breakpointsChanged(enabledSpecs());
}

QTreeWidgetItem* BreakpointsDock::makeItem(const QString& spec, bool on) {
    auto* it = new QTreeWidgetItem(list_);
    it->setText(Spec, spec);
    it->setFlags(it->flags() | Qt::ItemIsUserCheckable);
    it->setCheckState(Spec, on ? Qt::Checked : Qt::Unchecked);
    it->setToolTip(Spec, enableTip());
    return it;
}

void BreakpointsDock::showError(const QString& error) {
    error_->setText(error);
    error_->setVisible(!error.isEmpty());
}

QString BreakpointsDock::errorText() const {
    return error_->isHidden() ? QString() : error_->text();
}

void BreakpointsDock::addFromEntry() {
    if (addBreakpoint(entry_->text())) entry_->clear();
}

bool BreakpointsDock::addBreakpoint(const QString& text, QString* error) {
    const QString spec = text.trimmed();
    QString err = spec.isEmpty() ? tr("Type a breakpoint or choose a template") : parseError(spec);
    if (err.isEmpty() && specs().contains(spec)) err = tr("%1 is in the list already").arg(spec);
    if (!err.isEmpty()) {
        showError(tr("Not added: %1").arg(err));
        if (error) *error = err;
        return false;
    }
    showError({});
    loading_ = true;
    makeItem(spec, true);
    loading_ = false;
    changed();
    return true;
}

void BreakpointsDock::removeBreakpoint(int row) {
    if (row < 0 || row >= list_->topLevelItemCount()) return;
    delete list_->takeTopLevelItem(row);
    if (hit_row_ == row)
        hit_row_ = -1;
    else if (hit_row_ > row)
        --hit_row_;
    changed();
}

void BreakpointsDock::clearBreakpoints() {
    list_->clear();
    hit_row_ = -1;
    changed();
}

void BreakpointsDock::setBreakpointEnabled(int row, bool on) {
    if (QTreeWidgetItem* it = list_->topLevelItem(row))
        it->setCheckState(Spec, on ? Qt::Checked : Qt::Unchecked);
}

int BreakpointsDock::count() const {
    return list_->topLevelItemCount();
}

QStringList BreakpointsDock::specs() const {
    QStringList out;
    for (int i = 0; i < list_->topLevelItemCount(); ++i)
        out << list_->topLevelItem(i)->text(Spec);
    return out;
}

QStringList BreakpointsDock::enabledSpecs() const {
    QStringList out;
    for (int i = 0; i < list_->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* it = list_->topLevelItem(i);
        if (it->checkState(Spec) == Qt::Checked && parseError(it->text(Spec)).isEmpty())
            out << it->text(Spec);
    }
    return out;
}

void BreakpointsDock::markHit(int enabled_index, int step, int event) {
    const bool was = loading_;
    loading_ = true; // looks only: not a change of the breakpoints
    int n = -1;
    for (int i = 0; i < list_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* it = list_->topLevelItem(i);
        QFont f = it->font(Spec);
        f.setBold(false);
        it->setFont(Spec, f);
        if (it->checkState(Spec) != Qt::Checked || !parseError(it->text(Spec)).isEmpty()) continue;
        if (++n != enabled_index) continue;
        hit_row_ = i;
        f.setBold(true);
        it->setFont(Spec, f);
        it->setText(LastHit, event >= 0 ? tr("step %1 · event %2").arg(step).arg(event + 1)
                                        : tr("step %1").arg(step));
        list_->setCurrentItem(it);
    }
    loading_ = was;
}

void BreakpointsDock::setProblems(const QStringList& specs, const QStringList& problems) {
    const bool loading = loading_;
    loading_ = true; // looks only: not a change of the breakpoints
    for (int i = 0; i < list_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* it = list_->topLevelItem(i);
        if (!parseError(it->text(Spec)).isEmpty()) continue; // marked as such
        const qsizetype k = specs.indexOf(it->text(Spec));
        const QString why = k >= 0 && k < problems.size() ? problems[k] : QString();
        const bool was = !it->data(Spec, ProblemRole).toString().isEmpty();
        it->setData(Spec, ProblemRole, why);
        if (!why.isEmpty()) {
            it->setForeground(Spec, kWarning);
            it->setToolTip(Spec, tr("Can never hit: %1").arg(why));
            it->setText(LastHit, tr("can never hit"));
            it->setToolTip(LastHit, why);
        } else if (was) {
            it->setData(Spec, Qt::ForegroundRole, QVariant());
            it->setToolTip(Spec, enableTip());
            it->setText(LastHit, QString());
            it->setToolTip(LastHit, QString());
        }
    }
    loading_ = loading;
}

QString BreakpointsDock::problem(int row) const {
    const QTreeWidgetItem* it = list_->topLevelItem(row);
    return it ? it->data(Spec, ProblemRole).toString() : QString();
}

void BreakpointsDock::changed() {
    save();
    emit breakpointsChanged(enabledSpecs());
}

void BreakpointsDock::save() const {
    if (!persist_ || path_.isEmpty()) return;
    QStringList lines;
    for (int i = 0; i < list_->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* it = list_->topLevelItem(i);
        lines << QStringLiteral("%1 %2")
                     .arg(it->checkState(Spec) == Qt::Checked ? 1 : 0)
                     .arg(it->text(Spec));
    }
    QSettings().setValue(settingsKey(path_), lines);
}

} // namespace mmsim::ui
