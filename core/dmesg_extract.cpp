// The lines the fidelity tests compare with the simulator's own output,
// picked out of a boot log or a qemu capture: see import_dmesg.h.
#include "core/dmesg_log.h"
#include "core/import_dmesg.h"

namespace mmsim {
namespace {

using dmesg::npos;
using dmesg::startsWith;

// A line free_area_init prints: the zone ranges, the node ranges, the
// "Initmem setup node" and "unavailable ranges" lines.
bool isBootLine(const std::string& m) {
    if (m == "Zone ranges:" || m == "Movable zone start for each node" ||
        m == "Early memory node ranges" || startsWith(m, "Initmem setup node ") ||
        (startsWith(m, "On node ") && m.find("unavailable ranges") != npos))
        return true;
    // "  DMA      [mem ...]", "  Normal   empty", "  node   0: [mem ...]", "  Node 0: 0x..."
    return startsWith(m, "  ") && m.size() > 2 && m[2] != ' ' &&
           (m.find(" [mem ") != npos || m.ends_with(" empty") || startsWith(m, "  Node "));
}

} // namespace

std::vector<std::string> extractBootLines(const std::string& logText) {
    dmesg::Log log = dmesg::splitLog(logText);
    std::vector<std::string> out;
    std::size_t first = npos, last = npos;
    for (std::size_t i = 0; i < log.lines.size(); ++i) {
        const std::string& m = log.lines[i].msg;
        if (m == "Zone ranges:" && first == npos) first = i;
        if (first != npos && (startsWith(m, "On node ") || startsWith(m, "Initmem setup node ")) &&
            isBootLine(m))
            last = i;
    }
    std::size_t after = first;
    if (first != npos) {
        if (last == npos) last = first;
        for (std::size_t i = first; i <= last; ++i)
            if (isBootLine(log.lines[i].msg)) out.push_back(log.lines[i].msg);
        after = last + 1;
    } else {
        after = 0;
    }
    for (std::size_t i = after; i < log.lines.size(); ++i) {
        const std::string& m = log.lines[i].msg;
        if (dmesg::isZonelistLine(m) || startsWith(m, "Policy zone:")) out.push_back(m);
    }
    return out;
}

std::vector<std::string> extractMemblockLines(const std::string& logText) {
    dmesg::Log log = dmesg::splitLog(logText);
    std::vector<std::string> out;
    for (const dmesg::LogLine& l : log.lines)
        if (dmesg::isMemblockLine(l.msg)) out.push_back(l.msg);
    return out;
}

std::map<std::string, std::string> extractProcSections(const std::string& logText) {
    std::map<std::string, std::string> out;
    std::string* cur = nullptr;
    for (const std::string& l : dmesg::rawLines(logText)) {
        if (startsWith(l, "=====")) {
            std::string name = l.substr(5);
            if (name == "END") break;
            cur = &out[name];
            cur->clear();
            continue;
        }
        if (cur) *cur += l + "\n";
    }
    return out;
}

} // namespace mmsim
