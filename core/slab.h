// The slab layer: kmem_cache_create / alloc / free / shrink / destroy,
// kmalloc / kfree, under SLUB (slub.cpp) or classic SLAB (slab_classic.cpp),
// on top of the buddy allocator (page_alloc.h). The geometry is in
// slab_geometry.h, kmalloc's size classes in kmalloc.h, the views in
// slab_view.cpp.
//
// The whole state is a value (SlabState): slabs, lists and objects are
// indices into vectors, so a copy (the simulation's rollback, the
// timeline's checkpoints) is a complete, independent machine.
#pragma once

#include "core/page_alloc.h"
#include "core/slab_geometry.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

constexpr std::uint32_t SLAB_NIL = 0xffffffffu;
constexpr std::uint16_t OBJ_END = 0xffff;   // end of a slab's free object chain
constexpr std::uint16_t OBJ_INUSE = 0xfffe; // the object is allocated

// Which list a slab is on. SLUB: a CPU's active slab, a CPU's partial list,
// the node's partial list, or full (on no list in the kernel unless
// debugging; mmsim tracks it for display). Classic SLAB: the node's
// slabs_full / slabs_partial / slabs_free.
enum class SlabList : std::uint8_t { None, CpuSlab, CpuPartial, Partial, Full, Free };
const char* slabListName(SlabList l);

// An intrusive doubly linked list of slab ids.
struct SlabListHead {
    std::uint32_t head = SLAB_NIL, tail = SLAB_NIL;
    std::uint32_t count = 0;
};

struct Slab {
    pfn_t pfn = NO_PFN;
    std::uint32_t prev = SLAB_NIL, next = SLAB_NIL;
    std::uint16_t free_head = OBJ_END; // first free object
    std::uint16_t inuse = 0;           // objects handed out (SLUB: incl. a CPU's freelist)
    std::uint16_t objects = 0;         // slab->objects: the cache's, or fewer after a fallback
    std::uint8_t order = 0;            // its pages: 1 << order
    std::int16_t nid = 0;
    std::int16_t cpu = -1; // CpuSlab / CpuPartial: whose
    SlabList list = SlabList::None;
    bool live = false; // false: the id is free for reuse
};

// One object of a cache: slab id and index in the slab.
struct SlabObj {
    std::uint32_t slab = SLAB_NIL;
    std::uint16_t idx = 0;
};

// Classic SLAB's array_cache (per CPU and per node "shared").
struct ArrayCache {
    std::vector<SlabObj> entry; // capacity = limit
    std::uint32_t avail = 0, limit = 0, batchcount = 0;
    bool touched = false;
};

struct SlabCpu {
    std::uint32_t slab = SLAB_NIL; // SLUB: the active (cpu) slab
    SlabListHead partial;          // SLUB: per-CPU partial slabs (LIFO)
    ArrayCache ac;                 // SLAB
};

struct SlabNode {
    SlabListHead partial, full, free; // SLUB uses partial + full
    std::uint64_t nr_slabs = 0, total_objects = 0;
    // classic SLAB
    std::uint64_t free_objects = 0; // objects free in the node's slabs
    std::uint64_t free_slabs = 0;
    std::uint64_t free_limit = 0;
    ArrayCache shared;
};

struct KmemCache {
    std::string name;
    SlabGeometry geo;
    gfp_t allocflags = 0; // what slabs are allocated with, on top of the caller's
    bool destroyed = false;
    bool kmalloc = false;
    std::vector<Slab> slabs;
    std::vector<std::uint32_t> free_ids;
    std::vector<std::uint16_t> links; // per slab: geo.objects next-free indices
    std::vector<SlabCpu> cpus;
    std::vector<SlabNode> nodes;
    std::uint64_t objects_out = 0;    // objects the users hold
    std::uint64_t order_fallback = 0; // SLUB's ORDER_FALLBACK stat: slabs of the min order
};

// kmalloc's cache types (enum kmalloc_cache_type, without the random copies).
enum KmallocType : int {
    KMALLOC_NORMAL,
    KMALLOC_RECLAIM,
    KMALLOC_DMA,
    KMALLOC_CGROUP,
    NR_KMALLOC_TYPES
};
constexpr int KMALLOC_SHIFT_HIGH = 13; // kmalloc-8k: larger requests go to the page allocator

struct SlabState {
    bool ready = false;
    SlabPolicy policy = SlabPolicy::Slub;
    bool v61 = false;
    int nr_cpus = 1;
    int nr_nodes = 1;
    std::vector<int> cpu_node;     // node of each CPU
    std::vector<KmemCache> caches; // by id, in creation order (destroyed ones stay, flagged)
    std::array<std::array<std::int32_t, KMALLOC_SHIFT_HIGH + 1>, NR_KMALLOC_TYPES> kmalloc{};
};

// ---- events ----
// Slab micro-events share the buddy allocator's event record and sink;
// their kinds lie above the buddy kinds. Fields: nid (slab's node), cpu,
// pfn (the slab's first page), order (the slab's), nr (cache id); the
// summary kinds (kmem_cache_alloc / kmem_cache_free) end each object
// operation and carry the path in `mark` (SlabPath).
namespace slabev {
constexpr std::uint8_t BASE = 64;
enum : std::uint8_t {
    alloc_fastpath = BASE, // a CPU's freelist (SLUB) / array cache (SLAB) had an object
    alloc_slowpath,        // ___slab_alloc / cache_alloc_refill
    new_slab,              // allocate_slab / cache_grow_begin (the page events follow)
    slab_to_partial,
    slab_to_full,
    slab_to_free,         // classic SLAB's slabs_free
    discard_slab,         // the slab's pages go back to the buddy allocator
    cpu_partial_unfreeze, // a CPU's partial list flushed to the node (__put_partials)
    cpu_partial_put,      // a slab put on a CPU's partial list
    cpu_partial_alloc,    // the CPU slab refilled from the CPU's partial list
    free_fastpath,        // to the CPU's own slab / array cache
    free_slowpath,        // __slab_free / cache_flusharray
    kmem_cache_alloc,     // summary: one object allocated (mark = SlabPath)
    kmem_cache_free,      // summary: one object freed (mark = SlabPath)
    order_fallback,       // allocate_slab(): the preferred order failed, the min order served
    END
};
} // namespace slabev
enum class SlabPath : std::int8_t { fast, slow, new_slab, failed };
bool isSlabEvent(std::uint8_t kind);
const char* slabEventName(std::uint8_t kind);
std::string formatSlabEvent(const BuddyEvent& e);

