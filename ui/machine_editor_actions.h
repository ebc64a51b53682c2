// File > New machine… (Ctrl+Shift+N) and File > Edit machine…: the main
// window's way into the machine editor (ui/machine_editor.h). A saved
// machine is opened in the main window when the editor's "open after
// saving" box is checked.
#pragma once

class QMenu;
class QString;

namespace mmsim::ui {

class MachineEditorDialog;
class MainWindow;

// Appends the two actions to 'file'.
void addMachineEditorActions(MainWindow* window, QMenu* file);
// Opens the editor on a new machine, or on the machine of 'scenario_path'
// (empty: a new machine). Returns the dialog (deleted when closed), or
// nullptr when the scenario cannot be loaded (the window shows why).
MachineEditorDialog* openMachineEditor(MainWindow* window, const QString& scenario_path);

} // namespace mmsim::ui
