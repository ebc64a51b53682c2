// Watermarks and reserves (mm/page_alloc.c, mm/khugepaged.c).
//
// min_free_kbytes grows with the square root of low memory (4·sqrt(KiB)),
// clamped to [128 KiB, 256 MiB], unless the administrator set it. With THP
// on, khugepaged raises it so that each zone can keep eleven pageblocks
// nearly free (two for fragmentation avoidance, nine so that each of the
// three mobility types has one to fall back to from each other), capped at
// 5% of low memory. The pages it stands for are shared among the lowmem
// zones in proportion to their managed pages: that share is a zone's min
// watermark; low, high and promo follow at equal steps of a quarter of min
// or watermark_scale_factor/10000 of the zone, whichever is larger.
// lowmem_reserve protects lower zones from allocations that could have
// used higher ones: the managed pages above divided by the lower zone's
// ratio.
#include "core/mm_model.h"
#include "core/page_alloc.h"

#include "core/strfmt.h"

#include <algorithm>
#include <cmath>

namespace mmsim {

namespace {
std::uint64_t intSqrt(std::uint64_t x) {
    std::uint64_t r = static_cast<std::uint64_t>(std::sqrt(static_cast<long double>(x)));
    while (r * r > x) --r;
    while ((r + 1) * (r + 1) <= x) ++r;
    return r;
}

void calculateTotalreservePages(MmModel& mm) {
    std::uint64_t total = 0;
    for (Node& n : mm.nodes) {
        for (Zone& z : n.zones) {
            std::uint64_t max = 0;
            for (int j = z.idx; j < MAX_NR_ZONES; ++j)
                max = std::max(max, z.lowmem_reserve[static_cast<size_t>(j)]);
            max += z.watermark[WMARK_HIGH];
            if (max > z.managed_pages) max = z.managed_pages;
            total += max;
        }
    }
    mm.totalreserve_pages = total;
}

void calculateMinFreeKbytes(MmModel& mm) {
    std::uint64_t lowmem_kbytes = nrFreeBufferPages(mm) * (PAGE_SIZE >> 10);
    long new_min = static_cast<long>(intSqrt(lowmem_kbytes * 16));
    if (new_min > mm.user_min_free_kbytes)
        mm.min_free_kbytes = std::clamp(new_min, 128L, 262144L);
    else
        mm.print(strprintf("min_free_kbytes is not updated to %ld because user defined value %ld "
                           "is preferred",
                           new_min, mm.user_min_free_kbytes));
}

// khugepaged's set_recommended_min_free_kbytes().
void setRecommendedMinFreeKbytes(MmModel& mm) {
    std::uint64_t nr_zones = 0;
    mm.forEachZone([&](const Zone& z) {
        if (z.populated() && z.idx <= ZONE_NORMAL) ++nr_zones;
    });
    const std::uint64_t MIGRATE_PCPTYPES = 3;
    std::uint64_t rec = PAGEBLOCK_NR_PAGES * nr_zones * 2;
    rec += PAGEBLOCK_NR_PAGES * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
    rec = std::min(rec, nrFreeBufferPages(mm) / 20);
    rec <<= (PAGE_SHIFT - 10);
    if (static_cast<long>(rec) > mm.min_free_kbytes) {
        if (mm.user_min_free_kbytes >= 0)
            mm.print(strprintf("raising min_free_kbytes from %ld to %lu to help transparent "
                               "hugepage allocations",
                               mm.min_free_kbytes, (unsigned long)rec));
        mm.min_free_kbytes = static_cast<long>(rec);
    }
    setupPerZoneWmarks(mm);
}
} // namespace

void setupPerZoneWmarks(MmModel& mm) {
    const bool movable_special = !mm.profile.is61(); // 6.1 special-cases HIGHMEM only
    const std::uint64_t pages_min = static_cast<std::uint64_t>(mm.min_free_kbytes) >> (PAGE_SHIFT - 10);
    std::uint64_t lowmem_pages = 0;
    mm.forEachZone([&](const Zone& z) {
        if (!(movable_special && z.idx == ZONE_MOVABLE)) lowmem_pages += z.managed_pages;
    });
    mm.forEachZone([&](Zone& z) {
        z.wmark_managed = z.managed_pages;
        std::uint64_t tmp = lowmem_pages ? pages_min * z.managed_pages / lowmem_pages : 0;
        if (movable_special && z.idx == ZONE_MOVABLE) {
            z.watermark[WMARK_MIN] = std::clamp<std::uint64_t>(z.managed_pages / 1024, 32, 128);
        } else {
            z.watermark[WMARK_MIN] = tmp;
        }
        // mult_frac(managed, wsf, 10000)
        const std::uint64_t wsf = static_cast<std::uint64_t>(mm.sysctl.watermark_scale_factor);
        std::uint64_t frac = (z.managed_pages / 10000) * wsf + (z.managed_pages % 10000) * wsf / 10000;
        tmp = std::max(tmp >> 2, frac);
        z.watermark_boost = 0;
        z.watermark[WMARK_LOW] = z.watermark[WMARK_MIN] + tmp;
        z.watermark[WMARK_HIGH] = z.watermark[WMARK_LOW] + tmp;
        z.watermark[WMARK_PROMO] = z.watermark[WMARK_HIGH] + tmp;
    });
    calculateTotalreservePages(mm);
    // The pcp batch and high follow the new watermarks (zone_pcp_update).
    if (mm.buddy_ready) zonePcpUpdate(mm);
}

void setupPerZoneLowmemReserve(MmModel& mm) {
    for (Node& n : mm.nodes) {
        if (!n.online) continue;
        for (Zone& z : n.zones) z.lowmem_managed = z.managed_pages;
        for (int i = 0; i < MAX_NR_ZONES - 1; ++i) {
            Zone& z = n.zones[static_cast<size_t>(i)];
            const long ratio = mm.sysctl.lowmem_reserve_ratio[static_cast<size_t>(i)];
            const bool clear = !ratio || !z.managed_pages;
            std::uint64_t managed = 0;
            for (int j = i + 1; j < MAX_NR_ZONES; ++j) {
                managed += n.zones[static_cast<size_t>(j)].managed_pages;
                z.lowmem_reserve[static_cast<size_t>(j)] =
                    clear ? 0 : managed / static_cast<std::uint64_t>(ratio);
            }
        }
    }
    calculateTotalreservePages(mm);
}

void initPerZoneWmarkMin(MmModel& mm) {
    calculateMinFreeKbytes(mm);
    setupPerZoneWmarks(mm);
    setupPerZoneLowmemReserve(mm);
    // hugepage_init(): THP is switched off below 512 MiB of RAM.
    if (mm.thp_enabled && mm.totalram_pages >= (512ull << (20 - PAGE_SHIFT)))
        setRecommendedMinFreeKbytes(mm);
}

void applyWatermarkSysctls(MmModel& mm) {
    // As if written to /proc/sys/vm after boot: each write recomputes what
    // depends on it, in the order the handlers do. Nothing to do when the
    // scenario leaves them at their defaults.
    const WatermarkSysctl defaults;
    if (mm.sysctl.min_free_kbytes < 0 &&
        mm.sysctl.watermark_scale_factor == defaults.watermark_scale_factor &&
        mm.sysctl.lowmem_reserve_ratio == defaults.lowmem_reserve_ratio)
        return;
    if (mm.sysctl.min_free_kbytes >= 0) {
        mm.min_free_kbytes = mm.sysctl.min_free_kbytes;
        mm.user_min_free_kbytes = mm.sysctl.min_free_kbytes;
    }
    setupPerZoneWmarks(mm);
    setupPerZoneLowmemReserve(mm);
}

} // namespace mmsim
