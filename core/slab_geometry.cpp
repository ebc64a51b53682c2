// Slab geometry: from an object size to a slot size and a slab order.
//
// A slab is a run of 2^order pages cut into equal slots. Everything about a
// cache's memory efficiency follows from two numbers chosen when the cache is
// created: the slot size (the object rounded up for alignment, plus whatever
// debugging metadata the flags ask for) and the order (how many pages one
// slab spans). Whatever does not divide evenly is left over at the end of
// each slab and wasted.
//
// SLUB (mm/slub.c) builds the slot from the object: round it to a word,
// add a word of red zone when SLAB_RED_ZONE leaves no gap, move the free
// pointer out of the object when the object may not be overwritten while free
// (SLAB_TYPESAFE_BY_RCU, SLAB_POISON, a tiny red-zoned object), append two
// alloc/free tracking records for SLAB_STORE_USER, pad both sides for the red
// zone, and round to the alignment. The order is then a compromise between
// "enough objects per slab" and "little waste": the wanted object count grows
// with the CPU count (4 * (fls(cpus) + 1)), the order starts where that many
// fit, and the first order up to slub_max_order (3) whose leftover is at most
// 1/16 of the slab wins; if none does, 1/8 and 1/4 are tried (and in 6.12
// 1/2). 6.1 also lowers the wanted object count one by one before giving up;
// 6.12 instead starts from the count capped at what fits in an order-3 slab.
//
// Classic SLAB (mm/slab.c, 6.1) keeps a per-slab freelist array of one-byte
// indices. It may live inside one of the free objects (OBJFREELIST: no cost
// while the slab has a free object), in a separate kmalloc object
// (OFF_SLAB: chosen when the leftover cannot hold it anyway) or at the end of
// the slab (on-slab: each object costs its slot plus one byte). The order is
// the smallest that keeps waste within 1/8 of the slab, capped at
// slab_max_order (1 on machines above 32 MiB) and at order 0 for
// SLAB_RECLAIM_ACCOUNT caches. Without CONFIG_DEBUG_SLAB (distribution
// kernels) the debug flags are masked off at creation, so they do not change
// the layout. The per-CPU array cache sizes (limit, batchcount) and the
// per-node shared array factor come from the slot size (enable_cpucache).
#include "core/slab_geometry.h"

#include <algorithm>

