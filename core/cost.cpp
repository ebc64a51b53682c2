// The cycle cost model. Where the default figures come from (all are
// order-of-magnitude teaching figures for a current x86-64 server core at
// 2-3 GHz, chosen so the ratios between the allocator's paths are right;
// none is a measurement of one machine):
//
// - Memory hierarchy (Intel 64 and IA-32 Optimization Reference Manual;
//   the per-microarchitecture tables of 7-cpu.com; Drepper, "What Every
//   Programmer Should Know About Memory"): L1 hit ~4-5 cycles, L2 ~12-14,
//   L3 ~40-70, local DRAM ~200-300. A remote node's DRAM costs ~1.5-2.5x
//   local, which is what the SLIT distance/10 factor (21 -> 2.1x) models.
// - Locks: an uncontended LOCK CMPXCHG ~20 cycles, with
//   local_irq_save/restore ~50; zone->lock taken by several CPUs bounces
//   its cache line between cores (hundreds of cycles): the contention
//   Mel Gorman's per-CPU list series (2021-2023, mm/page_alloc) and the
//   "zone lock" discussions on linux-mm set out to avoid.
// - The page allocator as a whole: Jesper Dangaard Brouer's page_bench
//   measurements (LSF/MM 2016-2017, "page allocator bottlenecks") put an
//   order-0 alloc+free pair through the per-CPU lists at ~200-300 cycles
//   including the page preparation, and the buddy path (zone lock, split)
//   at several times that; higher orders grow with each split or merge.
// - A per-CPU list hit is a list_del on a local, hot list: tens of cycles.
// - A split (expand()) or merge (__free_one_page()) touches the struct page
//   of the buddy (often an L2/L3 miss: 64 bytes each) and a free list head:
//   tens of cycles per level.
// - move_freepages_block() walks the 512 struct pages of a pageblock
//   (32 KiB of memmap, most of it not in L1): thousands of cycles.
// - Waking kswapd (try_to_wake_up, perhaps an IPI) and draining all CPUs'
//   lists (work items on every CPU) cost thousands.
// Reclaim and compaction are not modelled and cost 0.
// - The slab layer: SLUB's fast path is one this_cpu_cmpxchg on the CPU's
//   freelist with no lock and no interrupt toggle; Jesper Dangaard Brouer's
//   slab_bulk_test01 / "SLUB fastpath" measurements (LKML, 2015, the
//   kmem_cache_alloc_bulk series) put an alloc+free pair on the fast path at
//   ~45-50 cycles, i.e. ~20-25 each; classic SLAB's array-cache hit is of the
//   same order. The slow path saves interrupts and takes the node's
//   list_lock (Brouer: a few hundred cycles per slow-path round trip); moving
//   a slab between lists is a list_del/list_add on lines likely in L2/L3
//   (tens of cycles). A new slab costs its page allocation (charged by the
//   page allocator's own events) plus writing the free chain through every
//   object of the slab and setting up struct slab: hundreds of cycles;
//   discarding one costs the page free plus clearing the slab state.
//   Flushing a CPU's partial list (unfreeze) walks it under the node lock.
#include "core/cost.h"

#include "core/slab.h"
#include "core/strfmt.h"

#include <algorithm>
#include <cstring>

