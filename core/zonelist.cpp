// Zonelists (mm/page_alloc.c: build_all_zonelists). Every node gets a
// fallback list of zones to try when its own are exhausted: nodes are
// ordered by distance (a remote node with CPUs and one with a lower id than
// the local node pay a small penalty, and node_load[] spreads ties among
// nodes of one distance group round-robin across the local nodes), and each
// node contributes its populated zones from the highest zone type down.
#include "core/mm_model.h"

#include "core/strfmt.h"

#include <climits>

namespace mmsim {

namespace {
constexpr int PENALTY_FOR_NODE_WITH_CPUS = 1;

int findNextBestNode(const MmModel& mm, int node, std::vector<bool>& used,
                     const std::vector<int>& node_load) {
    // 6.12 skips a memoryless local node; 6.1 lists it first anyway.
    const bool local_ok = mm.profile.is61() || mm.nodes[static_cast<size_t>(node)].has_memory;
    if (!used[static_cast<size_t>(node)] && local_ok) {
        used[static_cast<size_t>(node)] = true;
        return node;
    }
    int min_val = INT_MAX, best = NUMA_NO_NODE;
    for (const Node& nd : mm.nodes) {
        const int n = nd.nid;
        if (!nd.has_memory || used[static_cast<size_t>(n)]) continue;
        int val = mm.nodeDistance(node, n);
        val += (n < node);
        if (!nd.cpus.empty()) val += PENALTY_FOR_NODE_WITH_CPUS;
        val *= MAX_NUMNODES;
        val += node_load[static_cast<size_t>(n)];
        if (val < min_val) {
            min_val = val;
            best = n;
        }
    }
    if (best >= 0) used[static_cast<size_t>(best)] = true;
    return best;
}

std::uint64_t nrFreeZonePages(const MmModel& mm, int highest_zoneidx) {
    // The zonelist of the boot CPU's node holds every populated zone.
    std::uint64_t sum = 0;
    mm.forEachZone([&](const Zone& z) {
        if (z.idx > highest_zoneidx || !z.populated()) return;
        std::uint64_t size = z.managed_pages, high = z.watermark[WMARK_HIGH];
        if (size > high) sum += size - high;
    });
    return sum;
}
} // namespace

std::uint64_t nrFreeBufferPages(const MmModel& mm) { return nrFreeZonePages(mm, ZONE_NORMAL); }

void buildAllZonelists(MmModel& mm) {
    std::vector<int> node_load(mm.nodes.size(), 0);
    unsigned nr_online = 0;
    mm.policy_zone = ZONE_DMA;
    for (Node& local : mm.nodes) {
        if (!local.online && local.cpus.empty()) continue;
        local.online = true;
        ++nr_online;
        std::vector<bool> used(mm.nodes.size(), false);
        local.fallback_order.clear();
        int prev = local.nid, node;
        while ((node = findNextBestNode(mm, local.nid, used, node_load)) >= 0) {
            if (mm.nodeDistance(local.nid, node) != mm.nodeDistance(local.nid, prev))
                node_load[static_cast<size_t>(node)] += 1;
            local.fallback_order.push_back(node);
            prev = node;
        }
        local.zonelist.clear();
        for (int nid : local.fallback_order) {
            for (int z = MAX_NR_ZONES - 1; z >= 0; --z) {
                Zone& zone = mm.nodes[static_cast<size_t>(nid)].zones[static_cast<size_t>(z)];
                if (!zone.populated()) continue;
                local.zonelist.push_back(&zone);
                if (z > mm.policy_zone && z != ZONE_MOVABLE) mm.policy_zone = z;
            }
        }
        local.zonelist_nofallback.clear();
        for (int z = MAX_NR_ZONES - 1; z >= 0; --z)
            if (local.zones[static_cast<size_t>(z)].populated())
                local.zonelist_nofallback.push_back(&local.zones[static_cast<size_t>(z)]);
        std::string line = strprintf("Fallback order for Node %d: ", local.nid);
        for (int nid : local.fallback_order) line += strprintf("%d ", nid);
        mm.print(line);
    }
    mm.vm_total_pages = nrFreeZonePages(mm, ZONE_MOVABLE);
    mm.page_group_by_mobility_disabled =
        mm.vm_total_pages < PAGEBLOCK_NR_PAGES * kernelMigrateTypes(mm.profile.cma);
    mm.print(strprintf("Built %u zonelists, mobility grouping %s.  Total pages: %llu", nr_online,
                       mm.page_group_by_mobility_disabled ? "off" : "on",
                       (unsigned long long)mm.vm_total_pages));
    mm.print(strprintf("Policy zone: %s", zoneName(mm.policy_zone)));
    mm.zonelists_built = true;
}

} // namespace mmsim
