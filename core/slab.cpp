// The slab layer's common part: caches, kmalloc's size classes, slab pages
// from and back to the buddy allocator, the invariant checker and the
// per-cache detail. The two policies' runtimes are in slub.cpp and
// slab_classic.cpp.
//
// A slab allocator turns pages into objects. Each cache (kmem_cache) serves
// objects of one size; it takes slabs - runs of 2^order pages - from the
// page allocator, cuts each into slots (slab_geometry.cpp), and hands the
// slots out one by one. A slab is always in one of three states: full (no
// free slot), partial, or empty; the policies differ in how they keep track
// of these slabs and in what they keep per CPU so that the common case -
// allocate and free on the same CPU - takes no lock. An empty slab is
// eventually given back to the page allocator, but not at once: the caches
// keep a few (SLUB: min_partial partial slabs per node; SLAB: up to
// free_limit free objects per node) to absorb the next burst.
//
// kmalloc() is a set of ready-made caches, one per size class (8, 16, 32,
// 64, 96, 128, 192, 256, ... 8k; classic SLAB starts at 32), in four
// flavours chosen by the GFP flags: normal, reclaimable (__GFP_RECLAIMABLE:
// kmalloc-rcl-*), DMA (__GFP_DMA: dma-kmalloc-*) and memcg-accounted
// (__GFP_ACCOUNT: kmalloc-cg-*). Requests above 8 KiB skip the slab layer
// and take pages straight from the buddy allocator; kfree() tells the two
// apart by the page the pointer lies in.
#include "core/slab_internal.h"

#include "core/strfmt.h"

#include <algorithm>

