// The shape of a slab cache: how big each object's slot is, how many slots
// a slab holds and how many pages a slab takes. Both allocators decide this
// once, when the cache is created, from the object size, the alignment asked
// for, the cache flags and (SLUB) the number of CPUs; the essay on the two
// policies is in slab_geometry.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mmsim {

// Cache flags (kmem_cache_create's SLAB_*); mmsim's own bit values.
namespace slabflag {
constexpr std::uint32_t HWCACHE_ALIGN = 1u << 0, RECLAIM_ACCOUNT = 1u << 1, ACCOUNT = 1u << 2,
                        TYPESAFE_BY_RCU = 1u << 3, PANIC = 1u << 4, RED_ZONE = 1u << 5,
                        POISON = 1u << 6, STORE_USER = 1u << 7, CACHE_DMA = 1u << 8,
                        KMALLOC = 1u << 9;
constexpr std::uint32_t DEBUG_FLAGS = RED_ZONE | POISON | STORE_USER;
} // namespace slabflag
// "SLAB_HWCACHE_ALIGN" -> bit, 0 for an unknown name.
std::uint32_t slabFlagByName(const std::string& name);
// The names a scenario may give (docs, schema).
const std::vector<std::string>& slabFlagNames();

enum class SlabPolicy : std::uint8_t { Slub, Slab };

// The x86-64 constants both profiles run with.
constexpr unsigned SLAB_PAGE_SIZE = 4096;
constexpr unsigned CACHE_LINE_SIZE = 64; // cache_line_size(): "HWalign=64"
constexpr unsigned SLUB_MAX_ORDER = 3;   // slub_max_order: "Order=0-3"
constexpr unsigned MAX_OBJS_PER_PAGE = 32767;

struct SlabGeometry {
    unsigned object_size = 0; // what the user asked for
    unsigned align = 0;       // final alignment
    unsigned size = 0;        // slot size: /proc/slabinfo's <objsize>
    unsigned inuse = 0;       // SLUB: bytes of the slot the object and its red zone use
    unsigned offset = 0;      // SLUB: where the free pointer lies in the slot
    unsigned red_left_pad = 0;
    unsigned order = 0;   // pages per slab = 1 << order
    unsigned objects = 0; // objects per slab
    // SLUB's s->min: the smallest order that holds one object (get_order(size))
    // and its object count. allocate_slab() falls back to it when the page
    // allocator cannot give `order`. Classic SLAB has no fallback: min = order.
    unsigned min_order = 0, min_objects = 0;
    std::uint32_t flags = 0; // effective flags (classic SLAB without DEBUG drops debug flags)
    // SLUB tunables derived from the geometry
    unsigned min_partial = 0;
    unsigned cpu_partial = 0;       // objects (the sysfs value)
    unsigned cpu_partial_slabs = 0; // the limit actually used
    // Classic SLAB
    bool off_slab = false;    // CFLGS_OFF_SLAB: freelist in a kmalloc object
    bool objfreelist = false; // CFLGS_OBJFREELIST_SLAB: freelist in a free object
    unsigned colour = 0, colour_off = 0;
    unsigned limit = 0, batchcount = 0, shared = 0; // array caches (enable_cpucache)
    bool ok = false;                                // false: no order can hold one object
};

struct GeometryParams {
    SlabPolicy policy = SlabPolicy::Slub;
    bool v61 = false; // the 6.1 profile's rules (SLUB's calculate_order differs)
    unsigned object_size = 0;
    unsigned align = 0; // as passed to kmem_cache_create (0: none)
    std::uint32_t flags = 0;
    unsigned nr_cpus = 1; // num_present_cpus()
};

// calculate_alignment() of mm/slab_common.c.
unsigned calculateAlignment(std::uint32_t flags, unsigned align, unsigned size);
// The whole computation (SLUB: kmem_cache_open -> calculate_sizes ->
// calculate_order; SLAB: __kmem_cache_create -> set_*_slab_cache ->
// calculate_slab_order -> cache_estimate, enable_cpucache).
SlabGeometry computeGeometry(const GeometryParams& p);
// SLUB's calculate_order() alone, for a slot size.
int slubCalculateOrder(unsigned size, unsigned nr_cpus, bool v61);
// get_order(): the smallest order whose block holds `size` bytes.
unsigned getOrder(std::uint64_t size);

} // namespace mmsim