// ---- set-up ----
// kmem_cache_init(): the kmalloc caches (all types) for the machine. Called
// once the buddy allocator runs.
void slabInit(SlabState& s, const MmModel& mm, SlabPolicy policy, int nr_cpus);

// ---- operations ----
struct SlabResult {
    bool ok = false;
    std::string error; // refused (nothing changed) or failed (message)
};
// kmem_cache_create(): the new cache's id, or -1 and *error.
int kmemCacheCreate(SlabState& s, const std::string& name, unsigned size, unsigned align,
                    std::uint32_t flags, std::string* error);
int findCache(const SlabState& s, const std::string& name); // live caches only; -1
// kmem_cache_alloc(): false when the page allocator failed (OOM; a normal outcome).
bool kmemCacheAlloc(SlabState& s, MmModel& mm, int cache, int cpu, gfp_t gfp, SlabObj* out,
                    EventSink* ev, std::string* reason = nullptr);
// kmem_cache_free(): the object must be allocated (checked by the caller).
void kmemCacheFree(SlabState& s, MmModel& mm, int cache, SlabObj obj, int cpu, EventSink* ev);
// Whether obj is a live (allocated) object of the cache.
bool slabObjLive(const SlabState& s, int cache, SlabObj obj);
// kmem_cache_shrink(): returns 1 when slabs remain (the kernel's return).
int kmemCacheShrink(SlabState& s, MmModel& mm, int cache, EventSink* ev);
// kmem_cache_destroy(): the kernel's lines (BUG report and WARN when objects
// remain: the cache is unlinked anyway and its slabs leak, as in the kernel).
std::vector<std::string> kmemCacheDestroy(SlabState& s, MmModel& mm, int cache, EventSink* ev,
                                          const std::string& caller);

// Whether 'name' is one of the kmalloc caches slabInit() creates for the policy.
bool isKmallocCacheName(SlabPolicy policy, const std::string& name);
// kmalloc: the cache serving (size, gfp), or -1 above KMALLOC_MAX_CACHE_SIZE.
int kmallocCache(const SlabState& s, std::size_t size, gfp_t gfp);
std::size_t kmallocMaxCacheSize(const SlabState& s);
// kmalloc_index(): the size class index (1 = 96, 2 = 192, else log2).
int kmallocIndex(const SlabState& s, std::size_t size);

// ---- inspection ----
struct SlabInfoRow {
    std::string name;
    std::uint64_t active_objs = 0, num_objs = 0;
    unsigned objsize = 0, objperslab = 0, pagesperslab = 0;
    unsigned limit = 0, batchcount = 0, shared = 0;
    std::uint64_t active_slabs = 0, num_slabs = 0, shared_avail = 0;
};
SlabInfoRow slabInfoRow(const SlabState& s, int cache);
// /proc/slabinfo (version 2.1), newest cache first as the kernel's list.
std::string viewSlabinfo(const SlabState& s);
// slab_out_of_memory(): the kernel's warning when a cache could not get a
// slab (SLUB; classic SLAB prints only with CONFIG_DEBUG_SLAB, so nothing).
// The caller checks __GFP_NOWARN; gfp_text is the flags as %pGg prints them.
std::vector<std::string> slabOutOfMemory(const SlabState& s, int cache, int cpu, unsigned gfp,
                                         const std::string& gfp_text);
// slabtop-like summary sorted by cache size (objects * objsize), largest first.
std::string viewSlabtop(const SlabState& s);

// Per-cache detail for the GUI.
struct SlabDetail {
    std::uint32_t id = 0;
    pfn_t pfn = NO_PFN;
    int order = 0, nid = 0, cpu = -1;
    unsigned inuse = 0, objects = 0;
    SlabList list = SlabList::None;
    bool fallback = false; // a min-order slab (order below the cache's)
};
struct CacheDetail {
    std::string name;
    SlabGeometry geo;
    std::uint64_t order_fallback = 0; // slabs allocated at the min order so far
    std::vector<SlabDetail> slabs;    // every live slab
    struct Cpu {
        std::uint32_t slab = SLAB_NIL;
        std::vector<std::uint32_t> partial;            // SLUB
        unsigned avail = 0, limit = 0, batchcount = 0; // SLAB array cache
    };
    std::vector<Cpu> cpus;
    struct Node {
        std::uint64_t nr_partial = 0, nr_full = 0, nr_free = 0, nr_slabs = 0;
        unsigned min_partial = 0;
        std::uint64_t free_limit = 0, shared_avail = 0;
    };
    std::vector<Node> nodes;
};
CacheDetail cacheDetail(const SlabState& s, int cache);

// The first violated invariant, or "": per-slab in-use counts add up to the
// cache's objects, every slab on exactly the list it says, list counts
// right, every slab's pages allocated in the buddy allocator once.
std::string checkSlabInvariants(const SlabState& s, const MmModel& mm);

} // namespace mmsim
