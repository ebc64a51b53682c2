// GFP flags (include/linux/gfp_types.h, gfp.h) and the allocator's ALLOC_*
// flags derived from them (mm/internal.h, mm/page_alloc.c). The bit values
// are those of x86_64 Debian builds of both profiles (no KASAN_HW_TAGS, no
// LOCKDEP bit); 0x200 is __GFP_ATOMIC in 6.1 and unused in 6.12.
#pragma once

#include "core/types.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mmsim {

using gfp_t = std::uint32_t;

// The ___GFP_*_BIT values.
namespace gfpbit {
constexpr gfp_t DMA = 0x01, HIGHMEM = 0x02, DMA32 = 0x04, MOVABLE = 0x08, RECLAIMABLE = 0x10,
                HIGH = 0x20, IO = 0x40, FS = 0x80, ZERO = 0x100, ATOMIC = 0x200 /* 6.1 only */,
                DIRECT_RECLAIM = 0x400, KSWAPD_RECLAIM = 0x800, WRITE = 0x1000, NOWARN = 0x2000,
                RETRY_MAYFAIL = 0x4000, NOFAIL = 0x8000, NORETRY = 0x10000, MEMALLOC = 0x20000,
                COMP = 0x40000, NOMEMALLOC = 0x80000, HARDWALL = 0x100000, THISNODE = 0x200000,
                ACCOUNT = 0x400000, ZEROTAGS = 0x800000;
constexpr gfp_t RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;
constexpr gfp_t ZONEMASK = DMA | HIGHMEM | DMA32 | MOVABLE;
constexpr gfp_t MOVABLE_MASK = RECLAIMABLE | MOVABLE;
} // namespace gfpbit

// The ALLOC_* flags of mm/internal.h (same values in both profiles: Debian's
// 6.1.192 carries the ALLOC_MIN_RESERVE / ALLOC_NON_BLOCK rework that
// replaced ALLOC_HIGH / ALLOC_HARDER in 6.3).
namespace allocflag {
constexpr unsigned WMARK_MIN = 0, WMARK_LOW = 1, WMARK_HIGH = 2, NO_WATERMARKS = 0x04,
                   WMARK_MASK = NO_WATERMARKS - 1, OOM = 0x08, NON_BLOCK = 0x10, MIN_RESERVE = 0x20,
                   CPUSET = 0x40, CMA = 0x80, NOFRAGMENT = 0x100, HIGHATOMIC = 0x200,
                   KSWAPD = 0x800;
constexpr unsigned RESERVES = NON_BLOCK | MIN_RESERVE | HIGHATOMIC | OOM;
} // namespace allocflag

// "GFP_KERNEL | __GFP_ZERO" -> mask, in the profile's definitions (6.12's
// GFP_NOWAIT carries __GFP_NOWARN, 6.1's GFP_ATOMIC carries __GFP_ATOMIC).
// On an unknown name: nullopt and *error says which.
std::optional<gfp_t> parseGfp(const std::string& text, const KernelProfile& p,
                              std::string* error = nullptr);
// show_gfp_flags(): the tracepoint's rendering ("GFP_KERNEL|__GFP_ZERO", "none").
std::string formatGfp(gfp_t gfp, const KernelProfile& p);
// gfp_zone(): the highest zone the request may use; nullopt for the invalid
// zone-modifier combinations (GFP_ZONE_BAD: two of DMA/HIGHMEM/DMA32).
// Inline for the allocator's fast path: without a zone modifier (only
// __GFP_MOVABLE, which alone selects nothing) the answer is ZONE_NORMAL.
std::optional<int> gfpZoneModifiers(gfp_t gfp);
inline std::optional<int> gfpZone(gfp_t gfp) {
    if (!(gfp & (gfpbit::DMA | gfpbit::HIGHMEM | gfpbit::DMA32)))
        return 2; // ZONE_NORMAL (core/mmzone.h; checked in gfp.cpp)
    return gfpZoneModifiers(gfp);
}
// gfp_migratetype() (UNMOVABLE when mobility grouping is off); -1 when both
// __GFP_MOVABLE and __GFP_RECLAIMABLE are given (a VM_WARN in the kernel).
// The two bits sit where the migrate types' numbers are (MOVABLE 1,
// RECLAIMABLE 2, checked in gfp.cpp).
inline int gfpMigratetype(gfp_t gfp, bool mobility_disabled) {
    if ((gfp & gfpbit::MOVABLE_MASK) == gfpbit::MOVABLE_MASK) return -1;
    if (mobility_disabled) return 0; // MIGRATE_UNMOVABLE
    return static_cast<int>((gfp & gfpbit::MOVABLE_MASK) >> 3);
}
// gfp_to_alloc_flags() of the slow path (no task state: not an RT task, not
// an OOM victim, not PF_MEMALLOC).
unsigned gfpToAllocFlags(gfp_t gfp, int order);
// __gfp_pfmemalloc_flags() for a plain task: ALLOC_NO_WATERMARKS with
// __GFP_MEMALLOC unless __GFP_NOMEMALLOC.
unsigned gfpPfmemallocFlags(gfp_t gfp);
// "ALLOC_WMARK_LOW|ALLOC_KSWAPD|..."
std::string formatAllocFlags(unsigned flags);

} // namespace mmsim
