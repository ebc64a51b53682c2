// The kernel page and the scenario page of the machine editor.
#include "ui/machine_editor_cmdline.h"
#include "ui/machine_editor_pages.h"
#include "ui/machine_editor_session.h"

#include "ui/view_util.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace mmsim::ui {

namespace {

QLabel* hint(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

void setTextKeepingCursor(QLineEdit* e, const QString& text) {
    if (e->text() == text) return;
    const QSignalBlocker block(e);
    const int pos = e->cursorPosition();
    e->setText(text);
    e->setCursorPosition(std::min(pos, static_cast<int>(text.size())));
}

} // namespace

// ---------------------------------------------------------------- kernel

KernelPage::KernelPage(MachineEditSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    lay->addWidget(makeHeading(tr("Kernel"), this));
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    profile_ = new QComboBox(this);
    profile_->setObjectName("editor-profile");
    profile_->addItem(tr("Linux 6.12 LTS (6.12.117, the default)"), "6.12");
    profile_->addItem(tr("Linux 6.1 LTS (6.1.192)"), "6.1");
    profile_->setToolTip(tr("Where the two differ (pcp high tuning, THP lists, slab), the "
                            "profile decides"));
    form->addRow(tr("&Profile:"), profile_);
    slab_ = new QComboBox(this);
    slab_->setObjectName("editor-slab");
    slab_->addItem(tr("SLUB"), "slub");
    slab_->addItem(tr("SLAB (classic; removed in 6.8, so 6.1 only)"), "slab");
    form->addRow(tr("&Slab allocator:"), slab_);
    lay->addLayout(form);

    lay->addWidget(makeHeading(tr("Command line"), this));
    cmdline_ = new QLineEdit(this);
    cmdline_->setObjectName("editor-cmdline");
    cmdline_->setPlaceholderText(tr("console=ttyS0 movablecore=512M"));
    cmdline_->setToolTip(tr("The whole kernel command line. mmsim models mem=, memmap=, "
                            "movablecore=, kernelcore=, movable_node and memblock=debug; other "
                            "words are kept and ignored."));
    lay->addWidget(cmdline_);
    error_ = new QLabel(this);
    error_->setObjectName("cmdline-error");
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #D55E00;"));
    error_->hide();
    lay->addWidget(error_);

    auto* opts = new QFormLayout;
    opts->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto option = [&](const QString& key, const QString& placeholder, const QString& tip) {
        auto* e = new QLineEdit(this);
        e->setObjectName("cmdline-" + key);
        e->setPlaceholderText(placeholder);
        e->setToolTip(tip);
        opts->addRow(key + '=', e);
        connect(e, &QLineEdit::textEdited, this,
                [this, key](const QString& t) { optionEdited(key, t); });
        return e;
    };
    movablecore_ = option("movablecore", tr("e.g. 512M or 25%"),
                          tr("Memory for ZONE_MOVABLE, taken from the top of each node's "
                             "memory: only movable (user, page cache) allocations land there"));
    kernelcore_ = option("kernelcore", tr("e.g. 1G, 50% or mirror"),
                         tr("Memory kept for kernel (unmovable) allocations; the rest of each "
                            "node becomes ZONE_MOVABLE"));
    mem_ = option("mem", tr("e.g. 1536M"),
                  tr("Ignore RAM above this address (the kernel prints a user-defined map)"));
    memmap_ = option("memmap", tr("e.g. 64M$0x30000000  (several: separate with spaces)"),
                     tr("nn$ss reserves nn bytes at ss, nn@ss adds RAM, nn#ss marks ACPI data, "
                        "nn!ss persistent memory; one memmap= word per value"));
    lay->addLayout(opts);
    lay->addWidget(hint(tr("The fields above edit their words of the command line; the "
                           "preview shows what they do: ZONE_MOVABLE in the zones, memmap= and "
                           "mem= in the kernel's e820 lane."),
                        this));
    lay->addStretch(1);

    connect(profile_, &QComboBox::currentIndexChanged, this, [this](int) {
        const std::string v = profile_->currentData().toString().toStdString();
        if (v == session_->draft().version) return;
        session_->edit(
            MachineEditSession::KernelPart, [&](MachineDraft& d) { d.version = v; }, this);
    });
    connect(slab_, &QComboBox::currentIndexChanged, this, [this](int) {
        const std::string v = slab_->currentData().toString().toStdString();
        if (v == session_->draft().slab) return;
        session_->edit(
            MachineEditSession::KernelPart, [&](MachineDraft& d) { d.slab = v; }, this);
    });
    connect(cmdline_, &QLineEdit::textEdited, this, [this](const QString& t) {
        session_->edit(
            MachineEditSession::CmdlinePart, [&](MachineDraft& d) { d.cmdline = t.toStdString(); },
            this);
    });
    connect(session_, &MachineEditSession::changed, this, [this] { refresh(); });
    refresh();
}

QLineEdit* KernelPage::optionEdit(const QString& key) const {
    if (key == QLatin1String("movablecore")) return movablecore_;
    if (key == QLatin1String("kernelcore")) return kernelcore_;
    if (key == QLatin1String("mem")) return mem_;
    if (key == QLatin1String("memmap")) return memmap_;
    return nullptr;
}

void KernelPage::optionEdited(const QString& key, const QString& text) {
    const std::vector<std::string> values = splitWords(text.toStdString());
    session_->edit(
        MachineEditSession::CmdlinePart,
        [&](MachineDraft& d) {
            d.cmdline = setCmdlineValues(d.cmdline, key.toStdString(), values);
        },
        this);
}

void KernelPage::refresh() {
    const MachineDraft& d = session_->draft();
    {
        const QSignalBlocker b1(profile_), b2(slab_);
        profile_->setCurrentIndex(
            std::max(0, profile_->findData(QString::fromStdString(d.version))));
        slab_->setCurrentIndex(std::max(0, slab_->findData(QString::fromStdString(d.slab))));
    }
    // Classic SLAB can be chosen only with 6.1 (a draft loaded or switched
    // to 6.12 with SLAB chosen shows the error instead).
    if (auto* m = qobject_cast<QStandardItemModel*>(slab_->model()))
        if (QStandardItem* it = m->item(1)) it->setEnabled(d.version == "6.1" || d.slab == "slab");
    setTextKeepingCursor(cmdline_, QString::fromStdString(d.cmdline));
    for (const char* key : {"movablecore", "kernelcore", "mem", "memmap"}) {
        QLineEdit* e = optionEdit(QString::fromLatin1(key));
        if (e->hasFocus()) continue; // the user is typing there
        QStringList vals;
        for (const std::string& v : cmdlineValues(d.cmdline, key))
            vals << QString::fromStdString(v);
        setTextKeepingCursor(e, vals.join(' '));
    }
    QStringList errs;
    for (const DraftIssue& i : session_->issues())
        if (i.part == DraftPart::Cmdline || i.part == DraftPart::Kernel)
            errs << QString::fromStdString(i.message);
    error_->setText(errs.join('\n'));
    error_->setVisible(!errs.isEmpty());
}

// ---------------------------------------------------------------- scenario

ScenarioPage::ScenarioPage(MachineEditSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(8, 8, 8, 8);
    lay->addWidget(makeHeading(tr("Scenario"), this));
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    title_ = new QLineEdit(this);
    title_->setObjectName("editor-title");
    form->addRow(tr("&Title:"), title_);
    lay->addLayout(form);
    lay->addWidget(new QLabel(tr("&Description (Markdown, shown before the first step):"), this));
    description_ = new QPlainTextEdit(this);
    description_->setObjectName("editor-description");
    description_->setTabChangesFocus(true);
    qobject_cast<QLabel*>(lay->itemAt(lay->count() - 1)->widget())->setBuddy(description_);
    lay->addWidget(description_, 1);
    keep_ = new QCheckBox(this);
    keep_->setObjectName("editor-keep-steps");
    lay->addWidget(keep_);
    source_ = hint(QString(), this);
    lay->addWidget(source_);

    connect(title_, &QLineEdit::textEdited, this, [this](const QString& t) {
        session_->edit(
            MachineEditSession::ScenarioPart, [&](MachineDraft& d) { d.title = t.toStdString(); },
            this);
    });
    connect(description_, &QPlainTextEdit::textChanged, this, [this] {
        const std::string t = description_->toPlainText().toStdString();
        if (t == session_->draft().description) return;
        session_->edit(
            MachineEditSession::ScenarioPart, [&](MachineDraft& d) { d.description = t; }, this);
    });
    connect(keep_, &QCheckBox::toggled, session_, &MachineEditSession::setKeepSteps);
    connect(session_, &MachineEditSession::changed, this, [this](int, QObject* origin) {
        if (origin != this) refresh();
    });
    refresh();
}

void ScenarioPage::refresh() {
    const MachineDraft& d = session_->draft();
    const DraftSource& src = session_->source();
    if (title_->text().toStdString() != d.title) {
        const QSignalBlocker b(title_);
        title_->setText(QString::fromStdString(d.title));
    }
    if (description_->toPlainText().toStdString() != d.description) {
        const QSignalBlocker b(description_);
        description_->setPlainText(QString::fromStdString(d.description));
    }
    const QString file = QFileInfo(QString::fromStdString(src.path)).fileName();
    keep_->setVisible(src.steps > 0);
    keep_->setText(
        src.explicit_boot
            ? tr("Keep the explicit boot and the steps of %1 (%2)").arg(file).arg(src.steps)
            : tr("Keep the %n step(s) of %1", nullptr, static_cast<int>(src.steps)).arg(file));
    keep_->setToolTip(tr("Unchecked: the new scenario boots \"auto\" and has no steps yet"));
    {
        const QSignalBlocker b(keep_);
        keep_->setChecked(session_->keepSteps());
    }
    QStringList kept;
    if (!src.isNew() && src.document.contains("machine"))
        for (const auto& [key, v] : src.document["machine"].items())
            if (key != "cpus" && key != "e820" && key != "numa" && key != "cmdline" &&
                key != "kernel")
                kept << QString::fromStdString(key);
    if (src.isNew())
        source_->setText(tr("A new machine: saved as a scenario that boots it and has no steps "
                            "yet. Add steps in any editor (docs/scenario-format.md)."));
    else
        source_->setText(
            tr("Editing the machine of %1. What you do not change is saved exactly as it was%2.")
                .arg(file, kept.isEmpty() ? QString()
                                          : tr(", and these settings are kept as they are: %1")
                                                .arg(kept.join(QStringLiteral(", ")))));
}

} // namespace mmsim::ui
