#include "ui/machine_editor_session.h"

#include "core/error.h"

#include <QFile>

namespace mmsim::ui {

int MachineEditSession::partBit(DraftPart p) {
    switch (p) {
    case DraftPart::Scenario:
        return ScenarioPart;
    case DraftPart::Nodes:
        return NodesPart;
    case DraftPart::Distance:
        return DistancePart;
    case DraftPart::E820:
        return E820Part;
    case DraftPart::Cmdline:
        return CmdlinePart;
    case DraftPart::Kernel:
        return KernelPart;
    }
    return 0;
}

MachineEditSession::MachineEditSession(QObject* parent)
    : QObject(parent), draft_(MachineDraft::newMachine()) {
    issues_ = draft_.issues();
}

bool MachineEditSession::hasErrors() const {
    for (const DraftIssue& i : issues_)
        if (i.error) return true;
    return false;
}

QString MachineEditSession::issueText(DraftPart part, int row, int column) const {
    QStringList out;
    for (const DraftIssue& i : issues_)
        if (i.part == part && i.row == row && (column < 0 || i.column < 0 || i.column == column))
            out << QString::fromStdString(i.message);
    return out.join('\n');
}

bool MachineEditSession::hasError(DraftPart part, int row, int column) const {
    for (const DraftIssue& i : issues_)
        if (i.error && i.part == part && i.row == row &&
            (column < 0 || i.column < 0 || i.column == column))
            return true;
    return false;
}

void MachineEditSession::edit(int parts, const std::function<void(MachineDraft&)>& fn,
                              QObject* origin) {
    fn(draft_);
    issues_ = draft_.issues();
    emit changed(parts, origin);
}

void MachineEditSession::load(MachineDraft d, DraftSource source) {
    draft_ = std::move(d);
    source_ = std::move(source);
    keep_steps_ = source_.steps > 0;
    issues_ = draft_.issues();
    emit changed(AllParts, nullptr);
}

bool MachineEditSession::loadFile(const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("cannot read %1").arg(path);
        return false;
    }
    const QByteArray bytes = f.readAll();
    try {
        DraftSource src;
        MachineDraft d = draftFromScenario(bytes.toStdString(), path.toStdString(), &src);
        load(std::move(d), std::move(src));
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

void MachineEditSession::setKeepSteps(bool on) {
    if (on == keep_steps_) return;
    keep_steps_ = on;
    emit changed(ScenarioPart, nullptr);
}

nlohmann::ordered_json MachineEditSession::scenario() const {
    return scenarioJson(draft_, &source_, keep_steps_);
}

std::string MachineEditSession::scenarioText() const {
    return ui::scenarioText(scenario());
}

} // namespace mmsim::ui
