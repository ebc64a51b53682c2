// The memory-management state after memblock: nodes, zones and the global
// figures the kernel keeps beside them (zone boundaries, ZONE_MOVABLE
// starts, policy zone, min_free_kbytes, ...), and the boot steps that fill it:
// free_area_init (zone spans, holes), build_all_zonelists, memblock_free_all
// and the watermark set-up.
#pragma once

#include "core/cmdline.h"
#include "core/memblock.h"
#include "core/mmzone.h"
#include "core/types.h"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace mmsim {

struct WatermarkSysctl {
    long min_free_kbytes = -1; // -1: use the kernel's formula
    long watermark_scale_factor = 10;
    std::array<long, MAX_NR_ZONES> lowmem_reserve_ratio{256, 256, 32, 0, 0};
};

struct MmModel {
    KernelProfile profile;
    NodeArray nodes; // indexed by nid
    std::vector<std::vector<int>> distance;
    std::array<pfn_t, MAX_NR_ZONES> max_zone_pfn{};
    std::array<pfn_t, MAX_NR_ZONES> arch_zone_lowest_possible_pfn{};
    std::array<pfn_t, MAX_NR_ZONES> arch_zone_highest_possible_pfn{};
    std::vector<pfn_t> zone_movable_pfn; // per nid
    int movable_zone = ZONE_NORMAL;
    int policy_zone = ZONE_DMA;
    bool zones_initialised = false;
    bool zonelists_built = false;
    bool buddy_ready = false; // memblock_free_all has run
    bool page_group_by_mobility_disabled = false;
    std::uint64_t vm_total_pages = 0;
    std::uint64_t dma_reserve = 0; // 6.1: memblock_find_dma_reserve()
    long min_free_kbytes = 0;
    long user_min_free_kbytes = -1;
    bool thp_enabled = true;
    bool pcp_enabled = true;         // "kernel": {"pcp": false} sends everything to the buddy lists
    bool pcp_free_high_batch = true; // PCPF_FREE_HIGH_BATCH: the LLC share exceeds 3 batches
    WatermarkSysctl sysctl;
    // CMA areas reserved at boot (cma.cpp), in declaration order, and
    // totalcma_pages (their pages, counted from the reservation on).
    struct CmaArea {
        std::string name;
        phys_addr_t base = 0;
        std::uint64_t count = 0; // pages
        bool activated = false;
    };
    std::vector<CmaArea> cma_areas;
    std::uint64_t totalcma_pages = 0;
    std::uint64_t totalram_pages = 0;
    std::uint64_t totalreserve_pages = 0;
    std::vector<std::string> boot_lines; // the kernel's boot lines, in order

    std::function<void(const std::string&)> printk; // every printed kernel line

    void print(const std::string& line) {
        boot_lines.push_back(line);
        if (printk) printk(line);
    }
    Zone& zone(int nid, int idx) { return nodes[static_cast<size_t>(nid)].zones[static_cast<size_t>(idx)]; }
    template <class F> void forEachZone(F&& f) {
        for (Node& n : nodes)
            for (Zone& z : n.zones) f(z);
    }
    template <class F> void forEachZone(F&& f) const {
        for (const Node& n : nodes)
            for (const Zone& z : n.zones) f(z);
    }
    int nodeDistance(int a, int b) const;
};

// mm_init.cpp
struct PfnRange {
    pfn_t start, end;
    int nid;
};
// The memory regions as whole pages, in address order, with their node
// (for_each_mem_pfn_range); nid_filter MAX_NUMNODES = every node.
std::vector<PfnRange> memPfnRanges(const MmModel& mm, const Memblock& mb,
                                   int nid_filter = MAX_NUMNODES);
void freeAreaInit(MmModel& mm, const Memblock& mb, const CmdlineOptions& opts);
void memblockFreeAll(MmModel& mm, Memblock& mb);
// Return [base, base+size) to the buddy allocator (free_reserved_area).
std::uint64_t freeReservedArea(MmModel& mm, phys_addr_t base, phys_addr_t size);
// zonelist.cpp
void buildAllZonelists(MmModel& mm);
// watermarks.cpp
void initPerZoneWmarkMin(MmModel& mm);
void applyWatermarkSysctls(MmModel& mm);
void setupPerZoneWmarks(MmModel& mm);
void setupPerZoneLowmemReserve(MmModel& mm);
std::uint64_t nrFreeBufferPages(const MmModel& mm);

} // namespace mmsim