namespace mmsim {

using namespace slabi;

const char* slabListName(SlabList l) {
    switch (l) {
    case SlabList::None:
        return "none";
    case SlabList::CpuSlab:
        return "cpu_slab";
    case SlabList::CpuPartial:
        return "cpu_partial";
    case SlabList::Partial:
        return "partial";
    case SlabList::Full:
        return "full";
    case SlabList::Free:
        return "free";
    }
    return "?";
}

// ---- events ----

bool isSlabEvent(std::uint8_t k) {
    return k >= slabev::BASE && k < slabev::END;
}

const char* slabEventName(std::uint8_t k) {
    static const char* const n[] = {
        "slab_alloc_fastpath", "slab_alloc_slowpath", "new_slab",           "slab_to_partial",
        "slab_to_full",        "slab_to_free",        "discard_slab",       "cpu_partial_unfreeze",
        "cpu_partial_put",     "cpu_partial_alloc",   "slab_free_fastpath", "slab_free_slowpath",
        "kmem_cache_alloc",    "kmem_cache_free",     "order_fallback"};
    return isSlabEvent(k) ? n[k - slabev::BASE] : "?";
}

std::string formatSlabEvent(const BuddyEvent& e) {
    std::string s = strprintf("%s: cache=%llu", slabEventName(e.kind), (unsigned long long)e.nr);
    if (e.cpu >= 0) s += strprintf(" cpu=%d", e.cpu);
    if (e.pfn != NO_PFN)
        s += strprintf(" slab_pfn=0x%llx order=%d node=%d", (unsigned long long)e.pfn, e.order,
                       e.nid);
    if (int{e.kind} == slabev::kmem_cache_alloc || int{e.kind} == slabev::kmem_cache_free) {
        static const char* const p[] = {"fast", "slow", "new_slab", "failed"};
        s += strprintf(" path=%s", e.mark >= 0 && e.mark < 4 ? p[e.mark] : "?");
    }
    return s;
}

// ---- kmalloc ----

namespace {

const char* kmallocPrefix(int type) {
    static const char* const p[] = {"kmalloc-", "kmalloc-rcl-", "dma-kmalloc-", "kmalloc-cg-"};
    return p[type];
}

unsigned kmallocSizeOf(int idx) {
    return idx == 1 ? 96 : idx == 2 ? 192 : 1u << idx;
}

std::string kmallocName(int type, int idx) {
    const unsigned sz = kmallocSizeOf(idx);
    return std::string(kmallocPrefix(type)) +
           (sz >= 1024 ? std::to_string(sz / 1024) + "k" : std::to_string(sz));
}

// kmalloc_size_index[]: the class of sizes 1..192 in steps of 8.
constexpr std::uint8_t kSizeIndex[24] = {3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1,
                                         7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2};

int kmallocShiftLow(const SlabState& s) {
    return s.policy == SlabPolicy::Slab ? 5 : 3;
}

} // namespace

bool isKmallocCacheName(SlabPolicy policy, const std::string& name) {
    SlabState s;
    s.policy = policy;
    for (int type = 0; type < NR_KMALLOC_TYPES; ++type)
        for (int idx = 1; idx <= KMALLOC_SHIFT_HIGH; ++idx)
            if ((idx <= 2 || idx >= kmallocShiftLow(s)) && kmallocName(type, idx) == name)
                return true;
    return false;
}

std::size_t kmallocMaxCacheSize(const SlabState&) {
    return std::size_t(1) << KMALLOC_SHIFT_HIGH;
}

int kmallocIndex(const SlabState& s, std::size_t size) {
    if (size == 0 || size > kmallocMaxCacheSize(s)) return -1;
    if (size <= 192) {
        int idx = kSizeIndex[(size - 1) / 8];
        // setup_kmalloc_cache_index_table(): below KMALLOC_MIN_SIZE, the smallest class.
        if (size < (1u << kmallocShiftLow(s))) idx = kmallocShiftLow(s);
        if (idx > 2 && idx < kmallocShiftLow(s)) idx = kmallocShiftLow(s);
        return idx;
    }
    return 64 - __builtin_clzll(static_cast<unsigned long long>(size - 1));
}

int kmallocCache(const SlabState& s, std::size_t size, gfp_t gfp) {
    const int idx = kmallocIndex(s, size);
    if (idx < 0) return -1;
    int type = KMALLOC_NORMAL;
    if (gfp & gfpbit::DMA)
        type = KMALLOC_DMA;
    else if (gfp & gfpbit::RECLAIMABLE)
        type = KMALLOC_RECLAIM;
    else if (gfp & gfpbit::ACCOUNT)
        type = KMALLOC_CGROUP;
    return s.kmalloc[static_cast<std::size_t>(type)][static_cast<std::size_t>(idx)];
}

namespace {

int createCacheRaw(SlabState& s, const std::string& name, unsigned size, unsigned align,
                   std::uint32_t flags, std::string* error) {
    GeometryParams p;
    p.policy = s.policy;
    p.v61 = s.v61;
    p.object_size = size;
    p.align = align;
    p.flags = flags;
    p.nr_cpus = static_cast<unsigned>(s.nr_cpus);
    KmemCache c;
    c.name = name;
    c.geo = computeGeometry(p);
    if (!c.geo.ok || c.geo.objects > 0xfff0) {
        if (error)
            *error = "no slab order can hold one object of " + std::to_string(size) + " bytes";
        return -1;
    }
    c.kmalloc = flags & slabflag::KMALLOC;
    c.allocflags = gfpbit::COMP;
    if (flags & slabflag::CACHE_DMA) c.allocflags |= gfpbit::DMA;
    if (flags & slabflag::RECLAIM_ACCOUNT) c.allocflags |= gfpbit::RECLAIMABLE;
    c.cpus.resize(static_cast<std::size_t>(s.nr_cpus));
    c.nodes.resize(static_cast<std::size_t>(s.nr_nodes));
    if (s.policy == SlabPolicy::Slab) classicInitCache(s, c);
    s.caches.push_back(std::move(c));
    return static_cast<int>(s.caches.size() - 1);
}

void newKmallocCache(SlabState& s, int idx, int type) {
    const unsigned size = kmallocSizeOf(idx);
    std::uint32_t flags = slabflag::KMALLOC;
    if (type == KMALLOC_RECLAIM) flags |= slabflag::RECLAIM_ACCOUNT;
    if (type == KMALLOC_CGROUP) flags |= slabflag::ACCOUNT;
    if (type == KMALLOC_DMA) flags |= slabflag::CACHE_DMA;
    if (s.policy == SlabPolicy::Slab) flags |= slabflag::HWCACHE_ALIGN; // ARCH_KMALLOC_FLAGS
    unsigned align = 8;                                                 // ARCH_KMALLOC_MINALIGN
    if (s.v61) {
        if ((size & (size - 1)) == 0) align = std::max(align, size);
    } else {
        align = std::max(align, size & (~size + 1)); // largest power-of-two divisor
    }
    const int id = createCacheRaw(s, kmallocName(type, idx), size, align, flags, nullptr);
    s.kmalloc[static_cast<std::size_t>(type)][static_cast<std::size_t>(idx)] = id;
}

} // namespace

void slabInit(SlabState& s, const MmModel& mm, SlabPolicy policy, int nr_cpus) {
    s = SlabState{};
    s.policy = policy;
    s.v61 = mm.profile.is61();
    s.nr_cpus = std::max(1, nr_cpus);
    s.nr_nodes = std::max<int>(1, static_cast<int>(mm.nodes.size()));
    s.cpu_node.assign(static_cast<std::size_t>(s.nr_cpus), 0);
    for (const Node& n : mm.nodes)
        for (int c : n.cpus)
            if (c >= 0 && c < s.nr_cpus) s.cpu_node[static_cast<std::size_t>(c)] = n.nid;
    for (auto& t : s.kmalloc)
        t.fill(-1);
    const int low = kmallocShiftLow(s);
    // The kernel's creation order (newest is listed first by /proc/slabinfo).
    if (s.v61) {
        // 6.1: NORMAL, CGROUP, RECLAIM, DMA; 96 after 64 and 192 after 128.
        for (int type : {KMALLOC_NORMAL, KMALLOC_CGROUP, KMALLOC_RECLAIM, KMALLOC_DMA})
            for (int i = low; i <= KMALLOC_SHIFT_HIGH; ++i) {
                newKmallocCache(s, i, type);
                if (i == 6) newKmallocCache(s, 1, type);
                if (i == 7) newKmallocCache(s, 2, type);
            }
    } else {
        // 6.12: NORMAL, RECLAIM, DMA, CGROUP; 96 and 192 first.
        for (int type : {KMALLOC_NORMAL, KMALLOC_RECLAIM, KMALLOC_DMA, KMALLOC_CGROUP}) {
            newKmallocCache(s, 1, type);
            newKmallocCache(s, 2, type);
            for (int i = low; i <= KMALLOC_SHIFT_HIGH; ++i)
                newKmallocCache(s, i, type);
        }
    }
    s.ready = true;
}

int findCache(const SlabState& s, const std::string& name) {
    for (std::size_t i = s.caches.size(); i-- > 0;)
        if (!s.caches[i].destroyed && s.caches[i].name == name) return static_cast<int>(i);
    return -1;
}

int kmemCacheCreate(SlabState& s, const std::string& name, unsigned size, unsigned align,
                    std::uint32_t flags, std::string* error) {
    if (findCache(s, name) >= 0) {
        if (error) *error = "a cache named '" + name + "' exists already";
        return -1;
    }
    if (align && (align & (align - 1))) {
        if (error) *error = "align must be a power of two";
        return -1;
    }
    flags &= ~slabflag::KMALLOC;
    std::string why;
    const int id = createCacheRaw(s, name, size, align, flags, &why);
    if (id < 0 && error) {
        *error = (flags & slabflag::PANIC)
                     ? strprintf("Kernel panic - not syncing: kmem_cache_create: Failed to create "
                                 "slab '%s'. Error -22 (%s)",
                                 name.c_str(), why.c_str())
                     : strprintf("kmem_cache_create(%s) failed with error -22: %s", name.c_str(),
                                 why.c_str());
    }
    return id;
}

// ---- slab pages ----

namespace slabi {

std::uint32_t newSlab(SlabState& st, MmModel& mm, std::uint32_t cache, int cpu, gfp_t gfp,
                      EventSink* ev, std::string* reason) {
    KmemCache& c = st.caches[cache];
    // The caller's reclaim and constraint bits (GFP_RECLAIM_MASK |
    // GFP_CONSTRAINT_MASK) plus the cache's own: zone, mobility, __GFP_COMP.
    const gfp_t keep = gfpbit::RECLAIM | gfpbit::HIGH | gfpbit::IO | gfpbit::FS | gfpbit::NOWARN |
                       gfpbit::RETRY_MAYFAIL | gfpbit::NOFAIL | gfpbit::NORETRY | gfpbit::MEMALLOC |
                       gfpbit::NOMEMALLOC | gfpbit::HARDWALL | gfpbit::THISNODE | gfpbit::ATOMIC;
    const gfp_t flags = (gfp & keep) | c.allocflags;
    AllocRequest req;
    req.cpu = cpu;
    req.nid = cpuNode(st, cpu);
    unsigned order = c.geo.order, objects = c.geo.objects;
    bool fallback = false;
    AllocOutcome o;
    if (st.policy == SlabPolicy::Slab) {
        // kmem_getpages(): the cache's one gfporder with the caller's flags;
        // classic SLAB has no smaller order to fall back to.
        req.gfp = flags;
        req.order = static_cast<int>(order);
        o = allocPages(mm, req, ev);
    } else {
        // allocate_slab(): the preferred order (s->oo) may fail quietly and
        // at once (no warning, no retry loop, no __GFP_NOFAIL); when it is
        // above the minimum it also skips reclaim and the reserves. If it
        // fails, the minimum order (s->min) is asked with the plain flags.
        gfp_t alloc_gfp = (flags | gfpbit::NOWARN | gfpbit::NORETRY) & ~gfpbit::NOFAIL;
        if ((alloc_gfp & gfpbit::DIRECT_RECLAIM) && c.geo.order > c.geo.min_order)
            alloc_gfp = (alloc_gfp | gfpbit::NOMEMALLOC) & ~gfpbit::RECLAIM;
        req.gfp = alloc_gfp;
        req.order = static_cast<int>(order);
        o = allocPages(mm, req, ev);
        if (!o.ok) {
            order = c.geo.min_order;
            objects = c.geo.min_objects;
            req.gfp = flags;
            req.order = static_cast<int>(order);
            o = allocPages(mm, req, ev);
            fallback = o.ok;
        }
    }
    if (!o.ok) {
        if (reason) *reason = o.reason;
        return SLAB_NIL;
    }
    std::uint32_t id;
    if (!c.free_ids.empty()) {
        id = c.free_ids.back();
        c.free_ids.pop_back();
    } else {
        id = static_cast<std::uint32_t>(c.slabs.size());
        c.slabs.emplace_back();
        c.links.resize(c.links.size() + c.geo.objects); // room for the preferred order's
    }
    Slab& sl = c.slabs[id];
    sl = Slab{};
    sl.pfn = o.pfn;
    sl.nid = static_cast<std::int16_t>(o.nid);
    sl.live = true;
    sl.order = static_cast<std::uint8_t>(order);
    sl.objects = static_cast<std::uint16_t>(objects);
    sl.free_head = 0;
    std::uint16_t* l = links(c, id);
    const std::uint16_t n = sl.objects;
    for (std::uint16_t i = 0; i + 1 < n; ++i)
        l[i] = static_cast<std::uint16_t>(i + 1);
    l[n - 1] = OBJ_END;
    SlabNode& node = c.nodes[static_cast<std::size_t>(sl.nid)];
    ++node.nr_slabs;
    node.total_objects += sl.objects;
    if (fallback) {
        ++c.order_fallback; // stat(s, ORDER_FALLBACK)
        emit(ev, slabev::order_fallback, c, cache, &sl, cpu);
    }
    emit(ev, slabev::new_slab, c, cache, &sl, cpu);
    return id;
}

void discardSlab(SlabState& st, MmModel& mm, std::uint32_t cache, std::uint32_t id, int cpu,
                 EventSink* ev) {
    KmemCache& c = st.caches[cache];
    Slab& sl = c.slabs[id];
    emit(ev, slabev::discard_slab, c, cache, &sl, cpu);
    SlabNode& node = c.nodes[static_cast<std::size_t>(sl.nid)];
    --node.nr_slabs;
    node.total_objects -= sl.objects;
    freePages(mm, sl.pfn, sl.order, ev, cpu);
    sl.live = false;
    sl.list = SlabList::None;
    sl.pfn = NO_PFN;
    c.free_ids.push_back(id);
}

} // namespace slabi

// ---- operations ----

bool kmemCacheAlloc(SlabState& s, MmModel& mm, int cache, int cpu, gfp_t gfp, SlabObj* out,
                    EventSink* ev, std::string* reason) {
    const auto id = static_cast<std::uint32_t>(cache);
    if (s.policy == SlabPolicy::Slub) return slubAlloc(s, mm, id, cpu, gfp, out, ev, reason);
    return classicAlloc(s, mm, id, cpu, gfp, out, ev, reason);
}

void kmemCacheFree(SlabState& s, MmModel& mm, int cache, SlabObj obj, int cpu, EventSink* ev) {
    const auto id = static_cast<std::uint32_t>(cache);
    if (s.policy == SlabPolicy::Slub)
        slubFree(s, mm, id, obj, cpu, ev);
    else
        classicFree(s, mm, id, obj, cpu, ev);
}

bool slabObjLive(const SlabState& s, int cache, SlabObj obj) {
    if (cache < 0 || static_cast<std::size_t>(cache) >= s.caches.size()) return false;
    const KmemCache& c = s.caches[static_cast<std::size_t>(cache)];
    if (obj.slab >= c.slabs.size() || !c.slabs[obj.slab].live ||
        obj.idx >= c.slabs[obj.slab].objects)
        return false;
    return links(c, obj.slab)[obj.idx] == OBJ_INUSE;
}

int kmemCacheShrink(SlabState& s, MmModel& mm, int cache, EventSink* ev) {
    const auto id = static_cast<std::uint32_t>(cache);
    return s.policy == SlabPolicy::Slub ? slubShrink(s, mm, id, ev) : classicShrink(s, mm, id, ev);
}

std::vector<std::string> kmemCacheDestroy(SlabState& s, MmModel& mm, int cache, EventSink* ev,
                                          const std::string& caller) {
    const auto id = static_cast<std::uint32_t>(cache);
    std::vector<std::string> lines;
    std::vector<std::uint32_t> remaining;
    if (s.policy == SlabPolicy::Slub) {
        slubShutdown(s, mm, id, ev, &remaining);
    } else {
        // __kmem_cache_shutdown() = __kmem_cache_shrink(): drain every
        // array cache, free every empty slab; slabs with objects remain.
        classicShrink(s, mm, id, ev);
        const KmemCache& c = s.caches[id];
        for (std::uint32_t i = 0; i < c.slabs.size(); ++i)
            if (c.slabs[i].live) remaining.push_back(i);
    }
    KmemCache& c = s.caches[id];
    if (!remaining.empty()) {
        constexpr std::uint64_t PAGE_OFFSET = 0xffff888000000000ull;
        constexpr std::uint64_t VMEMMAP = 0xffffea0000000000ull;
        for (std::uint32_t sid : remaining) {
            const Slab& sl = c.slabs[sid];
            // SLUB reports only partial slabs (list_slab_objects); SLAB's
            // shutdown just fails. Both end in the WARN below.
            if (s.policy != SlabPolicy::Slub || sl.list != SlabList::Partial) continue;
            lines.push_back(
                "=============================================================================");
            lines.push_back("BUG " + c.name +
                            " (Not tainted): Objects remaining on __kmem_cache_shutdown()");
            lines.push_back(
                "-----------------------------------------------------------------------------");
            lines.push_back("");
            const std::uint16_t* l = links(c, sid);
            const std::uint64_t base = PAGE_OFFSET + (sl.pfn << 12);
            for (unsigned o = 0; o < sl.objects; ++o)
                if (l[o] == OBJ_INUSE)
                    lines.push_back(strprintf("Object 0x%016llx @offset=%u",
                                              (unsigned long long)(base + o * c.geo.size),
                                              o * c.geo.size));
            lines.push_back(strprintf(
                "Slab 0x%016llx objects=%u used=%u fp=0x%016llx "
                "flags=0x%x(slab%s)",
                (unsigned long long)(VMEMMAP + sl.pfn * 64), unsigned(sl.objects), sl.inuse,
                (unsigned long long)(sl.free_head == OBJ_END ? 0
                                                             : base + sl.free_head * c.geo.size),
                sl.order ? 0x240 : 0x200, sl.order ? "|head" : ""));
        }
        lines.push_back("------------[ cut here ]------------");
        lines.push_back("kmem_cache_destroy " + c.name +
                        ": Slab cache still has objects when called from " + caller);
    }
    c.destroyed = true;
    return lines;
}

// ---- inspection ----

CacheDetail cacheDetail(const SlabState& s, int cache) {
    const KmemCache& c = s.caches.at(static_cast<std::size_t>(cache));
    CacheDetail d;
    d.name = c.name;
    d.geo = c.geo;
    d.order_fallback = c.order_fallback;
    for (std::uint32_t i = 0; i < c.slabs.size(); ++i) {
        const Slab& sl = c.slabs[i];
        if (!sl.live) continue;
        SlabDetail x;
        x.id = i;
        x.pfn = sl.pfn;
        x.order = sl.order;
        x.nid = sl.nid;
        x.cpu = sl.cpu;
        x.inuse = sl.inuse;
        x.objects = sl.objects;
        x.list = sl.list;
        x.fallback = sl.order != c.geo.order;
        d.slabs.push_back(x);
    }
    for (const SlabCpu& cp : c.cpus) {
        CacheDetail::Cpu x;
        x.slab = cp.slab;
        for (std::uint32_t i = cp.partial.head; i != SLAB_NIL; i = c.slabs[i].next)
            x.partial.push_back(i);
        x.avail = cp.ac.avail;
        x.limit = cp.ac.limit;
        x.batchcount = cp.ac.batchcount;
        d.cpus.push_back(std::move(x));
    }
    for (const SlabNode& n : c.nodes) {
        CacheDetail::Node x;
        x.nr_partial = n.partial.count;
        x.nr_full = n.full.count;
        x.nr_free = n.free.count;
        x.nr_slabs = n.nr_slabs;
        x.min_partial = c.geo.min_partial;
        x.free_limit = n.free_limit;
        x.shared_avail = n.shared.avail;
        d.nodes.push_back(x);
    }
    return d;
}

namespace {

std::string checkList(const KmemCache& c, const SlabListHead& h, SlabList which, int cpu, int nid,
                      std::vector<std::uint8_t>& seen) {
    std::uint32_t n = 0, prev = SLAB_NIL;
    for (std::uint32_t i = h.head; i != SLAB_NIL; i = c.slabs[i].next) {
        if (i >= c.slabs.size() || !c.slabs[i].live)
            return c.name + ": a dead slab on the " + slabListName(which) + " list";
        const Slab& sl = c.slabs[i];
        if (seen[i]++) return c.name + strprintf(": slab %u is on two lists", i);
        if (sl.list != which) return c.name + strprintf(": slab %u on the wrong list", i);
        if (sl.prev != prev) return c.name + ": broken list links";
        if (cpu >= 0 && sl.cpu != cpu) return c.name + ": cpu partial slab of another CPU";
        if (nid >= 0 && sl.nid != nid) return c.name + ": slab on another node's list";
        prev = i;
        if (++n > c.slabs.size()) return c.name + ": list cycle";
    }
    if (prev != h.tail) return c.name + ": list tail wrong";
    if (n != h.count) return c.name + ": list count wrong";
    return {};
}

} // namespace

std::string checkSlabInvariants(const SlabState& s, const MmModel& mm) {
    std::vector<std::pair<pfn_t, unsigned>> pages;
    for (const KmemCache& c : s.caches) {
        std::vector<std::uint8_t> seen(c.slabs.size(), 0);
        std::uint64_t inuse = 0, cached = 0;
        for (std::size_t cpu = 0; cpu < c.cpus.size(); ++cpu) {
            const SlabCpu& cp = c.cpus[cpu];
            if (cp.slab != SLAB_NIL) {
                if (!c.slabs[cp.slab].live || c.slabs[cp.slab].list != SlabList::CpuSlab ||
                    c.slabs[cp.slab].cpu != static_cast<int>(cpu))
                    return c.name + ": bad cpu slab";
                if (seen[cp.slab]++) return c.name + ": cpu slab on a list too";
            }
            std::string e =
                checkList(c, cp.partial, SlabList::CpuPartial, static_cast<int>(cpu), -1, seen);
            if (!e.empty()) return e;
            cached += cp.ac.avail;
        }
        std::uint64_t slabs = 0;
        for (std::size_t nid = 0; nid < c.nodes.size(); ++nid) {
            const SlabNode& n = c.nodes[nid];
            for (auto [h, w] : {std::pair{&n.partial, SlabList::Partial},
                                {&n.full, SlabList::Full},
                                {&n.free, SlabList::Free}}) {
                std::string e = checkList(c, *h, w, -1, static_cast<int>(nid), seen);
                if (!e.empty()) return e;
            }
            slabs += n.nr_slabs;
            cached += n.shared.avail;
        }
        std::uint64_t live = 0;
        std::vector<std::uint64_t> objs(c.nodes.size(), 0);
        for (std::uint32_t i = 0; i < c.slabs.size(); ++i) {
            const Slab& sl = c.slabs[i];
            if (!sl.live) continue;
            ++live;
            // Leaked slabs of a destroyed cache are on no list.
            if (!seen[i] && !c.destroyed) return c.name + strprintf(": slab %u is on no list", i);
            inuse += sl.inuse;
            // A slab has the cache's order and object count, or (SLUB's
            // fallback) the minimum order's.
            const bool pref = sl.order == c.geo.order && sl.objects == c.geo.objects;
            const bool min = sl.order == c.geo.min_order && sl.objects == c.geo.min_objects;
            if (!pref && !min)
                return c.name + strprintf(": slab %u has order %u and %u objects (the cache: "
                                          "order %u with %u, min order %u with %u)",
                                          i, unsigned(sl.order), unsigned(sl.objects), c.geo.order,
                                          c.geo.objects, c.geo.min_order, c.geo.min_objects);
            objs[static_cast<std::size_t>(sl.nid)] += sl.objects;
            unsigned marked = 0, chain = 0;
            const std::uint16_t* l = links(c, i);
            for (unsigned o = 0; o < sl.objects; ++o)
                marked += l[o] == OBJ_INUSE;
            for (std::uint16_t o = sl.free_head; o != OBJ_END; o = l[o]) {
                if (o >= sl.objects || ++chain > sl.objects) return c.name + ": broken free chain";
            }
            if (marked != sl.inuse || chain + marked != sl.objects)
                return c.name + strprintf(": slab %u counts %u in use, marks %u, chain %u", i,
                                          sl.inuse, marked, chain);
            const bool full = sl.inuse == sl.objects, empty = sl.inuse == 0;
            if ((sl.list == SlabList::Full && !full) || (sl.list == SlabList::Free && !empty))
                return c.name + strprintf(": slab %u on the %s list with %u of %u in use", i,
                                          slabListName(sl.list), sl.inuse, unsigned(sl.objects));
            if (sl.list == SlabList::Partial && (full || (empty && s.policy == SlabPolicy::Slab)))
                return c.name + strprintf(": slab %u on the partial list with %u of %u in use", i,
                                          sl.inuse, unsigned(sl.objects));
            pages.emplace_back(sl.pfn, sl.order);
        }
        for (std::size_t nid = 0; nid < c.nodes.size(); ++nid)
            if (objs[nid] != c.nodes[nid].total_objects)
                return c.name + strprintf(": node %zu counts %llu objects, its slabs hold %llu",
                                          nid, (unsigned long long)c.nodes[nid].total_objects,
                                          (unsigned long long)objs[nid]);
        if (live != slabs) return c.name + ": node slab counts wrong";
        if (inuse != c.objects_out + cached)
            return c.name + strprintf(": slabs hold %llu objects, users %llu + cached %llu",
                                      (unsigned long long)inuse, (unsigned long long)c.objects_out,
                                      (unsigned long long)cached);
    }
    std::sort(pages.begin(), pages.end());
    for (std::size_t i = 0; i < pages.size(); ++i) {
        if (i && pages[i - 1].first + (1ull << pages[i - 1].second) > pages[i].first)
            return strprintf("slab pages overlap at pfn %#llx", (unsigned long long)pages[i].first);
        const Zone* z = nullptr;
        for (const Node& n : mm.nodes)
            for (const Zone& zz : n.zones)
                if (zz.spanned_pages && zz.spans(pages[i].first)) z = &zz;
        if (!z)
            return strprintf("slab pfn %#llx is in no zone", (unsigned long long)pages[i].first);
        auto it = z->allocated.find(pages[i].first);
        if (it == z->allocated.end())
            return strprintf("slab pfn %#llx is not allocated in the buddy allocator",
                             (unsigned long long)pages[i].first);
    }
    return {};
}

} // namespace mmsim
