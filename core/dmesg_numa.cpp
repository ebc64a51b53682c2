// What the kernel does for NUMA without printing it, as the dmesg importer
// puts it back: numa_init's reset and numa_cleanup_meminfo's clean-up of the
// SRAT blocks (checked against the "NUMA: Node N [mem ...] + [mem ...]"
// merge lines) before the node assignment, and the zonelist order
// build_zonelists prints ("Fallback order for Node"), from which a distance
// table is chosen when the SLIT is not in the log.
#include "core/dmesg_importer.h"

#include "core/types.h"

#include <algorithm>
#include <climits>

namespace mmsim::dmesg {
namespace {

struct Blk {
    u64 start, end;
    int nid;
};

// numa_cleanup_meminfo(): trim to [low, high), drop blocks without memory,
// merge same-node blocks with no other node's block in between. Returns
// false when blocks of different nodes overlap (the kernel gives up).
bool cleanupMeminfo(std::vector<Blk>& mi, const RangeSet& memory, u64 low, u64 high,
                    std::vector<MergeLine>& merges) {
    for (std::size_t i = 0; i < mi.size();) {
        Blk& b = mi[i];
        if (!memory.overlaps(b.start, b.end)) {
            mi.erase(mi.begin() + static_cast<long>(i));
            continue;
        }
        b.start = std::max(b.start, low);
        if (b.end > high) b.end = high;
        if (b.start >= b.end) {
            mi.erase(mi.begin() + static_cast<long>(i));
            continue;
        }
        ++i;
    }
    for (std::size_t i = 0; i < mi.size(); ++i) {
        for (std::size_t j = i + 1; j < mi.size(); ++j) {
            Blk &bi = mi[i], &bj = mi[j];
            if (bi.end > bj.start && bi.start < bj.end && bi.nid != bj.nid) return false;
            if (bi.nid != bj.nid) continue;
            u64 start = std::min(bi.start, bj.start), end = std::max(bi.end, bj.end);
            bool blocked = false;
            for (const Blk& bk : mi)
                if (bk.nid != bi.nid && start < bk.end && end > bk.start) blocked = true;
            if (blocked) continue;
            merges.push_back(
                {bi.nid, bi.start, bi.end - 1, bj.start, bj.end - 1, start, end - 1, 0});
            bi.start = start;
            bi.end = end;
            mi.erase(mi.begin() + static_cast<long>(j--));
        }
    }
    return true;
}

// A memblock_set_node step the kernel does without printing it.
ojson setNodeStep(u64 base, u64 size, int nid, const char* type, const std::string& note) {
    ojson s = rangeStep("memblock_set_node", base, size);
    s["nid"] = nid;
    s["type"] = type;
    s["note"] = note;
    return s;
}

} // namespace

// The node order build_zonelists() prints for every node, given a
// distance table (find_next_best_node: distance, +1 for nodes below the
// local one, +1 for nodes with CPUs, then the least loaded node).
std::map<int, std::vector<int>> Importer::zonelistOrders(const std::vector<int>& ids,
                                                         const std::vector<std::vector<int>>& dist,
                                                         const std::vector<int>& withMemory,
                                                         const std::set<int>& withCpus) const {
    auto at = [&](int id) {
        return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
    };
    auto d = [&](int a, int b) { return dist[at(a)][at(b)]; };
    std::map<int, long> load;
    std::map<int, std::vector<int>> out;
    for (int local : ids) {
        std::set<int> used;
        std::vector<int> order;
        int prev = local;
        bool localHasMemory =
            std::find(withMemory.begin(), withMemory.end(), local) != withMemory.end();
        while (true) {
            int best = -1;
            if (!used.count(local) && (localHasMemory || is61())) {
                best = local; // 6.1 returns a memoryless local node too
            } else {
                long min = LONG_MAX;
                for (int n : withMemory) {
                    if (used.count(n)) continue;
                    long v = d(local, n) + (n < local) + (withCpus.count(n) ? 1 : 0);
                    v = v * MAX_NUMNODES + load[n];
                    if (v < min) min = v, best = n;
                }
            }
            if (best < 0) break;
            used.insert(best);
            if (d(local, best) != d(local, prev)) ++load[best];
            order.push_back(best);
            prev = best;
        }
        out[local] = order;
    }
    return out;
}

// The SLIT is not printed; the "Fallback order" lines show its effect.
// Default distances when they reproduce those lines, else a table whose
// steps are large enough that the printed order is the only outcome.
std::optional<ojson> Importer::distances(const std::vector<int>& ids,
                                         const std::vector<int>& withMemory,
                                         const std::set<int>& withCpus) {
    const std::size_t n = ids.size();
    if (n < 2 || fallback_.empty()) return std::nullopt;
    auto matches = [&](const std::vector<std::vector<int>>& dist) {
        auto got = zonelistOrders(ids, dist, withMemory, withCpus);
        for (auto& [node, order] : fallback_)
            if (!got.count(node) || got[node] != order) return false;
        return true;
    };
    std::vector<std::vector<int>> dist(n, std::vector<int>(n, 20));
    for (std::size_t i = 0; i < n; ++i)
        dist[i][i] = 10;
    if (matches(dist)) return std::nullopt;
    const int step = static_cast<int>(std::min<std::size_t>(10, 245 / (n + 1)));
    if (step >= 3) {
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                if (i != j) dist[i][j] = 10 + step * static_cast<int>(n + 1);
        for (auto& [node, order] : fallback_) {
            auto i =
                static_cast<std::size_t>(std::find(ids.begin(), ids.end(), node) - ids.begin());
            if (i >= n) continue;
            std::size_t skip = (!order.empty() && order.front() == node) ? 0 : 1;
            for (std::size_t k = 0; k < order.size(); ++k) {
                auto j = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), order[k]) -
                                                  ids.begin());
                if (j < n && j != i) dist[i][j] = 10 + step * static_cast<int>(k + skip);
            }
        }
        if (matches(dist)) {
            distanceNote_ = "inferred";
            ojson out = ojson::array();
            for (auto& row : dist)
                out.push_back(row);
            return out;
        }
    }
    distanceNote_ = "unknown";
    return std::nullopt;
}

