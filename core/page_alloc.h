// The zoned buddy allocator (mm/page_alloc.c): alloc_pages, free_pages, the
// boot hand-over, the micro-events each call emits and an invariant checker.
// The essay on how it works is at the top of page_alloc.cpp.
//
// Layering: allocPages() is __alloc_pages (zonelist walk, watermarks, slow
// path) and calls rmqueueBuddy() for a zone; freePages() is __free_pages and
// calls freeOnePage(). A per-CPU page list layer goes between the two
// levels (page_pcp.cpp, pcp.h): rmqueueZone() and freeUnrefPage() take
// the CPU's list for the orders it caches, refill it with buddy::rmqueue() (__rmqueue) in
// bulk with a carried RmqueueMode and drain it with freeOneBlock()
// (page_alloc_internal.h).
#pragma once

#include "core/gfp.h"
#include "core/mm_model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

// One micro-event. Kinds are named after the kernel's tracepoints or the
// functions that do the work; the fields a kind does not use stay at their
// defaults.
struct BuddyEvent {
    enum Kind : std::uint8_t {
        watermark_check,       // zone, order, mark (WMARK_*), mark_pages, free, reserve, pass
        rmqueue_smallest,      // zone, pfn, order, from_order (the block taken), mt
        buddy_split,           // zone, pfn (the upper half put back), from_order, order, mt
        mm_page_alloc_extfrag, // pfn, order (alloc), from_order (fallback), mt, fallback_mt,
                               // change_ownership
        pageblock_steal,       // zone, pfn (pageblock start), mt (new), fallback_mt (old),
                               // nr (free pages moved)
        boost_watermark,       // zone, nr (new boost)
        reserve_highatomic,    // zone, pfn (pageblock), fallback_mt (old type)
        buddy_merge,           // zone, pfn (merged block), order (new order), mt
        mm_page_alloc,         // pfn (NO_PFN: failed), order, mt, gfp
        mm_page_free,          // pfn, order
        alloc_fail,            // order, gfp, reason
        kswapd_wake,           // nid, zone (highest), order
        direct_reclaim,        // order: the kernel would reclaim/compact here (not modelled)
        nofragment_retry,      // the zonelist is walked again without ALLOC_NOFRAGMENT
        // per-CPU page lists (cpu is set)
        pcp_hit,            // zone, cpu, pfn, order, mt: taken from a non-empty list; nr = count
        pcp_refill,         // zone, cpu, pfn, order, mt: one block rmqueue_bulk put on the list
                            // (printed as the kernel's mm_page_alloc_zone_locked); nr = batch
        pcp_free,           // zone, cpu, pfn, order, mt (the list's): freed to the list head;
                            // nr = count after
        mm_page_pcpu_drain, // zone, cpu, pfn, order, mt: free_pcppages_bulk gave it back
        drain_all_pages,    // nr: pages drained from every CPU's lists
        // unreserve_highatomic_pageblock(): zone, pfn (pageblock), order (of
        // the HIGHATOMIC free block found), mt (new type), fallback_mt (old),
        // nr (free pages moved)
        unreserve_highatomic,
        // decay_pcp_high() (6.12, vmstat_update): zone, cpu, nr (new high),
        // free (pages freed back to the zone)
        decay_pcp_high,
    };
    Kind kind = mm_page_alloc;
    std::int16_t nid = -1;
    std::int16_t cpu = -1;
    std::int8_t zone = -1; // zone index
    std::int8_t order = 0;
    std::int8_t from_order = 0;
    std::int8_t mt = -1;
    std::int8_t fallback_mt = -1;
    std::int8_t mark = -1; // WMARK_MIN / LOW / HIGH
    bool pass = false;
    bool change_ownership = false;
    bool to_tail = false;
    pfn_t pfn = NO_PFN;
    std::uint64_t nr = 0;
    std::int64_t free = 0;
    std::uint64_t mark_pages = 0;
    std::uint64_t reserve = 0;
    gfp_t gfp = 0;
    unsigned alloc_flags = 0;
    const char* reason = nullptr; // static text
};
const char* buddyEventName(BuddyEvent::Kind k);
// The event as ftrace prints a tracepoint: "mm_page_alloc: page=ffffea0000040000
// pfn=0x1000 order=0 migratetype=0 gfp_flags=GFP_KERNEL"; mmsim's own events
// use the same "name: key=value" shape.
std::string formatBuddyEvent(const BuddyEvent& e, const KernelProfile& p);

using EventSink = std::vector<BuddyEvent>;

struct AllocRequest {
    gfp_t gfp = 0;
    int order = 0;
    int cpu = 0;            // the CPU asking: its node's zonelist and its pcp lists
    int nid = NUMA_NO_NODE; // NUMA_NO_NODE: the CPU's node
};

struct ZoneSkip {
    int nid = 0;
    int zone = 0;
    std::string why;
};

struct AllocOutcome {
    bool ok = false;
    pfn_t pfn = NO_PFN;
    int nid = -1, zone = -1, order = 0, migratetype = 0;
    std::string reason;          // failure: why, in words
    std::vector<ZoneSkip> skips; // zones tried and passed over, in order
    bool kswapd_woken = false;
    bool would_reclaim = false; // the kernel would go on to direct reclaim/compaction
};

