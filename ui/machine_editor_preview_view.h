// The machine editor's preview pane: what core made of the machine — the
// firmware and kernel e820 maps, the nodes and the zones on one address
// axis, the zones' sizes and watermarks, the nodes, and the kernel's own
// boot lines — or, while the machine is invalid, the last good preview
// dimmed under the reason.
#pragma once

#include "ui/machine_editor_preview.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTableView;

namespace mmsim::ui {

class AddressBar;
class NodesModel;
class ZonesModel;

class MachinePreviewView : public QWidget {
    Q_OBJECT
  public:
    explicit MachinePreviewView(QWidget* parent = nullptr);

    // A finished preview. A failed one keeps the last good picture, dimmed.
    void setPreview(const MachinePreviewPtr& p);
    // A newer preview is being computed.
    void setPending(bool pending);
    // The editor already knows the machine is invalid: no preview is asked
    // for; the last one stays, dimmed.
    void setStale(bool stale);

    const MachinePreviewPtr& preview() const { return shown_; }
    const MachinePreviewPtr& last() const { return last_; }
    ZonesModel* zonesModel() const { return zones_; }
    NodesModel* nodesModel() const { return nodes_; }
    AddressBar* addressBar() const { return bar_; }
    QString statusText() const;
    QString bootText() const;

  protected:
    void changeEvent(QEvent* e) override;

  private:
    void rebuild();
    void updateStatus();

    MachinePreviewPtr shown_; // the last good preview (what the tables show)
    MachinePreviewPtr last_;  // the last preview received, good or not
    bool pending_ = false;
    bool stale_ = false;
    QLabel* status_ = nullptr;
    AddressBar* bar_ = nullptr;
    QCheckBox* log_ = nullptr;
    QLabel* legend_ = nullptr;
    ZonesModel* zones_ = nullptr;
    NodesModel* nodes_ = nullptr;
    QTableView* zones_table_ = nullptr;
    QTableView* nodes_table_ = nullptr;
    QPlainTextEdit* boot_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QWidget* body_ = nullptr;
};

} // namespace mmsim::ui
