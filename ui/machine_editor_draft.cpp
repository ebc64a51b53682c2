#include "ui/machine_editor_draft.h"

#include "core/cmdline.h"
#include "core/memparse.h"
#include "core/strfmt.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace mmsim::ui {

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kMiB = 1ull << 20;
// The editor's ceiling: the simulation keeps state for every page, so the
// preview of a bigger machine would take too long to be live.
constexpr std::uint64_t kMaxRam = 4ull << 40;
constexpr int kMaxCpus = 1024; // machine.cpus
constexpr int kLocalDistance = 10, kRemoteDistance = 20;

std::string nodeName(const DraftNode& n) {
    return "node " + std::to_string(n.id);
}

} // namespace

std::string hexText(std::uint64_t v) {
    return strprintf("%#llx", static_cast<unsigned long long>(v));
}

std::string sizeText(std::uint64_t bytes) {
    if (bytes == 0) return "0";
    static const char suffix[] = {'K', 'M', 'G', 'T', 'P', 'E'};
    int best = -1;
    for (int i = 0; i < 6; ++i)
        if (bytes % (1ull << (10 * (i + 1))) == 0) best = i;
    if (best < 0) return hexText(bytes);
    return std::to_string(bytes >> (10 * (best + 1))) + suffix[best];
}

std::string e820TypeKey(std::uint32_t type) {
    for (const auto& [name, num] : e820Types())
        if (num == type) return std::string(name);
    return std::to_string(type);
}

MachineDraft MachineDraft::newMachine() {
    MachineDraft d;
    d.title = "My machine";
    d.description = "A qemu-like PC built with the machine editor.";
    for (int i = 0; i < 2; ++i) {
        DraftNode n;
        n.id = i;
        n.memory = 1ull << 30;
        n.memory_text = "1G";
        n.cpus = 1;
        d.nodes.push_back(n);
    }
    d.distance = {{kLocalDistance, kRemoteDistance}, {kRemoteDistance, kLocalDistance}};
    d.relayout();
    d.generateE820();
    d.cmdline = "console=ttyS0";
    return d;
}

std::uint64_t MachineDraft::totalMemory() const {
    std::uint64_t t = 0;
    for (const DraftNode& n : nodes)
        if (n.memory) t += std::min(*n.memory, kMaxRam * 2); // no wrap-around
    return t;
}

bool MachineDraft::memoryParses() const {
    return std::all_of(nodes.begin(), nodes.end(), [](const DraftNode& n) { return n.memory; });
}

bool MachineDraft::setNodeMemory(std::size_t i, const std::string& text) {
    DraftNode& n = nodes.at(i);
    n.memory_text = text;
    const ParsedSize p = memparseDetailed(text);
    n.memory = p.value;
    n.memory_why = p.value ? std::string() : p.why;
    if (!p.value) return false;
    custom_ranges = false;
    relayout();
    return true;
}

void MachineDraft::setNodeCpus(std::size_t i, int cpus) {
    nodes.at(i).cpus = std::max(0, cpus);
    custom_cpus = false;
    relayout();
}

void MachineDraft::addNode() {
    DraftNode n;
    for (const DraftNode& o : nodes)
        n.id = std::max(n.id, o.id + 1);
    if (!nodes.empty()) {
        n.memory = nodes.back().memory;
        n.memory_text = nodes.back().memory_text;
        n.memory_why = nodes.back().memory_why;
    } else {
        n.memory = 1ull << 30;
        n.memory_text = "1G";
    }
    n.cpus = 1;
    nodes.push_back(n);
    for (std::vector<int>& row : distance)
        row.push_back(kRemoteDistance);
    distance.emplace_back(nodes.size(), kRemoteDistance);
    distance.back().back() = kLocalDistance;
    custom_ranges = false;
    custom_cpus = false;
    srat = true;
    relayout();
}

void MachineDraft::removeNode(std::size_t i) {
    if (i >= nodes.size() || nodes.size() == 1) return;
    nodes.erase(nodes.begin() + static_cast<long>(i));
    if (i < distance.size()) distance.erase(distance.begin() + static_cast<long>(i));
    for (std::vector<int>& row : distance)
        if (i < row.size()) row.erase(row.begin() + static_cast<long>(i));
    custom_ranges = false;
    custom_cpus = false;
    relayout();
}

