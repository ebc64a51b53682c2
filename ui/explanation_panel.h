// The right dock: what the current step did (its operation, arguments and
// note) and the kernel lines it printed; a refused step shows why.
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
    QString logText() const;

  private:
    ScenarioInfo info_;
    QLabel* heading_ = nullptr;
    QLabel* body_ = nullptr;
    QLabel* error_ = nullptr;
    QLabel* log_title_ = nullptr;
    DiffTextView* log_ = nullptr;
};

} // namespace mmsim::ui