// alloc_pages(): never throws; a failure is an outcome with its reason.
AllocOutcome allocPages(MmModel& mm, const AllocRequest& req, EventSink* ev = nullptr);

struct FreeOutcome {
    bool ok = false;
    std::string error; // not an allocated block: nothing changed
};
// __free_pages(pfn, order) of a block allocPages returned, on a CPU (its
// pcp lists take orders 0..3 and 9).
FreeOutcome freePages(MmModel& mm, pfn_t pfn, int order, EventSink* ev = nullptr, int cpu = 0);

// ---- zone level (for a pcp layer, the boot hand-over and tests) ----
// rmqueue_buddy(): a block of 2^order pages of the zone, or NO_PFN. Does not
// record the block as allocated (allocPages does).
enum class RmqueueMode { Normal, Cma, Claim, Steal };
pfn_t rmqueueBuddy(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags,
                   EventSink* ev = nullptr);
pfn_t rmqueueBuddyMode(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags,
                       RmqueueMode& mode, EventSink* ev);
// FPI flags
constexpr unsigned FPI_NONE = 0, FPI_TO_TAIL = 1u << 1;
// free_one_page(): 6.12 splits blocks above pageblock order into pageblocks
// (split_large_buddy), each freed with its pageblock's type; 6.1 frees the
// block whole with the type of its first pageblock.
void freeOnePage(MmModel& mm, Zone& z, pfn_t pfn, int order, unsigned fpi, EventSink* ev);

// ---- per-CPU page lists (page_pcp.cpp) ----
// rmqueue(): through the CPU's pcp list when the order has one (and pcp is
// on), else (or when even a refill got nothing) rmqueue_buddy().
pfn_t rmqueueZone(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags, int cpu,
                  EventSink* ev);
// rmqueue_pcplist(): NO_PFN when the list is empty and cannot be refilled.
pfn_t rmqueuePcplist(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags, int cpu,
                     EventSink* ev);
// free_unref_page(): a freed block of an allocPages'd order to the CPU's list
// (or straight to the zone for other orders, ISOLATE pageblocks, pcp off).
void freeUnrefPage(MmModel& mm, Zone& z, pfn_t pfn, int order, int cpu, EventSink* ev);
// drain_pages_zone() / drain_all_pages(): every pcp page back to the zone;
// the number of pages drained.
std::uint64_t drainZonePages(MmModel& mm, Zone& z, int cpu, EventSink* ev);
std::uint64_t drainAllPages(MmModel& mm, EventSink* ev = nullptr);
// decay_pcp_high() for one CPU's pageset of a zone (6.12; 6.1 has no
// decay): lowers high by an eighth (not below high_min, and not lower than
// count - (batch << 5)) and frees what the CPU holds above it, batch by
// batch. The kernel runs it from vmstat_update (refresh_cpu_vm_stats) about
// once a second per CPU; mmsim has no timer, so the `vmstat_update`
// scenario step calls it. Returns the pages freed.
std::uint64_t decayPcpHigh(MmModel& mm, Zone& z, int cpu, EventSink* ev);
// refresh_cpu_vm_stats(true)'s pcp part for one CPU (cpu < 0: every CPU):
// decay_pcp_high on every populated zone. Returns the pages freed.
std::uint64_t vmstatUpdate(MmModel& mm, int cpu, EventSink* ev = nullptr);
// setup_zone_pageset() on first use, then zone_set_pageset_high_and_batch():
// batch and high (6.12: high_min/high_max) of every populated zone's
// pagesets from its managed pages and low watermark. Run with the watermarks.
void zonePcpUpdate(MmModel& mm);
int zoneBatchsize(const Zone& z);      // zone_batchsize()
int nrCpuIds(const MmModel& mm);       // possible CPUs
std::uint64_t pcpPages(const Zone& z); // pages on all CPUs' lists of the zone

// Boot: memmap_init()'s pageblock types (MOVABLE where a memory range holds
// the block's first pfn) and present flags, for every zone.
void initPageblocks(MmModel& mm, const Memblock& mb);
// The zone holding pfn (spanned), or nullptr.
Zone* zoneOfPfn(MmModel& mm, pfn_t pfn);

// ---- views ----
struct PageblockCounts {
    std::array<std::uint64_t, MIGRATE_TYPES> n{};
};
// What /proc/pagetypeinfo counts: every pageblock with a memory map whose
// first pfn in the zone lies in the zone, by type.
PageblockCounts pageblockCounts(const Zone& z);
inline int pageblockType(const Zone& z, pfn_t pfn) {
    return z.pageblocks.covers(pfn) ? z.pageblocks.type(pfn) : MIGRATE_UNMOVABLE;
}

// The first violated invariant of the whole buddy state, or "".
std::string checkBuddyInvariants(const MmModel& mm);

// watermark_boost_factor (vm.watermark_boost_factor, default 15000).
constexpr std::uint64_t WATERMARK_BOOST_FACTOR = 15000;

} // namespace mmsim