namespace mmsim {

namespace {

unsigned alignUp(unsigned x, unsigned a) {
    return (x + a - 1) / a * a;
}
unsigned alignDown(unsigned x, unsigned a) {
    return x / a * a;
}
int fls(unsigned x) {
    return x ? 32 - __builtin_clz(x) : 0;
}
int ilog2(unsigned x) {
    return x ? 31 - __builtin_clz(x) : 0;
}

constexpr unsigned WORD = 8;        // sizeof(void *)
constexpr unsigned TRACK_SIZE = 32; // sizeof(struct track) with CONFIG_STACKDEPOT
constexpr unsigned ARCH_SLAB_MINALIGN = 8;

unsigned orderObjects(unsigned order, unsigned size) {
    return (SLAB_PAGE_SIZE << order) / size;
}

// ---- SLUB ----

unsigned calcSlabOrder612(unsigned size, unsigned min_order, unsigned max_order, unsigned fract) {
    unsigned order = min_order;
    for (; order <= max_order; ++order) {
        const unsigned slab_size = SLAB_PAGE_SIZE << order;
        if (slab_size % size <= slab_size / fract) break;
    }
    return order;
}

unsigned calcSlabOrder61(unsigned size, unsigned min_objects, unsigned max_order, unsigned fract) {
    const unsigned min_order = 0; // slub_min_order
    if (orderObjects(min_order, size) > MAX_OBJS_PER_PAGE)
        return getOrder(std::uint64_t(size) * MAX_OBJS_PER_PAGE) - 1;
    unsigned order = std::max(min_order, getOrder(std::uint64_t(min_objects) * size));
    for (; order <= max_order; ++order) {
        const unsigned slab_size = SLAB_PAGE_SIZE << order;
        if (slab_size % size <= slab_size / fract) break;
    }
    return order;
}

constexpr unsigned MAX_PAGE_ORDER = 10;

SlabGeometry slubGeometry(const GeometryParams& p) {
    SlabGeometry g;
    g.object_size = p.object_size;
    g.flags = p.flags;
    g.align = calculateAlignment(p.flags, p.align, p.object_size);
    const std::uint32_t f = p.flags;
    unsigned size = alignUp(p.object_size, WORD);
    if ((f & slabflag::RED_ZONE) && size == p.object_size) size += WORD;
    g.inuse = size;
    // slub_debug_orig_size(): 6.12 keeps the kmalloc request size with STORE_USER.
    const bool orig_size = !p.v61 && (f & slabflag::STORE_USER) && (f & slabflag::KMALLOC);
    if ((f & (slabflag::TYPESAFE_BY_RCU | slabflag::POISON)) ||
        ((f & slabflag::RED_ZONE) && (p.object_size < WORD || orig_size))) {
        g.offset = size;
        size += WORD;
    } else {
        g.offset = alignDown(p.object_size / 2, WORD);
    }
    if (f & slabflag::STORE_USER) {
        size += 2 * TRACK_SIZE;
        if (f & slabflag::KMALLOC) size += p.v61 ? 4 : 8; // unsigned int / unsigned long
    }
    if (f & slabflag::RED_ZONE) {
        size += WORD;
        g.red_left_pad = alignUp(WORD, g.align);
        size += g.red_left_pad;
    }
    size = alignUp(size, g.align);
    g.size = size;
    const int order = slubCalculateOrder(size, p.nr_cpus, p.v61);
    if (order < 0) return g;
    g.order = static_cast<unsigned>(order);
    g.objects = orderObjects(g.order, size);
    g.min_order = getOrder(size);
    g.min_objects = orderObjects(g.min_order, size);
    g.ok = g.objects > 0;
    // kmem_cache_open(): min_partial from the slot size.
    g.min_partial = std::clamp<unsigned>(static_cast<unsigned>(ilog2(size) / 2), 5, 10);
    // set_cpu_partial(): no per-CPU partial lists for debug caches.
    if (f & slabflag::DEBUG_FLAGS)
        g.cpu_partial = 0;
    else if (size >= SLAB_PAGE_SIZE)
        g.cpu_partial = 6;
    else if (size >= 1024)
        g.cpu_partial = 24;
    else if (size >= 256)
        g.cpu_partial = 52;
    else
        g.cpu_partial = 120;
    g.cpu_partial_slabs = g.objects ? (g.cpu_partial * 2 + g.objects - 1) / g.objects : 0;
    return g;
}

// ---- classic SLAB ----

constexpr unsigned SLAB_OBJ_MAX_NUM = 255; // one-byte freelist indices
constexpr unsigned SLAB_OBJ_MIN_SIZE = 16;
constexpr unsigned KMALLOC_MAX_ORDER_SLAB = 10; // KMALLOC_SHIFT_MAX - PAGE_SHIFT (MAX_ORDER 11)
constexpr unsigned SLAB_MAX_ORDER = 1;          // SLAB_MAX_ORDER_HI: more than 32 MiB of RAM

enum : unsigned { CFLG_NONE = 0, CFLG_OBJFREELIST = 1, CFLG_OFF_SLAB = 2 };

unsigned cacheEstimate(unsigned order, unsigned size, unsigned cflags, unsigned* left) {
    const unsigned slab_size = SLAB_PAGE_SIZE << order;
    if (cflags & (CFLG_OBJFREELIST | CFLG_OFF_SLAB)) {
        *left = slab_size % size;
        return slab_size / size;
    }
    *left = slab_size % (size + 1);
    return slab_size / (size + 1);
}

// The classic kmalloc cache a freelist of `bytes` would come from: its slot
// size and whether it is itself off-slab.
void classicKmallocSlot(unsigned bytes, unsigned* slot, bool* off_slab);

// calculate_slab_order(): sets num and order, returns the leftover.
unsigned calculateSlabOrder(SlabGeometry& g, unsigned size, std::uint32_t flags, unsigned cflags) {
    unsigned left_over = 0;
    for (unsigned order = 0; order <= KMALLOC_MAX_ORDER_SLAB; ++order) {
        unsigned rem = 0;
        const unsigned num = cacheEstimate(order, size, cflags, &rem);
        if (!num) continue;
        if (num > SLAB_OBJ_MAX_NUM) break;
        if (cflags & CFLG_OFF_SLAB) {
            const unsigned freelist_size = num; // one byte per object
            unsigned fl_cache_size = 0;
            bool fl_off = false;
            if (freelist_size > 2 * SLAB_PAGE_SIZE) {
                fl_cache_size = SLAB_PAGE_SIZE << getOrder(freelist_size);
            } else {
                classicKmallocSlot(freelist_size, &fl_cache_size, &fl_off);
                if (fl_off) continue;
            }
            if (fl_cache_size > size / 2) continue;
        }
        g.objects = num;
        g.order = order;
        left_over = rem;
        if (flags & slabflag::RECLAIM_ACCOUNT) break;
        if (order >= SLAB_MAX_ORDER) break;
        if (static_cast<std::uint64_t>(left_over) * 8 <= (SLAB_PAGE_SIZE << order)) break;
    }
    return left_over;
}

SlabGeometry classicGeometry(const GeometryParams& p, bool with_tunables) {
    SlabGeometry g;
    g.object_size = p.object_size;
    // CACHE_CREATE_MASK without CONFIG_DEBUG_SLAB: no debug flags.
    const std::uint32_t flags = p.flags & ~slabflag::DEBUG_FLAGS;
    g.flags = flags;
    const unsigned cache_align = calculateAlignment(flags, p.align, p.object_size);
    unsigned size = alignUp(p.object_size, WORD);
    unsigned ralign = std::max(WORD, cache_align);
    g.align = ralign;
    g.colour_off = std::max(CACHE_LINE_SIZE, g.align);
    size = alignUp(size, g.align);
    if (size < SLAB_OBJ_MIN_SIZE) size = alignUp(SLAB_OBJ_MIN_SIZE, g.align);
    unsigned left = 0;
    // set_objfreelist_slab_cache(): not for RCU caches (nor ctors).
    bool done = false;
    if (!(flags & slabflag::TYPESAFE_BY_RCU)) {
        g.objects = 0;
        left = calculateSlabOrder(g, size, flags, CFLG_OBJFREELIST);
        if (g.objects && g.objects <= g.object_size) {
            g.objfreelist = true;
            done = true;
        }
    }
    if (!done) {
        g.objects = 0;
        left = calculateSlabOrder(g, size, flags, CFLG_OFF_SLAB);
        if (g.objects && left < g.objects) {
            g.off_slab = true;
            done = true;
        }
    }
    if (!done) {
        g.objects = 0;
        left = calculateSlabOrder(g, size, flags, CFLG_NONE);
        done = g.objects > 0;
    }
    if (!done) return g;
    g.colour = left / g.colour_off;
    g.size = size;
    g.inuse = size;
    g.min_order = g.order; // one gfporder per cache: no fallback
    g.min_objects = g.objects;
    g.ok = true;
    if (with_tunables) {
        // enable_cpucache()
        if (size > 131072)
            g.limit = 1;
        else if (size > SLAB_PAGE_SIZE)
            g.limit = 8;
        else if (size > 1024)
            g.limit = 24;
        else if (size > 256)
            g.limit = 54;
        else
            g.limit = 120;
        g.shared = (size <= SLAB_PAGE_SIZE && p.nr_cpus > 1) ? 8 : 0;
        g.batchcount = (g.limit + 1) / 2;
    }
    return g;
}

void classicKmallocSlot(unsigned bytes, unsigned* slot, bool* off_slab) {
    // kmalloc_slab() under SLAB: KMALLOC_MIN_SIZE 32, 96 and 192 classes,
    // created with SLAB_HWCACHE_ALIGN (ARCH_KMALLOC_FLAGS).
    unsigned csize;
    if (bytes <= 32)
        csize = 32;
    else if (bytes > 64 && bytes <= 96)
        csize = 96;
    else if (bytes > 128 && bytes <= 192)
        csize = 192;
    else
        csize = 1u << fls(bytes - 1);
    GeometryParams kp;
    kp.policy = SlabPolicy::Slab;
    kp.v61 = true;
    kp.object_size = csize;
    kp.flags = slabflag::HWCACHE_ALIGN | slabflag::KMALLOC;
    kp.align = (csize & (csize - 1)) == 0 ? std::max(8u, csize) : 8u;
    const SlabGeometry kg = classicGeometry(kp, false);
    *slot = kg.size;
    *off_slab = kg.off_slab;
}

} // namespace

unsigned getOrder(std::uint64_t size) {
    if (size <= SLAB_PAGE_SIZE) return 0;
    std::uint64_t pages = (size - 1) / SLAB_PAGE_SIZE;
    return static_cast<unsigned>(64 - __builtin_clzll(pages));
}

unsigned calculateAlignment(std::uint32_t flags, unsigned align, unsigned size) {
    if (flags & slabflag::HWCACHE_ALIGN) {
        unsigned ralign = CACHE_LINE_SIZE;
        while (size <= ralign / 2)
            ralign /= 2;
        align = std::max(align, ralign);
    }
    align = std::max(align, ARCH_SLAB_MINALIGN);
    return alignUp(align, WORD);
}

int slubCalculateOrder(unsigned size, unsigned nr_cpus, bool v61) {
    if (nr_cpus < 1) nr_cpus = 1;
    unsigned min_objects = 4 * static_cast<unsigned>(fls(nr_cpus) + 1);
    if (v61) {
        const unsigned max_objects = orderObjects(SLUB_MAX_ORDER, size);
        min_objects = std::min(min_objects, max_objects);
        while (min_objects > 1) {
            for (unsigned fraction = 16; fraction >= 4; fraction /= 2) {
                const unsigned order = calcSlabOrder61(size, min_objects, SLUB_MAX_ORDER, fraction);
                if (order <= SLUB_MAX_ORDER) return static_cast<int>(order);
            }
            --min_objects;
        }
        unsigned order = calcSlabOrder61(size, 1, SLUB_MAX_ORDER, 1);
        if (order <= SLUB_MAX_ORDER) return static_cast<int>(order);
        order = calcSlabOrder61(size, 1, 11, 1); // MAX_ORDER 11 in 6.1
        return order < 11 ? static_cast<int>(order) : -1;
    }
    const unsigned max_objects = std::max(orderObjects(SLUB_MAX_ORDER, size), 1u);
    min_objects = std::min(min_objects, max_objects);
    const unsigned min_order = getOrder(std::uint64_t(min_objects) * size);
    if (orderObjects(min_order, size) > MAX_OBJS_PER_PAGE)
        return static_cast<int>(getOrder(std::uint64_t(size) * MAX_OBJS_PER_PAGE)) - 1;
    for (unsigned fraction = 16; fraction > 1; fraction /= 2) {
        const unsigned order = calcSlabOrder612(size, min_order, SLUB_MAX_ORDER, fraction);
        if (order <= SLUB_MAX_ORDER) return static_cast<int>(order);
    }
    const unsigned order = getOrder(size);
    return order <= MAX_PAGE_ORDER ? static_cast<int>(order) : -1;
}

SlabGeometry computeGeometry(const GeometryParams& p) {
    if (p.object_size == 0) return {};
    return p.policy == SlabPolicy::Slub ? slubGeometry(p) : classicGeometry(p, true);
}

const std::vector<std::string>& slabFlagNames() {
    static const std::vector<std::string> n = {
        "SLAB_HWCACHE_ALIGN",   "SLAB_RECLAIM_ACCOUNT", "SLAB_ACCOUNT",
        "SLAB_TYPESAFE_BY_RCU", "SLAB_PANIC",           "SLAB_RED_ZONE",
        "SLAB_POISON",          "SLAB_STORE_USER",      "SLAB_CACHE_DMA"};
    return n;
}

std::uint32_t slabFlagByName(const std::string& name) {
    static const std::uint32_t bits[] = {
        slabflag::HWCACHE_ALIGN,   slabflag::RECLAIM_ACCOUNT, slabflag::ACCOUNT,
        slabflag::TYPESAFE_BY_RCU, slabflag::PANIC,           slabflag::RED_ZONE,
        slabflag::POISON,          slabflag::STORE_USER,      slabflag::CACHE_DMA};
    const auto& n = slabFlagNames();
    for (std::size_t i = 0; i < n.size(); ++i)
        if (n[i] == name) return bits[i];
    return 0;
}

} // namespace mmsim
