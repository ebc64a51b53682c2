// Per-CPU page lists (struct per_cpu_pages, mm/page_alloc.c): every CPU
// keeps, for every populated zone, a small cache of free pages in front of
// the zone's free lists, so that most order-0 (and order 1..3, and THP)
// allocations and frees touch no zone lock. A page on a pcp list is neither
// free in the buddy lists (nr_free does not count it) nor allocated.
//
// Lists: order_to_pindex(mt, order) = 3 * order + mt for the three mobility
// types at orders 0..3 (12 lists), then the THP lists for order 9: index 12
// for UNMOVABLE/RECLAIMABLE and 13 for MOVABLE (NR_PCP_THP = 2 in both
// 6.12.117 and 6.1.192).
//
// The algorithm is in page_pcp.cpp; the sizes (batch, high) are set with
// the watermarks (zonePcpUpdate).
#pragma once

#include "core/types.h"

#include <array>
#include <cstdint>
#include <deque>

namespace mmsim {

constexpr int PAGE_ALLOC_COSTLY_ORDER = 3;
constexpr int NR_LOWORDER_PCP_LISTS = 3 * (PAGE_ALLOC_COSTLY_ORDER + 1);
constexpr int NR_PCP_THP = 2;
constexpr int NR_PCP_LISTS = NR_LOWORDER_PCP_LISTS + NR_PCP_THP;
constexpr int PCP_BATCH_SCALE_MAX = 5; // CONFIG_PCP_BATCH_SCALE_MAX
constexpr int BOOT_PAGESET_HIGH = 0;
constexpr int BOOT_PAGESET_BATCH = 1;
// percpu_pagelist_high_fraction's smallest accepted value; 6.12's high_max.
constexpr int MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8;

inline bool pcpAllowedOrder(int order) {
    return (order >= 0 && order <= PAGE_ALLOC_COSTLY_ORDER) || order == 9;
}
inline int orderToPindex(int mt, int order) {
    if (order > PAGE_ALLOC_COSTLY_ORDER) return NR_LOWORDER_PCP_LISTS + (mt == 1 /*MOVABLE*/);
    return 3 * order + mt;
}
inline int pindexToOrder(int pindex) {
    return pindex >= NR_LOWORDER_PCP_LISTS ? 9 : pindex / 3;
}

struct PcpPage {
    pfn_t pfn = 0;
    // 6.1: the migratetype recorded in the page (set_pcppage_migratetype),
    // used when the page goes back to the zone. 6.12 reads the pageblock.
    std::int8_t mt = 0;
};

struct PerCpuPages {
    int count = 0; // pages (not blocks) on all lists
    int high = BOOT_PAGESET_HIGH;
    int batch = BOOT_PAGESET_BATCH;
    int high_min = BOOT_PAGESET_HIGH;  // 6.12
    int high_max = BOOT_PAGESET_HIGH;  // 6.12
    int free_count = 0;                // 6.12: pages freed since the last allocation (decaying)
    int free_factor = 0;               // 6.1: batch scaling while freeing
    int alloc_factor = 0;              // 6.12: batch scaling while refilling
    bool prev_free_high_order = false; // PCPF_PREV_FREE_HIGH_ORDER
    bool free_high_batch = false;      // PCPF_FREE_HIGH_BATCH
    // front() is the list head: frees and refill takes use the head,
    // bulk frees take from the back (the tail, the oldest pages).
    std::array<std::deque<PcpPage>, NR_PCP_LISTS> lists;
};

} // namespace mmsim
