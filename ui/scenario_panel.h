// The left dock: the scenario's title and description (Markdown), its
// steps with the current one highlighted, and the current step's note.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QTextBrowser;

namespace mmsim::ui {

class ScenarioPanel : public QWidget {
    Q_OBJECT
  public:
    explicit ScenarioPanel(QWidget* parent = nullptr);
    void setScenario(const ScenarioInfo& info);
    void setSnapshot(const SnapshotPtr& snap);
    QListWidget* stepList() const { return steps_; }
    int currentStep() const { return current_; }

  private:
    ScenarioInfo info_;
    QLabel* title_ = nullptr;
    QTextBrowser* description_ = nullptr;
    QListWidget* steps_ = nullptr;
    QLabel* note_ = nullptr;
    int current_ = -1;
};

} // namespace mmsim::ui
