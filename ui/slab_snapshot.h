// The slab part of a Snapshot: every live cache with its slabtop numbers
// and its slabs sorted into lanes (a CPU's active slab, a CPU's partial
// list, a node's partial / full / free list), built on the simulation's
// thread. Lanes keep their first kMaxLaneSlabs slabs (head first) and the
// true count, so a cache of a million slabs costs no more than a small one.
#pragma once

#include "core/slab.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace mmsim {
class Simulation;
}

namespace mmsim::ui {

constexpr int kMaxLaneSlabs = 256;
constexpr unsigned kMaxSlotMap = 1024; // slabs with more objects keep only their count

// One slab: where it lies and how full it is.
struct SlabBarSnap {
    std::uint32_t id = 0; // the slab's index in its cache (reused after a discard)
    std::uint64_t pfn = 0;
    int order = 0;
    int nid = 0;
    int cpu = -1;
    unsigned inuse = 0;
    unsigned objects = 0;
    mmsim::SlabList list = mmsim::SlabList::None;
    std::vector<std::uint8_t> used; // per object slot: 1 in use (empty above kMaxSlotMap)
    bool slotUsed(unsigned i) const { return used.empty() ? i < inuse : used[i] != 0; }
};

// One list of slabs (or, kind ArrayCache, a classic SLAB array_cache of
// object pointers: no slabs, avail of limit slots).
struct SlabLaneSnap {
    enum Kind { Slabs, ArrayCache } kind = Slabs;
    mmsim::SlabList list = mmsim::SlabList::None;
    int cpu = -1;                                  // per-CPU lanes
    int nid = -1;                                  // node lanes (and the node's shared array)
    std::uint64_t count = 0;                       // slabs on the list (all of them)
    std::uint64_t inuse = 0;                       // objects in use in those slabs
    std::vector<SlabBarSnap> slabs;                // head first, at most kMaxLaneSlabs
    unsigned avail = 0, limit = 0, batchcount = 0; // ArrayCache
};

struct SlabCacheSnap {
    int id = -1; // index in SlabState::caches
    QString name;
    bool kmalloc = false;
    unsigned object_size = 0; // as asked
    unsigned size = 0;        // slot size (slabinfo's objsize)
    unsigned objperslab = 0;
    unsigned order = 0;
    unsigned align = 0;
    // slabinfo / slabtop numbers (core's slabInfoRow)
    std::uint64_t active_objs = 0, num_objs = 0, active_slabs = 0, num_slabs = 0;
    unsigned limit = 0, batchcount = 0, shared = 0;
    std::uint64_t shared_avail = 0;
    unsigned min_partial = 0, cpu_partial_slabs = 0;
    std::uint64_t objects_out = 0; // objects the users hold
    std::uint64_t slab_inuse = 0;  // objects taken from the slabs (SLAB: with the array caches')
    // slabs per list, over every CPU and node
    std::uint64_t nr_cpu_slab = 0, nr_cpu_partial = 0, nr_partial = 0, nr_full = 0, nr_free = 0;
    std::vector<SlabLaneSnap> lanes; // in display order
    unsigned pagesPerSlab() const { return 1u << order; }
    std::uint64_t cacheSizeKiB() const { return num_slabs * pagesPerSlab() * 4; }
    unsigned usePercent() const {
        return num_objs ? static_cast<unsigned>(100 * active_objs / num_objs) : 0;
    }
};

struct SlabSnap {
    bool ready = false;
    bool classic = false; // CONFIG_SLAB (slabs_free lists, array caches)
    int nr_cpus = 0;
    int nr_nodes = 0;
    std::vector<SlabCacheSnap> caches; // live caches, in creation order
    int last_cache = -1;               // the cache the last step's slab events touched (id)
    // (cache id, slab pfn) of every slab the last step's events name, sorted.
    std::vector<std::pair<int, std::uint64_t>> touched;
    bool wasTouched(int cache, std::uint64_t pfn) const;
    const SlabCacheSnap* find(int id) const;
    QString allocatorName() const {
        return classic ? QStringLiteral("SLAB") : QStringLiteral("SLUB");
    }
};

// "1 slab", "3 slabs".
inline QString plural(std::uint64_t n, const char* one, const char* many) {
    return QStringLiteral("%1 %2").arg(n).arg(QString::fromLatin1(n == 1 ? one : many));
}

// Plain-language account of one slab micro-event (core's explainEvent
// covers the page allocator's), and a paragraph summing up a step's slab
// events ("" when it had none).
QString explainSlabEvent(const mmsim::BuddyEvent& e);
QString slabStepSummary(const mmsim::EventSink& events);

std::shared_ptr<const SlabSnap> makeSlabSnap(const mmsim::SlabState& s,
                                             const mmsim::EventSink& last_events);
std::shared_ptr<const SlabSnap> makeSlabSnap(const mmsim::Simulation& sim);

} // namespace mmsim::ui
