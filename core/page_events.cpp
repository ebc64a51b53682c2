// Micro-events of the buddy allocator as text: tracepoints in ftrace's
// "name: key=value ..." form with the fields of include/trace/events/kmem.h
// in their order (page is the struct page's address in the vmemmap, as
// with no_hash_pointers); mmsim's own events follow the same shape.
#include "core/page_alloc.h"

#include "core/strfmt.h"

namespace mmsim {

namespace {

constexpr std::uint64_t VMEMMAP_START = 0xffffea0000000000ull;

std::string pageField(pfn_t pfn) {
    if (pfn == NO_PFN) return "page=0000000000000000 pfn=0x0";
    return strprintf("page=%016llx pfn=0x%llx",
                     (unsigned long long)(VMEMMAP_START + pfn * STRUCT_PAGE_SIZE),
                     (unsigned long long)pfn);
}

std::string where(const BuddyEvent& e) {
    return strprintf("node=%d zone=%s", e.nid, e.zone >= 0 ? zoneName(e.zone) : "?");
}

const char* mark(int m) {
    static const char* const n[] = {"min", "low", "high", "promo"};
    return m >= 0 && m < 4 ? n[m] : "?";
}

} // namespace

const char* buddyEventName(BuddyEvent::Kind k) {
    switch (k) {
    case BuddyEvent::watermark_check:
        return "watermark_check";
    case BuddyEvent::rmqueue_smallest:
        return "rmqueue_smallest";
    case BuddyEvent::buddy_split:
        return "buddy_split";
    case BuddyEvent::mm_page_alloc_extfrag:
        return "mm_page_alloc_extfrag";
    case BuddyEvent::pageblock_steal:
        return "pageblock_steal";
    case BuddyEvent::boost_watermark:
        return "boost_watermark";
    case BuddyEvent::reserve_highatomic:
        return "reserve_highatomic";
    case BuddyEvent::buddy_merge:
        return "buddy_merge";
    case BuddyEvent::mm_page_alloc:
        return "mm_page_alloc";
    case BuddyEvent::mm_page_free:
        return "mm_page_free";
    case BuddyEvent::alloc_fail:
        return "alloc_fail";
    case BuddyEvent::kswapd_wake:
        return "kswapd_wake";
    case BuddyEvent::direct_reclaim:
        return "direct_reclaim";
    case BuddyEvent::nofragment_retry:
        return "nofragment_retry";
    case BuddyEvent::pcp_hit:
        return "pcp_hit";
    case BuddyEvent::pcp_refill:
        return "pcp_refill";
    case BuddyEvent::pcp_free:
        return "pcp_free";
    case BuddyEvent::mm_page_pcpu_drain:
        return "mm_page_pcpu_drain";
    case BuddyEvent::drain_all_pages:
        return "drain_all_pages";
    case BuddyEvent::unreserve_highatomic:
        return "unreserve_highatomic";
    case BuddyEvent::decay_pcp_high:
        return "decay_pcp_high";
    }
    return "?";
}

std::string formatBuddyEvent(const BuddyEvent& event, const KernelProfile& p) {
    // Migratetypes as the profile's kernel numbers them (ISOLATE is 4
    // without CONFIG_CMA).
    BuddyEvent e = event;
    e.mt = static_cast<std::int8_t>(migratetypeNumber(e.mt, p.cma));
    e.fallback_mt = static_cast<std::int8_t>(migratetypeNumber(e.fallback_mt, p.cma));
    // A refilled block is what the kernel traces as mm_page_alloc_zone_locked;
    // waking kswapd and entering direct reclaim print as the vmscan
    // tracepoints the kernel fires there (the work itself is not modelled).
    const char* name = e.kind == BuddyEvent::pcp_refill       ? "mm_page_alloc_zone_locked"
                       : e.kind == BuddyEvent::kswapd_wake    ? "mm_vmscan_wakeup_kswapd"
                       : e.kind == BuddyEvent::direct_reclaim ? "mm_vmscan_direct_reclaim_begin"
                                                              : buddyEventName(e.kind);
    std::string s = std::string(name) + ": ";
    switch (e.kind) {
    case BuddyEvent::mm_page_alloc:
        s += strprintf("%s order=%d migratetype=%d gfp_flags=%s", pageField(e.pfn).c_str(), e.order,
                       e.mt, formatGfp(e.gfp, p).c_str());
        break;
    case BuddyEvent::mm_page_free:
        s += strprintf("%s order=%d", pageField(e.pfn).c_str(), e.order);
        break;
    case BuddyEvent::mm_page_alloc_extfrag:
        s += strprintf("%s alloc_order=%d fallback_order=%d pageblock_order=%d "
                       "alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d "
                       "change_ownership=%d",
                       pageField(e.pfn).c_str(), e.order, e.from_order, PAGEBLOCK_ORDER, e.mt,
                       e.fallback_mt, e.from_order < PAGEBLOCK_ORDER, e.change_ownership ? 1 : 0);
        break;
    case BuddyEvent::watermark_check:
        s += strprintf("%s order=%d mark=%s mark_pages=%llu free=%lld lowmem_reserve=%llu "
                       "alloc_flags=%s result=%s",
                       where(e).c_str(), e.order, mark(e.mark), (unsigned long long)e.mark_pages,
                       (long long)e.free, (unsigned long long)e.reserve,
                       formatAllocFlags(e.alloc_flags).c_str(), e.pass ? "pass" : "fail");
        break;
    case BuddyEvent::rmqueue_smallest:
        s += strprintf("%s pfn=0x%llx order=%d from_order=%d migratetype=%d", where(e).c_str(),
                       (unsigned long long)e.pfn, e.order, e.from_order, e.mt);
        break;
    case BuddyEvent::buddy_split:
        s += strprintf("%s pfn=0x%llx from_order=%d order=%d migratetype=%d", where(e).c_str(),
                       (unsigned long long)e.pfn, e.from_order, e.order, e.mt);
        break;
    case BuddyEvent::buddy_merge:
        s += strprintf("%s pfn=0x%llx order=%d migratetype=%d", where(e).c_str(),
                       (unsigned long long)e.pfn, e.order, e.mt);
        break;
    case BuddyEvent::pageblock_steal:
        s += strprintf("%s pfn=0x%llx from_migratetype=%d to_migratetype=%d pages_moved=%llu",
                       where(e).c_str(), (unsigned long long)e.pfn, e.fallback_mt, e.mt,
                       (unsigned long long)e.nr);
        break;
    case BuddyEvent::boost_watermark:
        s += strprintf("%s watermark_boost=%llu", where(e).c_str(), (unsigned long long)e.nr);
        break;
    case BuddyEvent::reserve_highatomic:
        s += strprintf("%s pfn=0x%llx from_migratetype=%d", where(e).c_str(),
                       (unsigned long long)e.pfn, e.fallback_mt);
        break;
    case BuddyEvent::alloc_fail:
        s += strprintf("order=%d gfp_flags=%s", e.order, formatGfp(e.gfp, p).c_str());
        break;
    case BuddyEvent::kswapd_wake:
        // mm_vmscan_wakeup_kswapd's fields, then mmsim's
        s += strprintf("nid=%d order=%d gfp_flags=%s zid=%d reason=\"%s\" modelled=0", e.nid,
                       e.order, formatGfp(e.gfp, p).c_str(), e.zone, e.reason ? e.reason : "");
        break;
    case BuddyEvent::direct_reclaim:
        s += strprintf("order=%d gfp_flags=%s %s modelled=0", e.order, formatGfp(e.gfp, p).c_str(),
                       where(e).c_str());
        break;
    case BuddyEvent::unreserve_highatomic:
        s += strprintf("%s pfn=0x%llx order=%d from_migratetype=%d to_migratetype=%d "
                       "pages_moved=%llu",
                       where(e).c_str(), (unsigned long long)e.pfn, e.order, e.fallback_mt, e.mt,
                       (unsigned long long)e.nr);
        break;
    case BuddyEvent::decay_pcp_high:
        s += strprintf("%s cpu=%d high=%llu freed=%lld", where(e).c_str(), e.cpu,
                       (unsigned long long)e.nr, (long long)e.free);
        break;
    case BuddyEvent::nofragment_retry:
        s += strprintf("%s", where(e).c_str());
        break;
    case BuddyEvent::pcp_refill:
        s += strprintf("%s order=%d migratetype=%d percpu_refill=%d", pageField(e.pfn).c_str(),
                       e.order, e.mt, e.mt < MIGRATE_PCPTYPES ? 1 : 0);
        break;
    case BuddyEvent::mm_page_pcpu_drain:
        s += strprintf("%s order=%d migratetype=%d", pageField(e.pfn).c_str(), e.order, e.mt);
        break;
    case BuddyEvent::pcp_hit:
    case BuddyEvent::pcp_free:
        s += strprintf("%s cpu=%d pfn=0x%llx order=%d migratetype=%d count=%llu", where(e).c_str(),
                       e.cpu, (unsigned long long)e.pfn, e.order, e.mt, (unsigned long long)e.nr);
        break;
    case BuddyEvent::drain_all_pages:
        s += strprintf("pages=%llu", (unsigned long long)e.nr);
        break;
    }
    return s;
}

} // namespace mmsim
