// Nodes and zones (include/linux/mmzone.h): every NUMA node (pglist_data)
// holds one zone per zone type; a zone is a pfn span of one node with its
// own free lists, watermarks and lowmem_reserve. This file holds the data;
// mm_init.cpp sizes it, watermarks.cpp computes the marks, zonelist.cpp
// orders the fallbacks.
#pragma once

#include "core/free_area.h"
#include "core/page_allocated.h"
#include "core/pageblock.h"
#include "core/pcp.h"
#include "core/types.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

enum ZoneType : int { ZONE_DMA = 0, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, ZONE_DEVICE };
constexpr int MAX_NR_ZONES = 5;
const char* zoneName(int zone_type);

enum WmarkIndex : int { WMARK_MIN = 0, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

struct Zone {
    int nid = 0;
    int idx = 0; // ZoneType
    pfn_t zone_start_pfn = 0;
    std::uint64_t spanned_pages = 0;
    std::uint64_t present_pages = 0;
    std::uint64_t managed_pages = 0;
    std::uint64_t cma_pages = 0; // pages of CMA areas released here (zone->cma_pages)
    std::array<std::uint64_t, NR_WMARK> watermark{};
    std::uint64_t watermark_boost = 0;
    std::array<std::uint64_t, MAX_NR_ZONES> lowmem_reserve{};
    FreeArea free_area;
    // Buddy allocator state beside the free lists (page_alloc*.cpp).
    Pageblocks pageblocks;
    using AllocatedBlock = mmsim::AllocatedBlock;
    // Allocated blocks by head pfn (a byte per page, see page_allocated.h):
    // find/end, size, iteration in pfn order as {pfn, AllocatedBlock}, and
    // orderAt(pfn) / allocatedOrderAt(zone, pfn).
    AllocatedBlocks allocated;
    std::uint64_t allocated_pages = 0;
    std::uint64_t nr_reserved_highatomic = 0;
    bool below_high = false;      // ZONE_BELOW_HIGH (6.12; a pcp bulk free clears it)
    // Per-CPU page lists by CPU (setup_zone_pageset; empty: the boot
    // pageset, which caches nothing) and the values last set on them.
    std::vector<PerCpuPages> pageset;
    int pageset_high_min = BOOT_PAGESET_HIGH;
    int pageset_high_max = BOOT_PAGESET_HIGH;
    int pageset_batch = BOOT_PAGESET_BATCH;
    bool boosted_watermark = false; // ZONE_BOOSTED_WATERMARK
    // managed_pages when the watermarks / lowmem_reserve were last set.
    std::uint64_t wmark_managed = 0;
    std::uint64_t lowmem_managed = 0;

    const char* name() const { return zoneName(idx); }
    bool populated() const { return present_pages != 0; }
    bool managed() const { return managed_pages != 0; }
    pfn_t zone_end_pfn() const { return zone_start_pfn + spanned_pages; }
    bool spans(pfn_t pfn) const { return pfn >= zone_start_pfn && pfn < zone_end_pfn(); }
    std::uint64_t minWmark() const { return watermark[WMARK_MIN] + watermark_boost; }
    std::uint64_t lowWmark() const { return watermark[WMARK_LOW] + watermark_boost; }
    std::uint64_t highWmark() const { return watermark[WMARK_HIGH] + watermark_boost; }
};

// The order of the allocated block whose head is pfn, or -1 (free, on a
// per-CPU list, a tail page, or outside the zone).
inline int allocatedOrderAt(const Zone& z, pfn_t pfn) {
    return z.allocated.orderAt(pfn);
}

struct Node {
    int nid = 0;
    bool online = false;     // has memory or CPUs
    bool has_memory = false; // N_MEMORY
    pfn_t node_start_pfn = 0;
    std::uint64_t node_spanned_pages = 0;
    std::uint64_t node_present_pages = 0;
    std::array<Zone, MAX_NR_ZONES> zones;
    std::vector<int> cpus;
    phys_addr_t node_data_pa = 0; // where NODE_DATA was allocated
    std::vector<int> fallback_order;   // node ids, ZONELIST_FALLBACK order
    std::vector<Zone*> zonelist;       // ZONELIST_FALLBACK
    std::vector<Zone*> zonelist_nofallback; // __GFP_THISNODE
};

// The nodes of a machine. Zonelists point at zones of these nodes, so a
// copy (a checkpoint, the state saved before a step that may be refused)
// re-targets every zonelist entry at its own copy of the zone; a move keeps
// the storage and so the pointers.
class NodeArray : public std::vector<Node> {
public:
    using std::vector<Node>::vector;
    NodeArray() = default;
    NodeArray(const NodeArray& other) : std::vector<Node>(other) { rebind(); }
    NodeArray(NodeArray&&) noexcept = default;
    NodeArray& operator=(const NodeArray& other) {
        if (this != &other) {
            std::vector<Node>::operator=(other);
            rebind();
        }
        return *this;
    }
    NodeArray& operator=(NodeArray&&) noexcept = default;

private:
    // Entries still point into the source (alive during the copy): look up
    // the same (node, zone) here.
    void rebind() {
        for (Node& n : *this) {
            for (Zone*& z : n.zonelist) z = &(*this)[static_cast<size_t>(z->nid)].zones[static_cast<size_t>(z->idx)];
            for (Zone*& z : n.zonelist_nofallback)
                z = &(*this)[static_cast<size_t>(z->nid)].zones[static_cast<size_t>(z->idx)];
        }
    }
};

} // namespace mmsim

