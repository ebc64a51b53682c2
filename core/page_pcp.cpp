/*
 * Per-CPU page lists (mm/page_alloc.c: rmqueue_pcplist, rmqueue_bulk,
 * free_unref_page, free_pcppages_bulk, drain_all_pages, zone_batchsize,
 * zone_highsize), as mmsim models them.
 *
 * Every CPU keeps, per populated zone, lists of free pages of orders 0..3
 * (one per mobility type) and of order 9 (THP: one list for MOVABLE, one
 * for the rest). An allocation of such an order takes the head of its list;
 * an empty list is first refilled from the zone with `batch` blocks in one
 * go (rmqueue_bulk: each block __rmqueue returns goes to the list's tail, so
 * they are handed out in the order the buddy allocator produced them). A
 * free puts the block at the head of its list; once the CPU holds `high`
 * pages or more, free_pcppages_bulk gives a batch back to the zone, going
 * round the lists from the one just freed to and taking each list's tail
 * (its oldest pages) first.
 *
 * batch is about a quarter of 0.1% of the zone (at most 63), rounded to
 * 2^n - 1. high is the zone's low watermark shared among the CPUs of its
 * node (at least 4 * batch). 6.1 keeps high fixed; 6.12 tunes it inside
 * [high_min, high_max] (high_max from an eighth of the zone): a refill
 * while the zone is above its high watermark raises it by the batch it
 * takes, a free that fills the CPU's lists raises it so that the pages
 * freed in a row fit, and when the zone is below its high watermark
 * (ZONE_BELOW_HIGH) frees lower it again. 6.12 also scales the refill batch
 * up on repeated refills without frees (alloc_factor) and the bulk-free size
 * with the number of pages freed in a row (free_count); 6.1 scales only the
 * bulk free (free_factor).
 *
 * A refill is the allocator's longest run of work (6.12 can take 63 << 5
 * blocks at once), so when nobody watches it event by event it carves its
 * blocks out of each split block in one go (carveBlock), with the same
 * events and the same free lists as block by block.
 */
#include "core/page_alloc.h"

#include "core/page_alloc_internal.h"

#include <algorithm>