void Importer::numaInit() {
    if (numaInitDone_) return;
    numaInitDone_ = true;
    int nid = is61() ? MAX_NUMNODES : NUMA_NO_NODE;
    const char* who = is61() ? "numa_init" : "numa_memblks_init";
    for (const char* type : {"memory", "reserved"}) {
        emit(setNodeStep(0, ~u64{0}, nid, type,
                         std::string(who) + ": forget node ids (" +
                             (is61() ? "MAX_NUMNODES" : "NUMA_NO_NODE") + "), not printed"));
    }
    ojson s = rangeStep("memblock_clear_hotplug", 0, ~u64{0});
    s["note"] = std::string(who) + ": in case parsing SRAT fails (not printed)";
    emit(s);
}

void Importer::numaRegister() {
    numaInit();
    if (mem_.empty()) {
        numaSkipped_ = true;
        return;
    }
    u64 maxPfnPhys = mem_.hi() & ~(PAGE_SIZE - 1);
    std::vector<Blk> blks;
    if (srat_.empty()) {
        blks.push_back({0, maxPfnPhys, 0}); // dummy_numa_init
    } else {
        for (const SratBlock& b : srat_)
            blks.push_back({b.start, b.end, b.nid});
    }
    auto attempt = [&](bool lowIsZero, std::vector<Blk>& out, std::vector<MergeLine>& mg) {
        out = blks;
        u64 low = lowIsZero ? 0 : mem_.lo();
        u64 high = lowIsZero ? maxPfnPhys : mem_.hi();
        if (!cleanupMeminfo(out, mem_, low, high, mg))
            fail(srat_.empty() ? 0 : srat_.front().line, 0,
                 "SRAT ranges of different nodes overlap");
        if (srat_.empty()) return true;
        if (mg.size() != merges_.size()) return false;
        for (std::size_t k = 0; k < mg.size(); ++k)
            if (!(mg[k] == merges_[k])) return false;
        return true;
    };
    std::vector<Blk> mi;
    std::vector<MergeLine> mg;
    if (!attempt(is61(), mi, mg)) {
        std::vector<Blk> mi2;
        std::vector<MergeLine> mg2;
        if (!attempt(!is61(), mi2, mg2)) {
            std::size_t bad = merges_.empty() ? srat_.back().line : merges_.back().line;
            for (std::size_t k = 0; k < merges_.size(); ++k)
                if (k >= mg.size() || !(mg[k] == merges_[k])) {
                    bad = merges_[k].line;
                    break;
                }
            fail(bad, 0,
                 "the NUMA merge lines do not match the SRAT ranges as numa_cleanup_meminfo "
                 "merges them");
        }
        mi = mi2;
        numaRuleNote_ = true;
    }
    ojson bu{{"op", "memblock_set_bottom_up"}, {"enable", false}};
    bu["note"] = "numa_init: back to top-down after SRAT (not printed)";
    emit(bu);
    const char* reg = is61() ? "numa_register_memblks" : "numa_register_meminfo";
    for (const Blk& b : mi) {
        emit(setNodeStep(b.start, b.end - b.start, b.nid, "memory",
                         std::string(reg) + ": node " + std::to_string(b.nid) + " (not printed)"));
    }
    std::set<int> kernelNodes;
    for (const Blk& b : mi) {
        emit(setNodeStep(b.start, b.end - b.start, b.nid, "reserved",
                         "numa_clear_kernel_node_hotplug: split reserved by node (not printed)"));
        if (res_.overlaps(b.start, b.end)) kernelNodes.insert(b.nid);
    }
    for (const Blk& b : mi) {
        if (!kernelNodes.count(b.nid)) continue;
        ojson s = rangeStep("memblock_clear_hotplug", b.start, b.end - b.start);
        s["note"] = "numa_clear_kernel_node_hotplug: node " + std::to_string(b.nid) +
                    " holds kernel memory (not printed)";
        emit(s);
    }
}

} // namespace mmsim::dmesg
