// The Breakpoints dock: the list of breakpoints a Run stops at, in the text
// form mmsim-cli run --break takes (core/breakpoint.h): on an event kind
// (pageblock steal, allocation failure, slab discard, zone below its low or
// min watermark, per-CPU list drain, or any micro-event by name), on a step
// label or number, on a condition over a zone, a slab cache or a plain
// value. A template menu fills the entry; a spec that does not parse shows
// why and the list stays as it was. Each breakpoint can be switched off;
// the list is kept per scenario in QSettings. The hit one is marked, and so
// is one that can never hit on this scenario and machine (with why).
#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace mmsim::ui {

class BreakpointsDock : public QWidget {
    Q_OBJECT
  public:
    explicit BreakpointsDock(QWidget* parent = nullptr);

    // The scenario whose list is shown: loads the saved list (when
    // persistence is on) and offers its labels as templates.
    void setScenario(const QString& path, const QStringList& labels);
    // Keeps the list in QSettings (off: tests and screenshots).
    void setPersist(bool on) { persist_ = on; }

    // Adds a breakpoint (enabled). A spec that does not parse is not added:
    // returns false with the reason in *error and on screen.
    bool addBreakpoint(const QString& spec, QString* error = nullptr);
    void removeBreakpoint(int row);
    void clearBreakpoints();
    void setBreakpointEnabled(int row, bool on);
    int count() const;
    QStringList specs() const;
    // Enabled ones in list order: what the controller gets.
    QStringList enabledSpecs() const;
    QString errorText() const;
    // A run stopped at enabledSpecs()[enabled_index].
    void markHit(int enabled_index, int step, int event);
    // Marks the breakpoints that can never hit, with why (problems[i] for
    // specs[i]; "" when it can); rows not named are unmarked.
    void setProblems(const QStringList& specs, const QStringList& problems);
    // Why the breakpoint of this row can never hit ("" when it can).
    QString problem(int row) const;
    // The row marked as hit last (-1: none).
    int hitRow() const { return hit_row_; }
    QLineEdit* entry() const { return entry_; }
    QComboBox* templates() const { return templates_; }
    QTreeWidget* list() const { return list_; }

    // QSettings key of a scenario's list.
    static QString settingsKey(const QString& scenario_path);

  signals:
    // The enabled breakpoints changed.
    void breakpointsChanged(const QStringList& enabled);

  private:
    void addFromEntry();
    void fillTemplates(const QStringList& labels);
    void changed();
    void save() const;
    void showError(const QString& error);
    QTreeWidgetItem* makeItem(const QString& spec, bool on);

    QComboBox* templates_ = nullptr;
    QLineEdit* entry_ = nullptr;
    QPushButton* add_ = nullptr;
    QLabel* error_ = nullptr;
    QTreeWidget* list_ = nullptr;
    QPushButton* remove_ = nullptr;
    QPushButton* clear_ = nullptr;
    QString path_;
    bool persist_ = false;
    bool loading_ = false;
    int hit_row_ = -1;
};

} // namespace mmsim::ui