namespace mmsim {

const std::vector<CostModel::Field>& CostModel::fields() {
    static const std::vector<Field> f = {
        {"watermark_check", &CostModel::watermark_check},
        {"zone_lock", &CostModel::zone_lock},
        {"rmqueue_smallest", &CostModel::rmqueue_smallest},
        {"buddy_split", &CostModel::buddy_split},
        {"mm_page_alloc_extfrag", &CostModel::mm_page_alloc_extfrag},
        {"pageblock_steal", &CostModel::pageblock_steal},
        {"boost_watermark", &CostModel::boost_watermark},
        {"reserve_highatomic", &CostModel::reserve_highatomic},
        {"buddy_merge", &CostModel::buddy_merge},
        {"mm_page_alloc", &CostModel::mm_page_alloc},
        {"mm_page_free", &CostModel::mm_page_free},
        {"alloc_fail", &CostModel::alloc_fail},
        {"kswapd_wake", &CostModel::kswapd_wake},
        {"direct_reclaim", &CostModel::direct_reclaim},
        {"nofragment_retry", &CostModel::nofragment_retry},
        {"pcp_hit", &CostModel::pcp_hit},
        {"pcp_refill", &CostModel::pcp_refill},
        {"pcp_free", &CostModel::pcp_free},
        {"mm_page_pcpu_drain", &CostModel::mm_page_pcpu_drain},
        {"drain_all_pages", &CostModel::drain_all_pages},
        {"unreserve_highatomic", &CostModel::unreserve_highatomic},
        {"decay_pcp_high", &CostModel::decay_pcp_high},
        {"slab_alloc_fastpath", &CostModel::slab_alloc_fastpath},
        {"slab_free_fastpath", &CostModel::slab_free_fastpath},
        {"slab_alloc_slowpath", &CostModel::slab_alloc_slowpath},
        {"slab_free_slowpath", &CostModel::slab_free_slowpath},
        {"cpu_partial_alloc", &CostModel::cpu_partial_alloc},
        {"cpu_partial_put", &CostModel::cpu_partial_put},
        {"cpu_partial_unfreeze", &CostModel::cpu_partial_unfreeze},
        {"new_slab", &CostModel::new_slab},
        {"slab_to_partial", &CostModel::slab_to_partial},
        {"slab_to_full", &CostModel::slab_to_full},
        {"slab_to_free", &CostModel::slab_to_free},
        {"discard_slab", &CostModel::discard_slab},
        {"kmem_cache_alloc", &CostModel::kmem_cache_alloc},
        {"kmem_cache_free", &CostModel::kmem_cache_free},
        {"order_fallback", &CostModel::order_fallback},
        {"other", &CostModel::other},
    };
    return f;
}

std::uint32_t* CostModel::find(const std::string& name) {
    for (const Field& f : fields())
        if (name == f.name) return &(this->*f.cycles);
    return nullptr;
}

const char* eventKindName(BuddyEvent::Kind k) {
    return isSlabEvent(k) ? slabEventName(k) : buddyEventName(k);
}

const char* costPathName(CostPath p) {
    static const char* const n[] = {"pcp_hit", "buddy",     "fallback",  "slow",    "failure",
                                    "free",    "merge",     "slab_fast", "slab_slow", "slab_new"};
    return n[static_cast<int>(p)];
}

void LatencyHistogram::add(std::uint64_t c) {
    const int b = c ? std::min(63 - __builtin_clzll(c), NR_BUCKETS - 1) : 0;
    ++buckets[static_cast<std::size_t>(b)];
    min = count ? std::min(min, c) : c;
    max = count ? std::max(max, c) : c;
    ++count;
    sum += c;
}

int cpuToNode(const MmModel& mm, int cpu) {
    for (const Node& n : mm.nodes)
        for (int c : n.cpus)
            if (c == cpu) return n.nid;
    return 0;
}

namespace {

// Kind flags resolved by name, so kinds the pcp layer adds are recognised
// once they carry these names.
enum : std::uint8_t { K_LOCK = 1, K_PCP_FREE = 2 };

} // namespace

CycleClock CycleClock::withoutStepRecords() const {
    CycleClock c;
    c.model_ = model_;
    c.table_ = table_;
    c.stats_.now = stats_.now;
    c.stats_.op_names = stats_.op_names;
    c.stats_.paths = stats_.paths;
    c.stats_.event_count = stats_.event_count;
    c.stats_.event_cycles = stats_.event_cycles;
    c.last_cycles_ = last_cycles_;
    c.last_ops_ = last_ops_;
    return c;
}

void CycleClock::rewindTo(const CycleClock& saved, std::size_t n_steps,
                          const std::vector<StepCycles>* history) {
    std::vector<StepCycles> steps = std::move(stats_.steps);
    if (history && steps.size() < n_steps && history->size() >= n_steps)
        steps.insert(steps.end(), history->begin() + static_cast<long>(steps.size()),
                     history->begin() + static_cast<long>(n_steps));
    steps.resize(std::min(n_steps, steps.size()));
    *this = saved;
    stats_.steps = std::move(steps);
}

CycleClock::CycleClock(const CostModel& m) : model_(m) {
    for (int k = 0; k < 256; ++k) {
        const char* name = eventKindName(static_cast<BuddyEvent::Kind>(k));
        std::uint32_t c = model_.other;
        for (const CostModel::Field& f : CostModel::fields())
            if (std::strcmp(name, f.name) == 0) c = model_.*f.cycles;
        table_[static_cast<std::size_t>(k)] = c;
    }
}

std::uint64_t CycleClock::cost(const BuddyEvent& e, int cpu_nid, const MmModel& mm) const {
    std::uint64_t c = table_[e.kind];
    if (model_.numa_factor && e.nid >= 0 && e.nid != cpu_nid)
        c = c * static_cast<std::uint64_t>(mm.nodeDistance(cpu_nid, e.nid)) / 10;
    return c;
}

std::uint64_t CycleClock::charge(const std::string& op, int cpu, const EventSink& events,
                                 const MmModel& mm) {
    // Operation names are few: a linear search is fine.
    std::uint32_t op_idx = 0;
    while (op_idx < stats_.op_names.size() && stats_.op_names[op_idx] != op)
        ++op_idx;
    if (op_idx == stats_.op_names.size()) stats_.op_names.push_back(op);

    const int nid = cpuToNode(mm, cpu);
    last_cycles_.resize(events.size());
    last_ops_.clear();
    static const auto named = [] {
        std::array<std::uint8_t, 256> f{};
        for (int k = 0; k < 256; ++k) {
            const char* n = eventKindName(static_cast<BuddyEvent::Kind>(k));
            // Work on the buddy free lists: under zone->lock.
            for (const char* l : {"rmqueue_smallest", "buddy_split", "mm_page_alloc_extfrag",
                                  "pageblock_steal", "reserve_highatomic", "buddy_merge",
                                  "pcp_refill", "mm_page_pcpu_drain", "unreserve_highatomic"})
                if (!std::strcmp(n, l)) f[static_cast<std::size_t>(k)] |= K_LOCK;
            if (!std::strcmp(n, "pcp_free")) f[static_cast<std::size_t>(k)] |= K_PCP_FREE;
        }
        return f;
    }();

    std::uint64_t total = 0;
    std::size_t i = 0;
    const std::size_t n = events.size();
    while (i < n) {
        // One operation: up to and including mm_page_alloc, or from an
        // mm_page_free up to the next mm_page_free / mm_page_alloc's op.
        std::size_t end = i;
        bool is_alloc = false;
        // A slab operation runs up to its summary event (kmem_cache_alloc /
        // kmem_cache_free), page events of new or discarded slabs included.
        bool in_slab = isSlabEvent(events[i].kind), slab_op = false;
        int slab_path = -1;
        if (events[i].kind == BuddyEvent::mm_page_free) ++end;
        for (; end < n; ++end) {
            const std::uint8_t k = events[end].kind;
            if (k == slabev::kmem_cache_alloc || k == slabev::kmem_cache_free) {
                slab_op = true;
                slab_path = events[end].mark;
                ++end;
                break;
            }
            if (isSlabEvent(k)) {
                in_slab = true;
                continue;
            }
            if (in_slab) continue;
            if (events[end].kind == BuddyEvent::mm_page_alloc) {
                is_alloc = true;
                ++end;
                break;
            }
            if (events[end].kind == BuddyEvent::mm_page_free) break;
        }
        if (end == i) ++end; // never an empty operation
        bool pcp_free = false;
        for (std::size_t j = i; j < end; ++j)
            pcp_free |= named[events[j].kind] & K_PCP_FREE;
        OpCost o;
        o.first = static_cast<std::uint32_t>(i);
        o.n = static_cast<std::uint32_t>(end - i);
        bool locked = false, took = false, fallback = false, slow = false, merged = false,
             failed = false;
        for (std::size_t j = i; j < end; ++j) {
            const BuddyEvent& e = events[j];
            std::uint64_t c = table_[e.kind];
            const bool takes_lock =
                (named[e.kind] & K_LOCK) || (e.kind == BuddyEvent::mm_page_free && !pcp_free);
            if (takes_lock && !locked) {
                c += model_.zone_lock;
                locked = true;
            }
            if (model_.numa_factor && e.nid >= 0 && e.nid != nid)
                c = c * static_cast<std::uint64_t>(mm.nodeDistance(nid, e.nid)) / 10;
            last_cycles_[j] = c;
            o.cycles += c;
            ++stats_.event_count[e.kind];
            stats_.event_cycles[e.kind] += c;
            switch (e.kind) {
            case BuddyEvent::rmqueue_smallest:
                took = true;
                break;
            case BuddyEvent::mm_page_alloc_extfrag:
            case BuddyEvent::pageblock_steal:
                fallback = true;
                break;
            case BuddyEvent::buddy_merge:
                merged = true;
                break;
            case BuddyEvent::watermark_check:
                slow |= (e.alloc_flags & allocflag::WMARK_MASK) != allocflag::WMARK_LOW ||
                        (e.alloc_flags & allocflag::NO_WATERMARKS);
                break;
            case BuddyEvent::alloc_fail:
                failed = true;
                break;
            case BuddyEvent::mm_page_alloc:
                failed |= e.pfn == NO_PFN;
                break;
            default:
                break;
            }
        }
        if (slab_op)
            o.path = slab_path == static_cast<int>(SlabPath::fast)       ? CostPath::slab_fast
                     : slab_path == static_cast<int>(SlabPath::slow)     ? CostPath::slab_slow
                     : slab_path == static_cast<int>(SlabPath::new_slab) ? CostPath::slab_new
                                                                          : CostPath::failure;
        else if (is_alloc)
            o.path = failed     ? CostPath::failure
                     : slow     ? CostPath::slow
                     : fallback ? CostPath::fallback
                     : took     ? CostPath::buddy
                                : CostPath::pcp_hit;
        else
            o.path = merged ? CostPath::merge : CostPath::free;
        stats_.paths[static_cast<std::size_t>(o.path)].add(o.cycles);
        total += o.cycles;
        last_ops_.push_back(o);
        i = end;
    }
    StepCycles s;
    s.op = op_idx;
    s.cpu = static_cast<std::int16_t>(cpu);
    s.start = stats_.now;
    s.cycles = total;
    stats_.steps.push_back(s);
    stats_.now += total;
    return total;
}

// ---- views ----

namespace {

std::string histogram(const LatencyHistogram& h) {
    std::string out;
    int hi = 0;
    for (int b = 0; b < LatencyHistogram::NR_BUCKETS; ++b)
        if (h.buckets[static_cast<std::size_t>(b)]) hi = b;
    std::uint64_t most = 1;
    for (std::uint64_t v : h.buckets)
        most = std::max(most, v);
    int lo = hi;
    for (int b = 0; b <= hi; ++b)
        if (h.buckets[static_cast<std::size_t>(b)]) {
            lo = b;
            break;
        }
    for (int b = lo; b <= hi; ++b) {
        const std::uint64_t v = h.buckets[static_cast<std::size_t>(b)];
        const std::uint64_t from = b ? 1ull << b : 0, to = (1ull << (b + 1)) - 1;
        out += strprintf(
            "  %10llu .. %-10llu %10llu |%s\n", (unsigned long long)from, (unsigned long long)to,
            (unsigned long long)v,
            std::string(static_cast<std::size_t>((v * 40 + most - 1) / most), '#').c_str());
    }
    return out;
}

} // namespace

std::string viewCycles(const CycleStats& st) {
    std::string out =
        strprintf("clock: %llu cycles\nsteps: %zu\n", (unsigned long long)st.now, st.steps.size());
    out += "\nper operation (cycles per step):\n";
    out += strprintf("  %-24s %10s %12s %10s %10s %10s\n", "op", "count", "total", "avg", "min",
                     "max");
    for (std::size_t k = 0; k < st.op_names.size(); ++k) {
        std::uint64_t cnt = 0, sum = 0, mn = 0, mx = 0;
        for (const StepCycles& s : st.steps) {
            if (s.op != k) continue;
            mn = cnt ? std::min(mn, s.cycles) : s.cycles;
            mx = cnt ? std::max(mx, s.cycles) : s.cycles;
            ++cnt;
            sum += s.cycles;
        }
        out += strprintf("  %-24s %10llu %12llu %10llu %10llu %10llu\n", st.op_names[k].c_str(),
                         (unsigned long long)cnt, (unsigned long long)sum,
                         (unsigned long long)(cnt ? sum / cnt : 0), (unsigned long long)mn,
                         (unsigned long long)mx);
    }
    out += "\nper event kind:\n";
    out += strprintf("  %-24s %10s %12s\n", "event", "count", "cycles");
    for (int k = 0; k < 256; ++k) {
        if (!st.event_count[static_cast<std::size_t>(k)]) continue;
        out +=
            strprintf("  %-24s %10llu %12llu\n", eventKindName(static_cast<BuddyEvent::Kind>(k)),
                      (unsigned long long)st.event_count[static_cast<std::size_t>(k)],
                      (unsigned long long)st.event_cycles[static_cast<std::size_t>(k)]);
    }
    out += "\nper path (cycles per allocation or free):\n";
    out += strprintf("  %-24s %10s %10s %10s %10s\n", "path", "count", "avg", "min", "max");
    for (int p = 0; p < NR_COST_PATHS; ++p) {
        const LatencyHistogram& h = st.paths[static_cast<std::size_t>(p)];
        out += strprintf("  %-24s %10llu %10llu %10llu %10llu\n",
                         costPathName(static_cast<CostPath>(p)), (unsigned long long)h.count,
                         (unsigned long long)(h.count ? h.sum / h.count : 0),
                         (unsigned long long)h.min, (unsigned long long)h.max);
    }
    for (int p = 0; p < NR_COST_PATHS; ++p) {
        const LatencyHistogram& h = st.paths[static_cast<std::size_t>(p)];
        if (!h.count) continue;
        out += strprintf("\nlatency histogram: %s (cycles, count)\n",
                         costPathName(static_cast<CostPath>(p)));
        out += histogram(h);
    }
    return out;
}

std::string traceHeader() {
    return "# tracer: nop\n"
           "#\n"
           "# mmsim: TIMESTAMP is the simulated clock in CPU cycles (the cost model),\n"
           "# at the completion of each event\n"
           "#\n"
           "#           TASK-PID     CPU#  |||||     TIMESTAMP  FUNCTION\n"
           "#              | |         |   |||||         |         |\n";
}

std::string traceLines(const EventSink& events, const std::vector<std::uint64_t>& cycles,
                       std::uint64_t step_start, int cpu, const KernelProfile& p) {
    std::string out;
    std::uint64_t t = step_start;
    for (std::size_t i = 0; i < events.size(); ++i) {
        t += i < cycles.size() ? cycles[i] : 0;
        // Per-CPU list events name their CPU; the others run on the step's.
        const int c = events[i].cpu >= 0 ? events[i].cpu : cpu;
        out += strprintf("%16s-%-7d [%03d] ..... %13llu: %s\n", "mmsim", 0, c,
                         (unsigned long long)t, (isSlabEvent(events[i].kind) ? formatSlabEvent(events[i]) : formatBuddyEvent(events[i], p)).c_str());
    }
    return out;
}

} // namespace mmsim
