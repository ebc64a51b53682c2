// The machine editor's document: the draft being edited, where it came
// from, and what is wrong with it. Every change goes through edit(), which
// re-checks the draft and tells the item models and pages (changed()); the
// model that made a change passes itself as origin, having announced the
// change to its views already.
#pragma once

#include "ui/machine_editor_draft.h"
#include "ui/machine_editor_json.h"

#include <QObject>
#include <QString>

#include <functional>

namespace mmsim::ui {

class MachineEditSession : public QObject {
    Q_OBJECT
  public:
    enum Part {
        ScenarioPart = 1,
        NodesPart = 2,
        DistancePart = 4,
        E820Part = 8,
        CmdlinePart = 16,
        KernelPart = 32,
        AllParts = 63
    };
    static int partBit(DraftPart p);

    explicit MachineEditSession(QObject* parent = nullptr);

    const MachineDraft& draft() const { return draft_; }
    const DraftSource& source() const { return source_; }
    const std::vector<DraftIssue>& issues() const { return issues_; }
    bool hasErrors() const;
    // The messages about one table cell or row (column -1: the row), joined.
    QString issueText(DraftPart part, int row, int column = -1) const;
    // Errors only, for colouring.
    bool hasError(DraftPart part, int row, int column = -1) const;

    // Applies fn to the draft, re-checks it and emits changed(parts, origin).
    void edit(int parts, const std::function<void(MachineDraft&)>& fn, QObject* origin = nullptr);
    // A new machine, or one loaded from a scenario.
    void load(MachineDraft d, DraftSource source = {});
    // Loads the machine of a scenario file. On error returns false and sets
    // *error to core's message.
    bool loadFile(const QString& path, QString* error);

    bool keepSteps() const { return keep_steps_; }
    void setKeepSteps(bool on);

    // The scenario as it would be saved.
    nlohmann::ordered_json scenario() const;
    std::string scenarioText() const;

    // Tells the dialog that an edit was refused (a cell that does not parse).
    void reject(const QString& why) { emit rejected(why); }

  signals:
    void changed(int parts, QObject* origin);
    void rejected(const QString& why);

  private:
    void recheck();
    MachineDraft draft_;
    DraftSource source_;
    std::vector<DraftIssue> issues_;
    bool keep_steps_ = false;
};

} // namespace mmsim::ui
