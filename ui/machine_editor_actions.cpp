#include "ui/machine_editor_actions.h"

#include "ui/machine_editor.h"
#include "ui/main_window.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>

namespace mmsim::ui {

MachineEditorDialog* openMachineEditor(MainWindow* window, const QString& scenario_path) {
    auto* dlg = new MachineEditorDialog(window);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    if (!scenario_path.isEmpty()) {
        QString error;
        if (!dlg->loadScenarioFile(scenario_path, &error)) {
            delete dlg;
            QMessageBox::warning(window, QObject::tr("Cannot edit the machine"),
                                 QObject::tr("The machine of %1 cannot be loaded:\n\n%2")
                                     .arg(QFileInfo(scenario_path).fileName(), error));
            return nullptr;
        }
    }
    QObject::connect(dlg, &MachineEditorDialog::saved, window, [window, dlg](const QString& p) {
        if (dlg->openAfterSave()) window->openScenario(p);
    });
    dlg->open();
    return dlg;
}

void addMachineEditorActions(MainWindow* window, QMenu* file) {
    QAction* create = file->addAction(QObject::tr("&New machine…"), window,
                                      [window] { openMachineEditor(window, QString()); });
    create->setObjectName("action-new-machine");
    create->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    create->setToolTip(QObject::tr("Build a machine (nodes, e820, command line, kernel) and save "
                                   "it as a scenario (Ctrl+Shift+N)"));
    QAction* edit = file->addAction(QObject::tr("&Edit machine…"), window, [window] {
        openMachineEditor(window, window->scenarioPath());
    });
    edit->setObjectName("action-edit-machine");
    edit->setToolTip(QObject::tr("Open the current scenario's machine in the machine editor"));
}

} // namespace mmsim::ui
