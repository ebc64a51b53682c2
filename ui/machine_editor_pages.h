// The machine editor's pages, one tab each: the nodes and their
// distances, the firmware map, the kernel (profile, slab allocator,
// command line), and the scenario around the machine (title,
// description, the steps kept from the scenario being edited). Each page
// edits the shared MachineEditSession and follows its changes.
#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace mmsim::ui {

class EditorDistanceModel;
class EditorE820Model;
class EditorNodesModel;
class MachineEditSession;

class NodesPage : public QWidget {
    Q_OBJECT
  public:
    explicit NodesPage(MachineEditSession* session, QWidget* parent = nullptr);
    EditorNodesModel* nodesModel() const { return nodes_; }
    EditorDistanceModel* distanceModel() const { return distance_; }
    QTableView* nodesTable() const { return nodes_table_; }
    QTableView* distanceTable() const { return distance_table_; }
    QCheckBox* bothWaysBox() const { return both_ways_; }
    QPushButton* addButton() const { return add_; }
    QPushButton* removeButton() const { return remove_; }

  private:
    void refresh();
    MachineEditSession* session_;
    EditorNodesModel* nodes_ = nullptr;
    EditorDistanceModel* distance_ = nullptr;
    QTableView* nodes_table_ = nullptr;
    QTableView* distance_table_ = nullptr;
    QPushButton* add_ = nullptr;
    QPushButton* remove_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* custom_ = nullptr;
    QCheckBox* srat_ = nullptr;
    QCheckBox* both_ways_ = nullptr;
};

class E820Page : public QWidget {
    Q_OBJECT
  public:
    explicit E820Page(MachineEditSession* session, QWidget* parent = nullptr);
    EditorE820Model* model() const { return model_; }
    QTableView* table() const { return table_; }
    int currentRow() const;

  private:
    void splitDialog();
    MachineEditSession* session_;
    EditorE820Model* model_ = nullptr;
    QTableView* table_ = nullptr;
    QLabel* summary_ = nullptr;
};

class KernelPage : public QWidget {
    Q_OBJECT
  public:
    explicit KernelPage(MachineEditSession* session, QWidget* parent = nullptr);
    QComboBox* profileBox() const { return profile_; }
    QComboBox* slabBox() const { return slab_; }
    QLineEdit* cmdlineEdit() const { return cmdline_; }
    QLineEdit* optionEdit(const QString& key) const;
    QLabel* cmdlineError() const { return error_; }

  private:
    void refresh();
    void optionEdited(const QString& key, const QString& text);
    MachineEditSession* session_;
    QComboBox* profile_ = nullptr;
    QComboBox* slab_ = nullptr;
    QLineEdit* cmdline_ = nullptr;
    QLineEdit* movablecore_ = nullptr;
    QLineEdit* kernelcore_ = nullptr;
    QLineEdit* mem_ = nullptr;
    QLineEdit* memmap_ = nullptr;
    QLabel* error_ = nullptr;
};

class ScenarioPage : public QWidget {
    Q_OBJECT
  public:
    explicit ScenarioPage(MachineEditSession* session, QWidget* parent = nullptr);
    QLineEdit* titleEdit() const { return title_; }
    QPlainTextEdit* descriptionEdit() const { return description_; }
    QCheckBox* keepStepsBox() const { return keep_; }

  private:
    void refresh();
    MachineEditSession* session_;
    QLineEdit* title_ = nullptr;
    QPlainTextEdit* description_ = nullptr;
    QCheckBox* keep_ = nullptr;
    QLabel* source_ = nullptr;
};

} // namespace mmsim::ui
