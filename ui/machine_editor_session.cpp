#include "ui/machine_editor_session.h"

#include "core/error.h"

#include <QFile>

#include <algorithm>

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
    recheck();
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

namespace {

// The highest "cpu" any object inside v names, or -1.
long highestCpu(const nlohmann::ordered_json& v) {
    long best = -1;
    if (v.is_object()) {
        for (const auto& [key, x] : v.items()) {
            if (key == "cpu" && x.is_number_integer()) best = std::max(best, x.get<long>());
            best = std::max(best, highestCpu(x));
        }
    } else if (v.is_array()) {
        for (const auto& x : v)
            best = std::max(best, highestCpu(x));
    }
    return best;
}

} // namespace

void MachineEditSession::recheck() {
    issues_ = draft_.issues();
    // Kept steps that name a CPU the machine no longer has would be refused
    // when they run (mmsim-cli check exits 2): an error here.
    if (keep_steps_ && !source_.isNew() && source_.document.contains("steps")) {
        const auto& steps = source_.document["steps"];
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const long cpu = highestCpu(steps[i]);
            if (cpu >= draft_.total_cpus) {
                issues_.insert(issues_.begin(),
                               DraftIssue{DraftPart::Scenario, -1, -1,
                                          "kept step " + std::to_string(i) + " runs on CPU " +
                                              std::to_string(cpu) + " but the machine has " +
                                              std::to_string(draft_.total_cpus) +
                                              " CPU(s): add CPUs, or do not keep the steps",
                                          true});
                break;
            }
        }
    }
}

void MachineEditSession::edit(int parts, const std::function<void(MachineDraft&)>& fn,
                              QObject* origin) {
    fn(draft_);
    recheck();
    emit changed(parts, origin);
}

void MachineEditSession::load(MachineDraft d, DraftSource source) {
    draft_ = std::move(d);
    source_ = std::move(source);
    keep_steps_ = source_.steps > 0;
    recheck();
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
    recheck();
    emit changed(ScenarioPart, nullptr);
}

nlohmann::ordered_json MachineEditSession::scenario() const {
    return scenarioJson(draft_, &source_, keep_steps_);
}

std::string MachineEditSession::scenarioText() const {
    return ui::scenarioText(scenario());
}

} // namespace mmsim::ui
