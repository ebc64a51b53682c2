#include "ui/machine_lanes.h"

#include "ui/format.h"
#include "ui/numa_models.h"
#include "ui/theme.h"

#include <QCoreApplication>

namespace mmsim::ui {

namespace {
QString tr(const char* s) {
    return QCoreApplication::translate("MachineView", s);
}
} // namespace

AddressLane e820Lane(const QString& name, const std::vector<E820Row>& rows, bool dark) {
    AddressLane l;
    l.name = name;
    for (const E820Row& r : rows)
        l.segments.push_back({r.addr, r.end(), e820Color(r.type, dark), r.type_name,
                              tr("e820 type %1").arg(r.type)});
    return l;
}

AddressLane nodeLane(const std::vector<NodeSnap>& nodes, bool dark) {
    AddressLane l;
    l.name = tr("nodes");
    for (const NodeSnap& n : nodes) {
        if (!n.spanned) continue;
        const QColor c = (n.nid % 2) ? (dark ? QColor(0x4a, 0x4e, 0x58) : QColor(0xd0, 0xd4, 0xdc))
                                     : (dark ? QColor(0x3a, 0x3d, 0x44) : QColor(0xe2, 0xe5, 0xea));
        l.segments.push_back(
            {n.start_pfn * 4096, (n.start_pfn + n.spanned) * 4096, c, tr("node %1").arg(n.nid),
             tr("CPUs %1, %2 present").arg(cpuListText(n.cpus), pagesSize(n.present))});
    }
    return l;
}

} // namespace mmsim::ui
