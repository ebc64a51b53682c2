// GFP names and the flags the allocator derives from them. See gfp.h.
#include "core/gfp.h"

#include "core/free_area.h"
#include "core/mmzone.h"

#include <cstdio>
#include <vector>

namespace mmsim {

namespace {

struct GfpName {
    const char* name;
    gfp_t mask;
};

using namespace gfpbit;

// Composite masks, in the order show_gfp_flags() tries them, then the bits.
std::vector<GfpName> gfpNames(const KernelProfile& p) {
    const gfp_t atomic = HIGH | KSWAPD_RECLAIM | (p.is61() ? ATOMIC : 0);
    const gfp_t nowait = KSWAPD_RECLAIM | (p.is61() ? 0 : NOWARN);
    const gfp_t kernel = RECLAIM | IO | FS;
    const gfp_t user = kernel | HARDWALL;
    const gfp_t highuser = user | HIGHMEM;
    const gfp_t highuser_movable = highuser | MOVABLE; // __GFP_SKIP_KASAN* are 0 here
    const gfp_t thp_light = (highuser_movable | COMP | NOMEMALLOC | NOWARN) & ~RECLAIM;
    std::vector<GfpName> v = {
        {"GFP_TRANSHUGE", thp_light | DIRECT_RECLAIM},
        {"GFP_TRANSHUGE_LIGHT", thp_light},
        {"GFP_HIGHUSER_MOVABLE", highuser_movable},
        {"GFP_HIGHUSER", highuser},
        {"GFP_USER", user},
        {"GFP_KERNEL_ACCOUNT", kernel | ACCOUNT},
        {"GFP_KERNEL", kernel},
        {"GFP_NOFS", RECLAIM | IO},
        {"GFP_ATOMIC", atomic},
        {"GFP_NOIO", RECLAIM},
        {"GFP_NOWAIT", nowait},
        {"GFP_DMA", DMA},
        {"__GFP_HIGHMEM", HIGHMEM},
        {"GFP_DMA32", DMA32},
        {"__GFP_HIGH", HIGH},
    };
    if (p.is61()) v.push_back({"__GFP_ATOMIC", ATOMIC});
    const std::vector<GfpName> rest = {
        {"__GFP_IO", IO},
        {"__GFP_FS", FS},
        {"__GFP_NOWARN", NOWARN},
        {"__GFP_RETRY_MAYFAIL", RETRY_MAYFAIL},
        {"__GFP_NOFAIL", NOFAIL},
        {"__GFP_NORETRY", NORETRY},
        {"__GFP_COMP", COMP},
        {"__GFP_ZERO", ZERO},
        {"__GFP_NOMEMALLOC", NOMEMALLOC},
        {"__GFP_MEMALLOC", MEMALLOC},
        {"__GFP_HARDWALL", HARDWALL},
        {"__GFP_THISNODE", THISNODE},
        {"__GFP_RECLAIMABLE", RECLAIMABLE},
        {"__GFP_MOVABLE", MOVABLE},
        {"__GFP_ACCOUNT", ACCOUNT},
        {"__GFP_WRITE", WRITE},
        {"__GFP_RECLAIM", RECLAIM},
        {"__GFP_DIRECT_RECLAIM", DIRECT_RECLAIM},
        {"__GFP_KSWAPD_RECLAIM", KSWAPD_RECLAIM},
        {"__GFP_ZEROTAGS", ZEROTAGS},
    };
    v.insert(v.end(), rest.begin(), rest.end());
    return v;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

} // namespace

std::optional<gfp_t> parseGfp(const std::string& text, const KernelProfile& p, std::string* error) {
    const std::vector<GfpName> names = gfpNames(p);
    gfp_t mask = 0;
    std::size_t pos = 0;
    bool any = false;
    while (pos <= text.size()) {
        std::size_t bar = text.find('|', pos);
        if (bar == std::string::npos) bar = text.size();
        const std::string tok = trim(text.substr(pos, bar - pos));
        pos = bar + 1;
        if (tok.empty()) {
            if (error) *error = "empty GFP flag name in \"" + text + "\"";
            return std::nullopt;
        }
        bool found = false;
        for (const GfpName& n : names)
            if (tok == n.name) mask |= n.mask, found = true;
        if (!found && (tok == "__GFP_DMA" || tok == "__GFP_DMA32")) {
            mask |= tok == "__GFP_DMA" ? DMA : DMA32;
            found = true;
        }
        if (!found && tok == "__GFP_ATOMIC" && !p.is61()) {
            if (error) *error = "__GFP_ATOMIC does not exist in 6.12 (removed in 6.3)";
            return std::nullopt;
        }
        if (!found) {
            if (error) *error = "unknown GFP flag \"" + tok + "\"";
            return std::nullopt;
        }
        any = true;
        if (bar == text.size()) break;
    }
    if (!any) {
        if (error) *error = "no GFP flags given";
        return std::nullopt;
    }
    return mask;
}

std::string formatGfp(gfp_t gfp, const KernelProfile& p) {
    if (!gfp) return "none";
    std::string out;
    for (const GfpName& n : gfpNames(p)) {
        if ((gfp & n.mask) != n.mask) continue;
        gfp &= ~n.mask;
        if (!out.empty()) out += '|';
        out += n.name;
    }
    if (gfp) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%x", gfp);
        if (!out.empty()) out += '|';
        out += buf;
    }
    return out;
}

static_assert(ZONE_NORMAL == 2 && MIGRATE_UNMOVABLE == 0 && MIGRATE_MOVABLE == (MOVABLE >> 3) &&
                  MIGRATE_RECLAIMABLE == (RECLAIMABLE >> 3),
              "gfp.h's inline gfpZone/gfpMigratetype assume these numbers");

std::optional<int> gfpZoneModifiers(gfp_t gfp) {
    const gfp_t bits = gfp & ZONEMASK;
    const int nz = !!(bits & DMA) + !!(bits & HIGHMEM) + !!(bits & DMA32);
    if (nz > 1) return std::nullopt; // GFP_ZONE_BAD
    if (bits & DMA) return ZONE_DMA;
    if (bits & DMA32) return ZONE_DMA32;
    // x86_64 has no HIGHMEM: __GFP_HIGHMEM alone means Normal, with
    // __GFP_MOVABLE it selects ZONE_MOVABLE.
    if ((bits & HIGHMEM) && (bits & MOVABLE)) return ZONE_MOVABLE;
    return ZONE_NORMAL;
}

unsigned gfpToAllocFlags(gfp_t gfp, int order) {
    unsigned flags = allocflag::WMARK_MIN | allocflag::CPUSET;
    if (gfp & HIGH) flags |= allocflag::MIN_RESERVE;
    if (gfp & KSWAPD_RECLAIM) flags |= allocflag::KSWAPD;
    if (!(gfp & DIRECT_RECLAIM)) {
        if (!(gfp & NOMEMALLOC)) {
            flags |= allocflag::NON_BLOCK;
            if (order > 0 && (flags & allocflag::MIN_RESERVE)) flags |= allocflag::HIGHATOMIC;
        }
        if (flags & allocflag::MIN_RESERVE) flags &= ~allocflag::CPUSET;
    }
    return flags; // ALLOC_CMA: added by the caller when CONFIG_CMA is on
}

unsigned gfpPfmemallocFlags(gfp_t gfp) {
    if (gfp & NOMEMALLOC) return 0;
    if (gfp & MEMALLOC) return allocflag::NO_WATERMARKS;
    return 0;
}

std::string formatAllocFlags(unsigned flags) {
    static const char* const wm[] = {"ALLOC_WMARK_MIN", "ALLOC_WMARK_LOW", "ALLOC_WMARK_HIGH",
                                     "ALLOC_WMARK_?"};
    std::string out = (flags & allocflag::NO_WATERMARKS) ? "ALLOC_NO_WATERMARKS"
                                                         : wm[flags & allocflag::WMARK_MASK];
    const struct {
        unsigned f;
        const char* n;
    } bits[] = {{allocflag::OOM, "ALLOC_OOM"},
                {allocflag::NON_BLOCK, "ALLOC_NON_BLOCK"},
                {allocflag::MIN_RESERVE, "ALLOC_MIN_RESERVE"},
                {allocflag::CPUSET, "ALLOC_CPUSET"},
                {allocflag::CMA, "ALLOC_CMA"},
                {allocflag::NOFRAGMENT, "ALLOC_NOFRAGMENT"},
                {allocflag::HIGHATOMIC, "ALLOC_HIGHATOMIC"},
                {allocflag::KSWAPD, "ALLOC_KSWAPD"}};
    for (const auto& b : bits)
        if (flags & b.f) out += std::string("|") + b.n;
    return out;
}

} // namespace mmsim