namespace mmsim {

using buddy::emit;
using buddy::event;

namespace {

int fls64(std::uint64_t x) {
    return x ? 64 - __builtin_clzll(x) : 0;
}

int cpusOfNode(const MmModel& mm, int nid) {
    return static_cast<int>(mm.nodes[static_cast<std::size_t>(nid)].cpus.size());
}

int onlineCpus(const MmModel& mm) {
    int n = 0;
    for (const Node& node : mm.nodes)
        n += static_cast<int>(node.cpus.size());
    return n;
}

// zone_highsize() with cpu_online 0.
int zoneHighsize(const MmModel& mm, const Zone& z, int batch, int fraction) {
    const std::uint64_t total =
        fraction ? z.managed_pages / static_cast<std::uint64_t>(fraction) : z.lowWmark();
    int split = cpusOfNode(mm, z.nid);
    if (!split) split = onlineCpus(mm);
    if (!split) split = 1;
    const int high = static_cast<int>(total / static_cast<std::uint64_t>(split));
    return std::max(high, batch << 2);
}

BuddyEvent& pcpEvent(EventSink* ev, BuddyEvent::Kind k, const Zone& z, int cpu, pfn_t pfn,
                     int order, int mt) {
    BuddyEvent& e = buddy::push(ev, k, z);
    e.cpu = static_cast<std::int16_t>(cpu);
    e.pfn = pfn;
    e.order = static_cast<std::int8_t>(order);
    e.mt = static_cast<std::int8_t>(mt);
    return e;
}

// free_pcppages_bulk()
void freePcppagesBulk(MmModel& mm, Zone& z, int cpu, int count, int pindex, EventSink* ev) {
    PerCpuPages& pcp = z.pageset[static_cast<std::size_t>(cpu)];
    count = std::min(pcp.count, count);
    pindex -= 1;
    while (count > 0) {
        PcpList* list;
        do {
            if (++pindex > NR_PCP_LISTS - 1) pindex = 0;
            list = &pcp.lists[static_cast<std::size_t>(pindex)];
        } while (list->empty());
        const int order = pindexToOrder(pindex);
        const int nr_pages = 1 << order;
        do {
            const PcpPage page = list->back();
            list->pop_back();
            count -= nr_pages;
            pcp.count -= nr_pages;
            // 6.12 reads the pageblock now; 6.1 uses the type recorded in
            // the page (no pageblock is ever isolated in mmsim).
            const int mt = mm.profile.is61() ? page.mt : pageblockType(z, page.pfn);
            freeOneBlock(mm, z, page.pfn, order, mt, FPI_NONE, ev);
            pcpEvent(ev, BuddyEvent::mm_page_pcpu_drain, z, cpu, page.pfn, order, mt);
        } while (count > 0 && !list->empty());
    }
}

// nr_pcp_alloc() of 6.12.
int nrPcpAlloc612(PerCpuPages& pcp, const Zone& z, int order) {
    const int base_batch = pcp.batch;
    int high = pcp.high = std::clamp(pcp.high, pcp.high_min, std::max(pcp.high_min, pcp.high_max));
    if (high < base_batch) return 1;
    int batch = order ? base_batch : base_batch << pcp.alloc_factor;
    if (pcp.high_min != pcp.high_max && !z.below_high)
        high = pcp.high = std::min(high + batch, pcp.high_max);
    if (!order) {
        const int max_nr_alloc = std::max(high - pcp.count - base_batch, base_batch);
        if (batch <= max_nr_alloc && pcp.alloc_factor < PCP_BATCH_SCALE_MAX) ++pcp.alloc_factor;
        batch = std::min(batch, max_nr_alloc);
    }
    if (batch > 1) batch = std::max(batch >> order, 2);
    return batch;
}

// nr_pcp_high() of 6.12 (ZONE_RECLAIM_ACTIVE is never set: no reclaim).
int nrPcpHigh612(PerCpuPages& pcp, const Zone& z, int batch, bool free_high) {
    const int high_min = pcp.high_min, high_max = std::max(pcp.high_min, pcp.high_max);
    int high = pcp.high = std::clamp(pcp.high, high_min, high_max);
    if (!high) return 0;
    if (free_high) {
        pcp.high = std::max(high - (batch << PCP_BATCH_SCALE_MAX), high_min);
        return 0;
    }
    if (high_min == high_max) return high;
    if (z.below_high) {
        const int free_count = std::max(pcp.free_count, batch);
        pcp.high = std::max(high - free_count, high_min);
        high = std::max(pcp.count, high_min);
    } else if (pcp.count >= high) {
        const int need_high = pcp.free_count + batch;
        if (pcp.high < need_high) pcp.high = std::clamp(need_high, high_min, high_max);
    }
    return high;
}

// nr_pcp_free() of 6.12.
int nrPcpFree612(const PerCpuPages& pcp, int batch, int high, bool free_high) {
    if (free_high) return std::min(pcp.count, batch << PCP_BATCH_SCALE_MAX);
    if (high < batch) return 1;
    return std::clamp(pcp.free_count, batch, std::max(batch, high - batch));
}

// nr_pcp_free() of 6.1.
int nrPcpFree61(PerCpuPages& pcp, int high, int batch, bool free_high) {
    if (free_high) return pcp.count;
    if (high < batch) return 1;
    const int min_nr_free = batch, max_nr_free = high - batch;
    batch <<= pcp.free_factor;
    if (batch < max_nr_free && pcp.free_factor < PCP_BATCH_SCALE_MAX) ++pcp.free_factor;
    return std::clamp(batch, min_nr_free, std::max(min_nr_free, max_nr_free));
}

void freeUnrefPageCommit(MmModel& mm, Zone& z, int cpu, pfn_t pfn, int pcp_mt, int page_mt,
                         int order, EventSink* ev) {
    PerCpuPages& pcp = z.pageset[static_cast<std::size_t>(cpu)];
    const bool v61 = mm.profile.is61();
    if (!v61) pcp.alloc_factor >>= 1;
    const int pindex = orderToPindex(pcp_mt, order);
    pcp.lists[static_cast<std::size_t>(pindex)].push_front(
        {pfn, static_cast<std::int8_t>(page_mt)});
    pcp.count += 1 << order;
    pcpEvent(ev, BuddyEvent::pcp_free, z, cpu, pfn, order, pcp_mt).nr =
        static_cast<std::uint64_t>(pcp.count);
    const int batch = pcp.batch;
    if (v61) {
        const bool free_high = pcp.free_factor && order && order <= PAGE_ALLOC_COSTLY_ORDER;
        const int high = (!pcp.high || free_high) ? 0 : pcp.high;
        if (pcp.count >= high)
            freePcppagesBulk(mm, z, cpu, nrPcpFree61(pcp, high, batch, free_high), pindex, ev);
        return;
    }
    bool free_high = false;
    if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
        free_high = pcp.free_count >= batch && pcp.prev_free_high_order &&
                    (!pcp.free_high_batch || pcp.count >= batch);
        pcp.prev_free_high_order = true;
    } else {
        pcp.prev_free_high_order = false;
    }
    if (pcp.free_count < (batch << PCP_BATCH_SCALE_MAX)) pcp.free_count += 1 << order;
    const int high = nrPcpHigh612(pcp, z, batch, free_high);
    if (pcp.count >= high) {
        freePcppagesBulk(mm, z, cpu, nrPcpFree612(pcp, batch, high, free_high), pindex, ev);
        if (z.below_high && buddy::zoneWatermarkOkSimple(mm, z, 0, z.highWmark(), ZONE_MOVABLE, 0))
            z.below_high = false;
    }
}

} // namespace

