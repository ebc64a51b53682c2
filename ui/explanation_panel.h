// The right dock: what the current step did (its operation, arguments and
// note), what the allocator did in plain words (core/explain), the micro-
// event selected in the event log, and the kernel lines the step printed;
// a refused step shows why.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

class QLabel;

namespace mmsim::ui {

class DiffTextView;

class ExplanationPanel : public QWidget {
    Q_OBJECT
  public:
    explicit ExplanationPanel(QWidget* parent = nullptr);
    void setScenario(const ScenarioInfo& info);
    void setSnapshot(const SnapshotPtr& snap);
    void showRefusal(const QString& message);
    // A run stopped at a breakpoint: which one, where, and any detail (a
    // condition's zone); an event hit is told by the micro-event below.
    void showBreakpoint(const QString& spec, const QString& what, int step, int event);
    QString breakpointText() const;
    // The micro-event selected in the event log (nullptr: none).
    void showMicroEvent(const EventSnap* e, int row);
    QString allocatorText() const;
    QString eventText() const;
    QString logText() const;

  private:
    ScenarioInfo info_;
    QLabel* heading_ = nullptr;
    QLabel* body_ = nullptr;
    QLabel* error_ = nullptr;
    QLabel* break_ = nullptr;
    QLabel* story_title_ = nullptr;
    QLabel* story_ = nullptr;
    QWidget* story_scroll_ = nullptr;
    QLabel* event_ = nullptr;
    QLabel* log_title_ = nullptr;
    DiffTextView* log_ = nullptr;
};

} // namespace mmsim::ui
