#include "ui/machine_editor.h"

#include "ui/machine_editor_e820_model.h"
#include "ui/machine_editor_nodes_model.h"
#include "ui/machine_editor_pages.h"
#include "ui/machine_editor_preview_view.h"
#include "ui/machine_editor_session.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QShortcut>
#include <QSplitter>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTextDocumentFragment>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

namespace mmsim::ui {

namespace {

constexpr int kDebounceMs = 150;

enum Tab { NodesTab, E820Tab, KernelTab, ScenarioTab };

// "/machine/e820/3/size" -> where to show it.
QString placeOfPointer(const QString& ptr) {
    const QStringList p = ptr.split('/', Qt::SkipEmptyParts);
    if (p.size() >= 2 && p[0] == QLatin1String("machine")) {
        if (p[1] == QLatin1String("e820")) return p.size() > 2 ? "e820:" + p[2] : "e820";
        if (p[1] == QLatin1String("numa")) {
            if (p.size() > 3 && p[2] == QLatin1String("nodes")) return "nodes:" + p[3];
            if (p.size() > 2 && p[2] == QLatin1String("distance"))
                return p.size() > 4 ? "distance:" + p[3] + ':' + p[4] : "distance";
            return "nodes";
        }
        if (p[1] == QLatin1String("cpus")) return "nodes";
        if (p[1] == QLatin1String("cmdline") || p[1] == QLatin1String("kernel")) return "kernel";
    }
    return "scenario";
}

QString placeOfIssue(const DraftIssue& i) {
    switch (i.part) {
    case DraftPart::Nodes:
        return i.row >= 0 ? QStringLiteral("nodes:%1").arg(i.row) : "nodes";
    case DraftPart::Distance:
        return i.row >= 0 ? QStringLiteral("distance:%1:%2").arg(i.row).arg(i.column) : "distance";
    case DraftPart::E820:
        return i.row >= 0 ? QStringLiteral("e820:%1").arg(i.row) : "e820";
    case DraftPart::Cmdline:
    case DraftPart::Kernel:
        return "kernel";
    case DraftPart::Scenario:
        return "scenario";
    }
    return {};
}

} // namespace

MachineEditorDialog::MachineEditorDialog(QWidget* parent) : QDialog(parent) {
    setObjectName("machine-editor");
    setSizeGripEnabled(true);
    session_ = new MachineEditSession(this);
    runner_ = new MachinePreviewRunner(this);
    debounce_ = new QTimer(this);
    debounce_->setSingleShot(true);
    debounce_->setInterval(kDebounceMs);

    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(10, 10, 10, 10);
    split_ = new QSplitter(Qt::Horizontal, this);
    split_->setChildrenCollapsible(false);
    tabs_ = new QTabWidget(split_);
    tabs_->setObjectName("editor-tabs");
    nodes_ = new NodesPage(session_, tabs_);
    e820_ = new E820Page(session_, tabs_);
    kernel_ = new KernelPage(session_, tabs_);
    scenario_ = new ScenarioPage(session_, tabs_);
    tabs_->addTab(nodes_, tr("&Nodes"));
    tabs_->setTabToolTip(NodesTab, tr("NUMA nodes: memory, CPUs, distances"));
    tabs_->addTab(e820_, tr("&Memory map"));
    tabs_->setTabToolTip(E820Tab, tr("The firmware's e820 map"));
    tabs_->addTab(kernel_, tr("&Kernel"));
    tabs_->setTabToolTip(KernelTab, tr("Kernel profile, slab allocator and command line"));
    tabs_->addTab(scenario_, tr("Sc&enario"));
    tabs_->setTabToolTip(ScenarioTab, tr("Title, description, the steps kept"));
    auto* right = new QWidget(split_);
    auto* rl = new QVBoxLayout(right);
    rl->setContentsMargins(8, 0, 0, 0);
    preview_ = new MachinePreviewView(right);
    rl->addWidget(preview_);
    split_->addWidget(tabs_);
    split_->addWidget(right);
    split_->setStretchFactor(0, 9);
    split_->setStretchFactor(1, 11);
    split_->setSizes({9000, 11000}); // scaled to the width: 45% editor, 55% preview
    lay->addWidget(split_, 1);

    banner_box_ = new QFrame(this);
    banner_box_->setObjectName("editor-banner");
    banner_box_->setAutoFillBackground(true);
    auto* bl = new QHBoxLayout(banner_box_);
    bl->setContentsMargins(8, 6, 8, 6);
    banner_icon_ = new QLabel(banner_box_);
    bl->addWidget(banner_icon_, 0, Qt::AlignTop);
    banner_ = new QLabel(banner_box_);
    banner_->setObjectName("editor-banner-text");
    banner_->setWordWrap(true);
    banner_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    bl->addWidget(banner_, 1);
    lay->addWidget(banner_box_);
    connect(banner_, &QLabel::linkActivated, this, [this] { showProblem(); });

    auto* bottom = new QHBoxLayout;
    open_after_ = new QCheckBox(tr("&Open in the main window after saving"), this);
    open_after_->setChecked(true);
    bottom->addWidget(open_after_);
    transient_ = new QLabel(this);
    transient_->setObjectName("editor-transient");
    transient_->setStyleSheet(QStringLiteral("color: #D55E00;"));
    bottom->addWidget(transient_, 1);
    auto* buttons = new QDialogButtonBox(this);
    save_ = buttons->addButton(tr("&Save scenario…"), QDialogButtonBox::AcceptRole);
    save_->setObjectName("editor-save");
    save_->setDefault(true);
    buttons->addButton(QDialogButtonBox::Cancel);
    bottom->addWidget(buttons);
    lay->addLayout(bottom);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(save_, &QPushButton::clicked, this, &MachineEditorDialog::saveDialog);
    auto* save_key = new QShortcut(QKeySequence::Save, this);
    connect(save_key, &QShortcut::activated, this, [this] {
        if (save_->isEnabled()) saveDialog();
    });

    transient_timer_ = new QTimer(this);
    transient_timer_->setSingleShot(true);
    transient_timer_->setInterval(6000);
    connect(transient_timer_, &QTimer::timeout, transient_, &QLabel::clear);
    connect(session_, &MachineEditSession::rejected, this, [this](const QString& why) {
        transient_->setText(tr("Not changed: %1").arg(why));
        transient_timer_->start();
    });
    connect(session_, &MachineEditSession::changed, this, &MachineEditorDialog::onChanged);
    connect(debounce_, &QTimer::timeout, this, &MachineEditorDialog::startPreview);
    connect(runner_, &MachinePreviewRunner::ready, this, &MachineEditorDialog::onPreview);

    resize(1280, 800);
    newMachine();
}

MachineEditorDialog::~MachineEditorDialog() = default;

void MachineEditorDialog::newMachine() {
    session_->load(MachineDraft::newMachine());
    updateTitle();
}

bool MachineEditorDialog::loadScenarioFile(const QString& path, QString* error) {
    if (!session_->loadFile(path, error)) return false;
    updateTitle();
    return true;
}

void MachineEditorDialog::updateTitle() {
    const DraftSource& src = session_->source();
    setWindowTitle(src.isNew() ? tr("Machine editor — new machine")
                               : tr("Machine editor — %1")
                                     .arg(QFileInfo(QString::fromStdString(src.path)).fileName()));
}

void MachineEditorDialog::onChanged() {
    current_.reset();
    debounce_->start();
    updateBanner();
}

void MachineEditorDialog::startPreview() {
    if (session_->hasErrors()) {
        preview_->setStale(true);
        updateBanner();
        return;
    }
    preview_->setStale(false);
    std::string text = session_->scenarioText();
    if (text == requested_text_ && runner_->latestDelivered() == runner_->latestRequest() &&
        preview_->last()) {
        current_ = preview_->last();
        updateBanner();
        return;
    }
    requested_text_ = text;
    runner_->request(std::move(text));
    preview_->setPending(true);
    updateBanner();
}

void MachineEditorDialog::onPreview(const MachinePreviewPtr& p) {
    preview_->setPreview(p);
    if (!debounce_->isActive() && !session_->hasErrors()) current_ = p;
    updateBanner();
}

bool MachineEditorDialog::previewSettled() const {
    if (debounce_->isActive()) return false;
    if (session_->hasErrors()) return true;
    return !runner_->pending() && current_ != nullptr;
}

bool MachineEditorDialog::waitForPreview(int timeout_ms) {
    QElapsedTimer t;
    t.start();
    while (!previewSettled()) {
        if (t.elapsed() > timeout_ms) return false;
        QApplication::processEvents(QEventLoop::AllEvents, 20);
        if (!previewSettled()) QThread::msleep(2);
    }
    return true;
}

bool MachineEditorDialog::canSave() const {
    return !session_->hasErrors() && !debounce_->isActive() && current_ && current_->ok &&
           !runner_->pending() && requested_text_ == session_->scenarioText();
}

QString MachineEditorDialog::bannerText() const {
    return QTextDocumentFragment::fromHtml(banner_->text()).toPlainText();
}

void MachineEditorDialog::updateBanner() {
    QString icon_name, text, tint;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    problem_pointer_.clear();
    const auto& issues = session_->issues();
    int errors = 0;
    const DraftIssue* first_error = nullptr;
    const DraftIssue* first_warning = nullptr;
    for (const DraftIssue& i : issues) {
        if (i.error) {
            ++errors;
            if (!first_error) first_error = &i;
        } else if (!first_warning) {
            first_warning = &i;
        }
    }
    const QString show = tr(" <a href=\"show\">Show</a>");
    if (first_error) {
        icon = QStyle::SP_MessageBoxCritical;
        tint = QStringLiteral("#D55E00");
        problem_pointer_ = placeOfIssue(*first_error);
        text = QString::fromStdString(first_error->message).toHtmlEscaped() + show;
        if (errors > 1) text += tr(" <i>(and %n more)</i>", nullptr, errors - 1);
    } else if (current_ && !current_->ok) {
        icon = QStyle::SP_MessageBoxCritical;
        tint = QStringLiteral("#D55E00");
        problem_pointer_ = placeOfPointer(current_->where);
        text = tr("Core refuses this machine: %1").arg(current_->error.toHtmlEscaped());
        if (!current_->where.isEmpty())
            text += QStringLiteral(" <span style=\"opacity:0.7\">(at %1)</span>")
                        .arg(current_->where.toHtmlEscaped());
        text += show;
    } else if (!current_) {
        icon = QStyle::SP_BrowserReload;
        text = tr("Booting the machine in core…");
    } else {
        icon = first_warning ? QStyle::SP_MessageBoxWarning : QStyle::SP_DialogApplyButton;
        tint = first_warning ? QStringLiteral("#E69F00") : QStringLiteral("#009E73");
        text = tr("Core accepts this machine: ready to save.");
        if (first_warning) {
            problem_pointer_ = placeOfIssue(*first_warning);
            text +=
                ' ' +
                tr("Note: %1").arg(QString::fromStdString(first_warning->message).toHtmlEscaped()) +
                show;
        }
    }
    const int px = style()->pixelMetric(QStyle::PM_SmallIconSize);
    banner_icon_->setPixmap(style()->standardIcon(icon).pixmap(px, px));
    banner_->setText(text);
    QPalette pal = banner_box_->palette();
    QColor bg = palette().color(QPalette::Window);
    if (!tint.isEmpty()) {
        const QColor t(tint);
        bg = QColor((bg.red() * 4 + t.red()) / 5, (bg.green() * 4 + t.green()) / 5,
                    (bg.blue() * 4 + t.blue()) / 5);
    }
    pal.setColor(QPalette::Window, bg);
    banner_box_->setPalette(pal);
    save_->setEnabled(canSave());
    save_->setToolTip(canSave() ? tr("Write the scenario (Ctrl+S)")
                                : tr("Disabled until the machine is valid and core has booted it"));
}

void MachineEditorDialog::showProblem() {
    const QStringList p = problem_pointer_.split(':');
    if (p.isEmpty()) return;
    const int row = p.size() > 1 ? p[1].toInt() : -1;
    if (p[0] == QLatin1String("nodes") || p[0] == QLatin1String("distance")) {
        tabs_->setCurrentIndex(NodesTab);
        QTableView* t =
            p[0] == QLatin1String("nodes") ? nodes_->nodesTable() : nodes_->distanceTable();
        const int col = p.size() > 2 ? p[2].toInt() : 0;
        if (row >= 0 && row < t->model()->rowCount()) {
            t->setCurrentIndex(t->model()->index(row, std::max(0, col)));
            t->setFocus();
        }
    } else if (p[0] == QLatin1String("e820")) {
        tabs_->setCurrentIndex(E820Tab);
        QTableView* t = e820_->table();
        if (row >= 0 && row < t->model()->rowCount()) {
            t->setCurrentIndex(t->model()->index(row, 0));
            t->setFocus();
        }
    } else if (p[0] == QLatin1String("kernel")) {
        tabs_->setCurrentIndex(KernelTab);
    } else {
        tabs_->setCurrentIndex(ScenarioTab);
    }
}

bool MachineEditorDialog::showPage(const QString& name) {
    static const char* const names[] = {"nodes", "e820", "kernel", "scenario"};
    for (int i = 0; i < 4; ++i)
        if (name == QLatin1String(names[i])) {
            tabs_->setCurrentIndex(i);
            return true;
        }
    return false;
}

QString MachineEditorDialog::suggestedPath() const {
    const DraftSource& src = session_->source();
    if (!src.isNew()) {
        const QFileInfo fi(QString::fromStdString(src.path));
        return fi.absoluteDir().filePath(fi.completeBaseName() + QStringLiteral("-edited.json"));
    }
    QString slug = QString::fromStdString(session_->draft().title).toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    slug = slug.mid(0, 48);
    while (slug.startsWith('-'))
        slug.remove(0, 1);
    while (slug.endsWith('-'))
        slug.chop(1);
    if (slug.isEmpty()) slug = QStringLiteral("machine");
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty()) dir = QDir::homePath();
    return QDir(dir).filePath(slug + QStringLiteral(".json"));
}

bool MachineEditorDialog::openAfterSave() const {
    return open_after_->isChecked();
}

bool MachineEditorDialog::saveTo(const QString& path, QString* error) {
    if (!canSave()) {
        if (error) *error = tr("the machine is not valid yet: %1").arg(bannerText());
        return false;
    }
    const std::string text = session_->scenarioText();
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) ||
        f.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size()) ||
        !f.commit()) {
        if (error) *error = tr("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    saved_path_ = path;
    return true;
}

void MachineEditorDialog::saveDialog() {
    if (!canSave()) return;
    QString path = QFileDialog::getSaveFileName(this, tr("Save scenario"), suggestedPath(),
                                                tr("Scenarios (*.json)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        path += QStringLiteral(".json");
    QString error;
    if (!finishSave(path, &error)) {
        transient_->setText(error);
        transient_timer_->start();
    }
}

bool MachineEditorDialog::finishSave(const QString& path, QString* error) {
    if (!saveTo(path, error)) return false;
    emit saved(path);
    accept();
    return true;
}

} // namespace mmsim::ui
