// The cycle cost table (see cost.h for the clock and cost.cpp for where
// each default comes from). Kept apart so the scenario can hold one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

// The table, as data: one named field per event kind (the field's name is
// the event's name, buddyEventName()). Kinds with no field here (added to
// BuddyEvent later) cost `other`.
struct CostModel {
    // buddy allocator events
    std::uint32_t watermark_check = 15;
    // Not an event: spin_lock_irqsave(&zone->lock), charged once per operation
    // with the first event that works on the buddy lists (or an mm_page_free
    // that goes straight to them).
    std::uint32_t zone_lock = 200;
    std::uint32_t rmqueue_smallest = 50;
    std::uint32_t buddy_split = 40;
    std::uint32_t mm_page_alloc_extfrag = 100;
    std::uint32_t pageblock_steal = 3000;
    std::uint32_t boost_watermark = 60;
    std::uint32_t reserve_highatomic = 2500;
    std::uint32_t buddy_merge = 60;
    std::uint32_t mm_page_alloc = 30;
    std::uint32_t mm_page_free = 30;
    std::uint32_t alloc_fail = 100;
    std::uint32_t kswapd_wake = 1500;
    std::uint32_t direct_reclaim = 0;
    std::uint32_t nofragment_retry = 50;
    // per-CPU page lists (charged once the pcp layer emits these kinds)
    std::uint32_t pcp_hit = 25;
    std::uint32_t pcp_refill = 20; // per block rmqueue_bulk puts on the list
    std::uint32_t pcp_free = 25;
    std::uint32_t mm_page_pcpu_drain = 40;
    std::uint32_t drain_all_pages = 5000;
    // HIGHATOMIC unreserve (move_freepages_block) and pcp high decay
    std::uint32_t unreserve_highatomic = 2500;
    std::uint32_t decay_pcp_high = 100;
    // the slab layer (slab.h; sources in cost.cpp)
    std::uint32_t slab_alloc_fastpath = 25;
    std::uint32_t slab_free_fastpath = 22;
    std::uint32_t slab_alloc_slowpath = 150;
    std::uint32_t slab_free_slowpath = 120;
    std::uint32_t cpu_partial_alloc = 40;
    std::uint32_t cpu_partial_put = 40;
    std::uint32_t cpu_partial_unfreeze = 300;
    std::uint32_t new_slab = 600;
    std::uint32_t slab_to_partial = 50;
    std::uint32_t slab_to_full = 30;
    std::uint32_t slab_to_free = 50;
    std::uint32_t discard_slab = 300;
    std::uint32_t kmem_cache_alloc = 0; // summary events: the work is in the others
    std::uint32_t kmem_cache_free = 0;
    // SLUB's allocate_slab() fell back to the minimum order: the stat and the
    // second request's set-up (the failed first request is charged by its events)
    std::uint32_t order_fallback = 30;
    // any other kind
    std::uint32_t other = 50;
    // Charge distance/10 for memory of a remote node.
    bool numa_factor = true;

    // The named entries, for the scenario loader, the docs and the view.
    struct Field {
        const char* name;
        std::uint32_t CostModel::*cycles;
    };
    static const std::vector<Field>& fields();
    // The entry named `name`, or nullptr.
    std::uint32_t* find(const std::string& name);
};

} // namespace mmsim