void MachineDraft::relayout() {
    if (!custom_ranges && memoryParses()) {
        std::vector<std::uint64_t> sizes;
        for (const DraftNode& n : nodes)
            sizes.push_back(*n.memory);
        // Only a layout the checks accept is laid out; otherwise the ranges
        // stay as they were until the sizes make sense again.
        const bool first_ok = !sizes.empty() && sizes.front() > qemu::kLegacyEnd;
        if (first_ok && totalMemory() <= kMaxRam) {
            const auto ranges = qemuNodeRanges(sizes);
            for (std::size_t i = 0; i < nodes.size(); ++i)
                nodes[i].ranges = ranges[i];
        }
    }
    if (!custom_cpus) {
        int next = 0;
        for (DraftNode& n : nodes) {
            n.cpu_ids.clear();
            for (int c = 0; c < n.cpus && next < kMaxCpus * 4; ++c)
                n.cpu_ids.push_back(next++);
        }
        total_cpus = next;
    }
}

void MachineDraft::setDistance(std::size_t i, std::size_t j, int value, bool symmetric) {
    if (i >= distance.size() || j >= distance[i].size()) return;
    distance[i][j] = value;
    if (symmetric && j < distance.size() && i < distance[j].size()) distance[j][i] = value;
}

void MachineDraft::generateE820() {
    const std::uint64_t ram = totalMemory();
    if (ram < kMinRam || ram > kMaxRam) return;
    e820 = qemuE820(ram);
}

bool MachineDraft::splitE820(std::size_t i, std::uint64_t addr) {
    if (i >= e820.size()) return false;
    E820EntrySpec& e = e820[i];
    if (addr <= e.addr || addr - e.addr >= e.size) return false;
    E820EntrySpec tail{addr, e.size - (addr - e.addr), e.type};
    e.size = addr - e.addr;
    e820.insert(e820.begin() + static_cast<long>(i) + 1, tail);
    return true;
}

void MachineDraft::addE820(std::size_t at, E820EntrySpec e) {
    at = std::min(at, e820.size());
    e820.insert(e820.begin() + static_cast<long>(at), e);
}

void MachineDraft::removeE820(std::size_t i) {
    if (i < e820.size()) e820.erase(e820.begin() + static_cast<long>(i));
}

bool MachineDraft::distanceSymmetric() const {
    for (std::size_t i = 0; i < distance.size(); ++i)
        for (std::size_t j = i + 1; j < distance[i].size(); ++j)
            if (j < distance.size() && i < distance[j].size() && distance[j][i] != distance[i][j])
                return false;
    return true;
}