int zoneBatchsize(const Zone& z) {
    std::uint64_t batch = std::min<std::uint64_t>(z.managed_pages >> 10, (1ull << 20) / PAGE_SIZE);
    batch /= 4;
    if (batch < 1) batch = 1;
    batch = (1ull << (fls64(batch + batch / 2) - 1)) - 1;
    return static_cast<int>(batch);
}

int nrCpuIds(const MmModel& mm) {
    int n = 1;
    for (const Node& node : mm.nodes)
        for (int c : node.cpus)
            n = std::max(n, c + 1);
    return n;
}

void zonePcpUpdate(MmModel& mm) {
    const int ncpu = nrCpuIds(mm);
    mm.forEachZone([&](Zone& z) {
        if (!z.populated()) return; // unpopulated zones keep the boot pageset
        if (z.pageset.size() != static_cast<std::size_t>(ncpu)) {
            // setup_zone_pageset(): boot values until the sizes below.
            z.pageset.assign(static_cast<std::size_t>(ncpu), PerCpuPages{});
            z.pageset_high_min = z.pageset_high_max = BOOT_PAGESET_HIGH;
            z.pageset_batch = BOOT_PAGESET_BATCH;
        }
        // zone_set_pageset_high_and_batch(zone, 0)
        const int batch = std::max(1, zoneBatchsize(z));
        const int high_min = zoneHighsize(mm, z, batch, 0);
        const int high_max = mm.profile.is61()
                                 ? high_min
                                 : zoneHighsize(mm, z, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
        if (z.pageset_high_min == high_min && z.pageset_high_max == high_max &&
            z.pageset_batch == batch)
            return;
        z.pageset_high_min = high_min;
        z.pageset_high_max = high_max;
        z.pageset_batch = batch;
        for (PerCpuPages& pcp : z.pageset) {
            pcp.batch = batch;
            if (mm.profile.is61()) {
                pcp.high = high_min; // pageset_update() writes high itself
            } else {
                pcp.high_min = high_min; // high follows lazily (clamped on use)
                pcp.high_max = high_max;
            }
            // setup_pcp_cacheinfo(): the CPU's share of the LLC holds more
            // than 3 batches (any x86 with cache info).
            pcp.free_high_batch = mm.pcp_free_high_batch;
        }
    });
}

namespace {

// A refill's blocks, carved from one free block at once. When
// __rmqueue_smallest splits a block of order k for a request of order o,
// every list of mt from o to k - 1 was empty, so the split leaves exactly
// one block on each: the next request takes the order-o block just made,
// the one after splits the order-(o+1) one, and so on. The blocks handed
// out are the pieces of the order-k block in address order, piece j coming
// from the block of order o + ctz(j) (k for piece 0) and split down to o,
// like the digits of a binary counter. So taking m pieces leaves, above
// piece m, the blocks of the binary digits of 2^(k-o) - m, the smaller ones
// first. carveBlock() records the events of those m __rmqueue_smallest calls
// (the take, each split, the list add) but touches the free lists only
// twice: it takes the order-k block and adds what is left. The machine is
// only different in between, where no one looks. Returns the blocks taken
// (0: mt has no free block of order o or more).
int carveBlock(Zone& z, PerCpuPages& pcp, PcpList& list, int order, int mt, int want, int cpu,
               int batch, EventSink* ev) {
    FreeArea& fa = z.free_area;
    const int k = fa.lowestOrderWithBlocks(order, mt);
    if (k < 0) return 0;
    const std::uint32_t node = fa.firstIndex(k, mt);
    const pfn_t start = fa.pfnOf(node);
    fa.delAt(node);
    const int span = k - order;
    const std::uint64_t pieces = 1ull << span;
    const std::uint64_t m = std::min<std::uint64_t>(pieces, static_cast<std::uint64_t>(want));
    for (std::uint64_t j = 0; j < m; ++j) {
        const pfn_t p = start + (j << order);
        const int from = order + (j ? __builtin_ctzll(j) : span);
        if (ev) {
            buddy::recordTake(ev, z, p, order, from, mt);
            for (int h = from - 1; h >= order; --h)
                buddy::recordSplit(ev, z, p + (1ull << h), h, mt);
        }
        list.push_back({p, static_cast<std::int8_t>(mt)});
        pcp.count += 1 << order;
        if (ev)
            pcpEvent(ev, BuddyEvent::pcp_refill, z, cpu, p, order, mt).nr =
                static_cast<std::uint64_t>(batch);
    }
    // What the last split left: one block per set bit of pieces - m.
    pfn_t p = start + (m << order);
    for (std::uint64_t rest = pieces - m; rest; rest &= rest - 1) {
        const int h = __builtin_ctzll(rest);
        fa.add(p, order + h, mt, false);
        p += 1ull << (order + h);
    }
    return static_cast<int>(m);
}

// rmqueue_bulk(): refills an empty list with the batch for this order, under
// one zone lock, the rmqueue mode carried over from block to block.
[[gnu::noinline]] void rmqueueBulk(MmModel& mm, Zone& z, PerCpuPages& pcp, PcpList& list, int order,
                                   int mt, unsigned alloc_flags, int cpu, EventSink* ev) {
    int batch;
    if (mm.profile.is61()) {
        batch = pcp.batch;
        if (batch > 1) batch = std::max(batch >> order, 2);
    } else {
        batch = nrPcpAlloc612(pcp, z, order);
    }
    RmqueueMode mode = RmqueueMode::Normal;
    // Nobody watches the refill block by block (no micro-step probe) and no
    // CMA balance can redirect it: whole blocks are carved at once.
    const bool carve = !mm.profile.cma && !eventProbeActive();
    for (int i = 0; i < batch;) {
        if (carve && buddy::ownListsFirst(mm, mode)) {
            const int n = carveBlock(z, pcp, list, order, mt, batch - i, cpu, batch, ev);
            if (n) {
                i += n;
                continue;
            }
        }
        ++i;
        const pfn_t p = buddy::rmqueue(mm, z, order, mt, alloc_flags, mode, ev); // inline
        if (p == NO_PFN) break;
        // A block from the CMA area (__rmqueue_cma_fallback) joins the
        // request's list; 6.1 records its CMA type in the page, and the
        // tracepoint names the list it came from.
        const int got_mt =
            mm.profile.cma && pageblockType(z, p) == MIGRATE_CMA ? int{MIGRATE_CMA} : mt;
        list.push_back({p, static_cast<std::int8_t>(got_mt)});
        pcp.count += 1 << order; // counted block by block: each event sees its count
        pcpEvent(ev, BuddyEvent::pcp_refill, z, cpu, p, order, got_mt).nr =
            static_cast<std::uint64_t>(batch);
    }
}

} // namespace

pfn_t rmqueuePcplist(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags, int cpu,
                     EventSink* ev) {
    PerCpuPages& pcp = z.pageset[static_cast<std::size_t>(cpu)];
    if (mm.profile.is61())
        pcp.free_factor >>= 1;
    else
        pcp.free_count >>= 1;
    PcpList& list = pcp.lists[static_cast<std::size_t>(orderToPindex(mt, order))];
    const bool hit = !list.empty();
    if (!hit) {
        rmqueueBulk(mm, z, pcp, list, order, mt, alloc_flags, cpu, ev);
        if (list.empty()) return NO_PFN;
    }
    const PcpPage page = list.front();
    list.pop_front();
    pcp.count -= 1 << order;
    if (hit) {
        pcpEvent(ev, BuddyEvent::pcp_hit, z, cpu, page.pfn, order, mt).nr =
            static_cast<std::uint64_t>(pcp.count);
    }
    return page.pfn;
}

pfn_t rmqueueZone(MmModel& mm, Zone& z, int order, int mt, unsigned alloc_flags, int cpu,
                  EventSink* ev) {
    if (mm.pcp_enabled && pcpAllowedOrder(order) && cpu >= 0 &&
        static_cast<std::size_t>(cpu) < z.pageset.size()) {
        const pfn_t p = rmqueuePcplist(mm, z, order, mt, alloc_flags, cpu, ev);
        if (p != NO_PFN) return p;
    }
    return rmqueueBuddy(mm, z, order, mt, alloc_flags, ev);
}

void freeUnrefPage(MmModel& mm, Zone& z, pfn_t pfn, int order, int cpu, EventSink* ev) {
    if (!mm.pcp_enabled || !pcpAllowedOrder(order) || cpu < 0 ||
        static_cast<std::size_t>(cpu) >= z.pageset.size()) {
        freeOnePage(mm, z, pfn, order, FPI_NONE, ev);
        return;
    }
    // Only the three mobility types have lists: ISOLATE goes straight back,
    // HIGHATOMIC (and CMA) wait on the MOVABLE list.
    const int page_mt = pageblockType(z, pfn);
    int pcp_mt = page_mt;
    if (page_mt >= MIGRATE_PCPTYPES) {
        if (page_mt == MIGRATE_ISOLATE) {
            freeOnePage(mm, z, pfn, order, FPI_NONE, ev);
            return;
        }
        pcp_mt = MIGRATE_MOVABLE;
    }
    freeUnrefPageCommit(mm, z, cpu, pfn, pcp_mt, page_mt, order, ev);
}

std::uint64_t drainZonePages(MmModel& mm, Zone& z, int cpu, EventSink* ev) {
    if (cpu < 0 || static_cast<std::size_t>(cpu) >= z.pageset.size()) return 0;
    PerCpuPages& pcp = z.pageset[static_cast<std::size_t>(cpu)];
    const std::uint64_t before = static_cast<std::uint64_t>(pcp.count);
    // drain_pages_zone(): at most batch << PCP_BATCH_SCALE_MAX pages a round.
    while (pcp.count > 0)
        freePcppagesBulk(mm, z, cpu, std::min(pcp.count, pcp.batch << PCP_BATCH_SCALE_MAX), 0, ev);
    return before;
}

std::uint64_t drainAllPages(MmModel& mm, EventSink* ev) {
    std::uint64_t n = 0;
    const int ncpu = nrCpuIds(mm);
    for (int cpu = 0; cpu < ncpu; ++cpu)
        mm.forEachZone([&](Zone& z) {
            if (z.populated()) n += drainZonePages(mm, z, cpu, ev);
        });
    BuddyEvent e;
    e.kind = BuddyEvent::drain_all_pages;
    e.nr = n;
    emit(ev, e);
    return n;
}

std::uint64_t decayPcpHigh(MmModel& mm, Zone& z, int cpu, EventSink* ev) {
    if (mm.profile.is61() || cpu < 0 || static_cast<std::size_t>(cpu) >= z.pageset.size()) return 0;
    PerCpuPages& pcp = z.pageset[static_cast<std::size_t>(cpu)];
    const int high_min = pcp.high_min, batch = pcp.batch, before_high = pcp.high;
    // An eighth less each time, but never so low that more than
    // batch << PCP_BATCH_SCALE_MAX pages must go at once.
    if (pcp.high > high_min)
        pcp.high = std::max(
            {pcp.count - (batch << PCP_BATCH_SCALE_MAX), pcp.high - (pcp.high >> 3), high_min});
    std::uint64_t freed = 0;
    for (int to_drain = pcp.count - pcp.high; to_drain > 0;) {
        const int n = std::min(to_drain, batch);
        const int before = pcp.count;
        freePcppagesBulk(mm, z, cpu, n, 0, ev);
        freed += static_cast<std::uint64_t>(before - pcp.count);
        to_drain -= n;
    }
    if (pcp.high != before_high || freed) {
        BuddyEvent& e = pcpEvent(ev, BuddyEvent::decay_pcp_high, z, cpu, NO_PFN, 0, -1);
        e.nr = static_cast<std::uint64_t>(pcp.high);
        e.free = static_cast<std::int64_t>(freed);
    }
    return freed;
}

std::uint64_t vmstatUpdate(MmModel& mm, int cpu, EventSink* ev) {
    std::uint64_t n = 0;
    const int ncpu = nrCpuIds(mm);
    for (int c = cpu < 0 ? 0 : cpu; c < (cpu < 0 ? ncpu : cpu + 1); ++c)
        mm.forEachZone([&](Zone& z) {
            if (z.populated()) n += decayPcpHigh(mm, z, c, ev);
        });
    return n;
}

std::uint64_t pcpPages(const Zone& z) {
    std::uint64_t n = 0;
    for (const PerCpuPages& pcp : z.pageset)
        n += static_cast<std::uint64_t>(pcp.count);
    return n;
}

} // namespace mmsim
