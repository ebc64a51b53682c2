// The first main window: the scenario's steps on the left, the kernel's
// views as tabs in the centre, step / run / reset controls. It observes a
// core::Simulation and never decides allocator behaviour itself.
#pragma once

#include "core/simulation.h"

#include <QMainWindow>

#include <map>
#include <memory>

class QListWidget;
class QPlainTextEdit;
class QTabWidget;
class QLabel;

namespace mmsim::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Loads a scenario; on bad input shows the error and keeps the current
    // scenario. Returns false on error (the message is in lastError()).
    bool openScenario(const QString& path, bool interactive = true);
    const QString& lastError() const { return last_error_; }
    void stepForward();
    void runToEnd();
    void resetScenario();
    void showView(const QString& name);
    const mmsim::Simulation* simulation() const { return sim_.get(); }
    QString viewText(const QString& name) const;

private:
    void buildUi();
    void refresh();

    std::unique_ptr<mmsim::Simulation> sim_;
    QString path_;
    QString last_error_;
    QListWidget* steps_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    std::map<QString, QPlainTextEdit*> views_;
    QLabel* status_ = nullptr;
};

} // namespace mmsim::ui