std::vector<DraftIssue> MachineDraft::issues() const {
    std::vector<DraftIssue> out;
    auto error = [&](DraftPart p, int row, std::string msg, int col = -1) {
        out.push_back({p, row, col, std::move(msg), true});
    };
    auto warn = [&](DraftPart p, int row, std::string msg, int col = -1) {
        out.push_back({p, row, col, std::move(msg), false});
    };

    // Nodes.
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const DraftNode& n = nodes[i];
        const int r = static_cast<int>(i);
        if (!n.memory) {
            error(DraftPart::Nodes, r,
                  nodeName(n) + " memory: \"" + n.memory_text +
                      "\" does not parse: " + n.memory_why);
            continue;
        }
        if (*n.memory % kPage)
            error(DraftPart::Nodes, r,
                  nodeName(n) + " memory " + n.memory_text + " (" + std::to_string(*n.memory) +
                      " bytes) is not a whole number of 4 KiB pages");
        if (*n.memory > kMaxRam)
            error(DraftPart::Nodes, r,
                  nodeName(n) + " memory " + n.memory_text +
                      " is more than the editor builds (4T for the whole machine)");
    }
    if (memoryParses() && !custom_ranges) {
        const std::uint64_t total = totalMemory();
        if (!nodes.empty() && *nodes.front().memory <= qemu::kLegacyEnd)
            error(DraftPart::Nodes, 0,
                  nodeName(nodes.front()) +
                      " needs more than 1M of memory: the first node holds the legacy first "
                      "megabyte (640K of low RAM, the video hole and the BIOS)");
        else if (total > kMaxRam)
            error(DraftPart::Nodes, -1,
                  "the nodes hold " + sizeText(total) +
                      " in all; the editor builds machines up to 4T (the simulation keeps "
                      "state for every page)");
    }
    if (total_cpus < 1)
        error(DraftPart::Nodes, -1, "the machine has no CPU: give a node at least one");
    else if (total_cpus > kMaxCpus)
        error(DraftPart::Nodes, -1,
              "the machine has " + std::to_string(total_cpus) + " CPUs; at most 1024");
    if (nodes.size() > 1 || srat) {
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i].ranges.empty() && nodes[i].cpu_ids.empty())
                warn(DraftPart::Nodes, static_cast<int>(i),
                     nodeName(nodes[i]) + " has neither memory nor CPUs: the kernel never "
                                          "brings it online");
    }

    // Distances (the SLIT): 10 on the diagonal, 11..255 elsewhere (the
    // kernel's slit_valid()). Nothing asks for the same both ways: the
    // kernel keeps each entry as the firmware gives it (numa_set_distance),
    // and real SLITs are sometimes asymmetric; say so, as a note.
    for (std::size_t i = 0; i < distance.size(); ++i) {
        for (std::size_t j = 0; j < distance[i].size(); ++j) {
            const int v = distance[i][j];
            const int r = static_cast<int>(i), c = static_cast<int>(j);
            const std::string from = std::to_string(nodes[i].id), to = std::to_string(nodes[j].id);
            if (i == j && v != kLocalDistance)
                error(DraftPart::Distance, r,
                      "distance from node " + from + " to itself must be 10 (LOCAL_DISTANCE)", c);
            else if (i != j && (v <= kLocalDistance || v > 255))
                error(DraftPart::Distance, r,
                      "distance " + std::to_string(v) + " from node " + from + " to node " + to +
                          " is invalid: remote distances are 11..255 (the kernel ignores a "
                          "SLIT with a remote distance of 10 or less)",
                      c);
            else if (j > i && j < distance.size() && i < distance[j].size() && distance[j][i] != v)
                warn(DraftPart::Distance, r,
                     "the distance matrix is not symmetric: node " + from + " to node " + to +
                         " is " + std::to_string(v) + " but node " + to + " to node " + from +
                         " is " + std::to_string(distance[j][i]) +
                         " (the kernel keeps both; each node orders its zonelist by its own row)",
                     c);
        }
    }

    // The firmware map.
    if (e820.empty()) error(DraftPart::E820, -1, "the e820 map is empty: add an entry");
    std::vector<std::size_t> order(e820.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return e820[a].addr < e820[b].addr; });
    std::uint64_t usable = 0;
    for (std::size_t i = 0; i < e820.size(); ++i) {
        const E820EntrySpec& e = e820[i];
        const int r = static_cast<int>(i);
        if (e.size == 0)
            error(DraftPart::E820, r, "e820 entry " + std::to_string(i) + " is empty (size 0)");
        else if (e.size - 1 > ~0ull - e.addr)
            error(DraftPart::E820, r,
                  "e820 entry " + std::to_string(i) + " runs past the end of the 64-bit space");
        if (e.type == 1) {
            usable += e.size;
            // Below 1M the kernel trims the legacy area anyway (the usual
            // 0x9fc00 end of low RAM is no news).
            if (e.size && e.addr >= kMiB && (e.addr % kPage || e.size % kPage))
                warn(DraftPart::E820, r,
                     "usable e820 entry " + std::to_string(i) + " [" + hexText(e.addr) + ", " +
                         hexText(e.addr + e.size) +
                         ") is not page aligned: the kernel drops its partial pages");
        }
    }
    for (std::size_t k = 1; k < order.size(); ++k) {
        const E820EntrySpec& a = e820[order[k - 1]];
        const E820EntrySpec& b = e820[order[k]];
        if (a.size && b.size && b.addr - a.addr < a.size)
            error(DraftPart::E820, static_cast<int>(std::max(order[k - 1], order[k])),
                  "e820 entries " + std::to_string(std::min(order[k - 1], order[k])) + " and " +
                      std::to_string(std::max(order[k - 1], order[k])) + " overlap at " +
                      hexText(b.addr) + ": split or shorten one of them");
    }
    if (!e820.empty() && usable < kMiB)
        error(DraftPart::E820, -1,
              "the e820 map has less than 1M of usable RAM: the kernel cannot boot");
    if (memoryParses() && !custom_ranges && usable && totalMemory() >= kMinRam &&
        totalMemory() <= kMaxRam && ramOfE820(e820) != totalMemory())
        warn(DraftPart::E820, -1,
             "the usable RAM in e820 (" + sizeText(ramOfE820(e820)) +
                 " as qemu would count it) differs from the nodes' " + sizeText(totalMemory()) +
                 ": \"Generate from nodes\" makes them agree");

    // Command line: what core's parser accepts.
    try {
        (void)parseCmdline(cmdline);
    } catch (const std::invalid_argument& e) {
        error(DraftPart::Cmdline, -1, std::string("kernel command line: ") + e.what());
    }

    // Kernel profile.
    if (slab == "slab" && version != "6.1")
        error(DraftPart::Kernel, -1,
              "classic SLAB was removed in Linux 6.8: choose SLUB, or the 6.1 profile");

    std::stable_partition(out.begin(), out.end(), [](const DraftIssue& i) { return i.error; });
    return out;
}

} // namespace mmsim::ui
