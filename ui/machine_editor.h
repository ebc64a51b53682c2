// The machine editor (File > New machine…, File > Edit machine…): build a
// machine without writing JSON — nodes with memory and CPUs, their
// distances, the firmware map, the kernel command line, the kernel profile
// and slab allocator — while a preview shows, on every edit, the nodes and
// zones core boots from it; save it as a scenario that mmsim-cli check and
// run accept, and open it in the main window.
//
// The editor checks what it can itself (sizes that do not parse,
// overlapping e820 entries, a SLIT that is not symmetric, classic SLAB on
// 6.12, a command line core's parser refuses) and then lets core have the
// last word: the preview loads and boots the very text Save would write,
// and Save stays disabled until core accepted exactly that text.
#pragma once

#include "ui/machine_editor_preview.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTimer;

namespace mmsim::ui {

class E820Page;
class KernelPage;
class MachineEditSession;
class MachinePreviewView;
class NodesPage;
class ScenarioPage;

class MachineEditorDialog : public QDialog {
    Q_OBJECT
  public:
    explicit MachineEditorDialog(QWidget* parent = nullptr);
    ~MachineEditorDialog() override;

    // Starts from a new 2-node machine.
    void newMachine();
    // Starts from the machine of a scenario file; false (and core's message)
    // when core refuses the file.
    bool loadScenarioFile(const QString& path, QString* error = nullptr);

    MachineEditSession* session() const { return session_; }
    NodesPage* nodesPage() const { return nodes_; }
    E820Page* e820Page() const { return e820_; }
    KernelPage* kernelPage() const { return kernel_; }
    ScenarioPage* scenarioPage() const { return scenario_; }
    MachinePreviewView* previewView() const { return preview_; }
    QTabWidget* tabs() const { return tabs_; }
    QPushButton* saveButton() const { return save_; }
    QCheckBox* openAfterSaveBox() const { return open_after_; }
    // Brings a page to front: nodes, e820, kernel, scenario.
    bool showPage(const QString& name);
    // The banner under the editor: the first problem, or that all is well.
    QString bannerText() const;

    // True once the preview shows the current machine (or the editor found
    // errors and no preview is due). Tests and screenshots wait for it.
    bool previewSettled() const;
    bool waitForPreview(int timeout_ms = 60000);
    // Whether core accepted exactly what Save would write.
    bool canSave() const;

    // Writes the scenario (atomically: a temporary file, then a rename).
    bool saveTo(const QString& path, QString* error = nullptr);
    // What Save does once it has a path: saveTo(), then saved() and close.
    bool finishSave(const QString& path, QString* error = nullptr);
    QString savedPath() const { return saved_path_; }
    bool openAfterSave() const;
    QString suggestedPath() const;

  signals:
    // Emitted after a successful save from the Save button.
    void saved(const QString& path);

  private:
    void onChanged();
    void startPreview();
    void onPreview(const MachinePreviewPtr& p);
    void updateBanner();
    void updateTitle();
    void saveDialog();
    void showProblem();

    MachineEditSession* session_ = nullptr;
    MachinePreviewRunner* runner_ = nullptr;
    QTimer* debounce_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    NodesPage* nodes_ = nullptr;
    E820Page* e820_ = nullptr;
    KernelPage* kernel_ = nullptr;
    ScenarioPage* scenario_ = nullptr;
    MachinePreviewView* preview_ = nullptr;
    QSplitter* split_ = nullptr;
    QLabel* banner_icon_ = nullptr;
    QLabel* banner_ = nullptr;
    QWidget* banner_box_ = nullptr;
    QLabel* transient_ = nullptr;
    QTimer* transient_timer_ = nullptr;
    QPushButton* save_ = nullptr;
    QCheckBox* open_after_ = nullptr;
    std::string requested_text_; // the text of the last preview request
    MachinePreviewPtr current_;  // the preview of requested_text_, once delivered
    QString problem_pointer_;    // where the banner's problem is (for "Show")
    QString saved_path_;
};

} // namespace mmsim::ui
