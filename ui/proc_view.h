// The /proc tab: one monospace sub-tab per core view (e820, memblock, boot,
// iomem, zoneinfo, buddyinfo, ...), the lines that changed since the
// previous step highlighted and the tab marked.
#pragma once

#include "ui/snapshot.h"

#include <QWidget>

#include <map>

class QTabWidget;

namespace mmsim::ui {

class DiffTextView;

class ProcView : public QWidget {
    Q_OBJECT
  public:
    explicit ProcView(QWidget* parent = nullptr);
    void setSnapshot(const SnapshotPtr& snap);
    QString text(const QString& name) const;
    bool showView(const QString& name);
    QStringList viewNames() const;
    DiffTextView* textView(const QString& name) const;

  private:
    QTabWidget* tabs_ = nullptr;
    std::map<QString, DiffTextView*> views_;
    std::uint64_t last_serial_ = 0;
};

} // namespace mmsim::ui
