#include "ui/proc_view.h"

#include "core/report.h"
#include "ui/diff_text_view.h"

#include <QTabWidget>
#include <QVBoxLayout>

namespace mmsim::ui {

namespace {
QString tabTip(const QString& name) {
    static const std::map<QString, QString> tips = {
        {"e820", QObject::tr("The firmware map as the kernel prints it (BIOS-e820 lines)")},
        {"memblock", QObject::tr("memblock's arrays as memblock_dump_all prints them")},
        {"boot", QObject::tr("Zone ranges, early node map, zonelists: the boot lines")},
        {"iomem", QObject::tr("/proc/iomem: the physical address space")},
        {"zoneinfo", QObject::tr("/proc/zoneinfo: spans, watermarks, protection, counters")},
        {"buddyinfo", QObject::tr("/proc/buddyinfo: free blocks per order and zone")},
        {"unusable_index",
         QObject::tr("/sys/kernel/debug/extfrag/unusable_index: free memory unusable per order")},
        {"extfrag_index",
         QObject::tr("/sys/kernel/debug/extfrag/extfrag_index: why an allocation would fail")},
        {"dmesg", QObject::tr("Every kernel line printed so far")}};
    auto it = tips.find(name);
    return it == tips.end() ? QString() : it->second;
}
} // namespace

ProcView::ProcView(QWidget* parent) : QWidget(parent) {
    auto* lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    tabs_ = new QTabWidget(this);
    tabs_->setDocumentMode(true);
    for (const std::string& v : mmsim::viewNames()) {
        const QString name = QString::fromStdString(v);
        auto* edit = new DiffTextView(tabs_);
        edit->setObjectName("proc-" + name);
        views_[name] = edit;
        const int i = tabs_->addTab(edit, name);
        tabs_->setTabToolTip(i, tabTip(name));
    }
    lay->addWidget(tabs_);
}

void ProcView::setSnapshot(const SnapshotPtr& snap) {
    if (!snap || snap->serial == last_serial_) return;
    last_serial_ = snap->serial;
    for (auto& [name, edit] : views_) {
        const bool available = snap->view_available.count(name) && snap->view_available.at(name);
        const int changed = edit->setTextDiff(snap->view(name), available);
        const int i = tabs_->indexOf(edit);
        tabs_->setTabText(i, changed > 0 ? name + QStringLiteral(" •") : name);
    }
}

QString ProcView::text(const QString& name) const {
    auto it = views_.find(name);
    return it == views_.end() ? QString() : it->second->toPlainText();
}

bool ProcView::showView(const QString& name) {
    auto it = views_.find(name);
    if (it == views_.end()) return false;
    tabs_->setCurrentWidget(it->second);
    return true;
}

QStringList ProcView::viewNames() const {
    QStringList out;
    for (const auto& kv : views_)
        out << kv.first;
    return out;
}

DiffTextView* ProcView::textView(const QString& name) const {
    auto it = views_.find(name);
    return it == views_.end() ? nullptr : it->second;
}

} // namespace mmsim::ui
