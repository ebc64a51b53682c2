#include "core/explain.h"

#include "core/mmzone.h"
#include "core/strfmt.h"

namespace mmsim {

namespace {

const char* markName(int m) {
    static const char* const n[] = {"min", "low", "high", "promo"};
    return m >= 0 && m < 4 ? n[m] : "?";
}

std::string zoneOf(const BuddyEvent& e) {
    return strprintf("node %d %s", e.nid, e.zone >= 0 ? zoneName(e.zone) : "?");
}

std::string hex(pfn_t p) {
    return strprintf("0x%llx", (unsigned long long)p);
}

std::string times(int n) {
    if (n == 1) return "once";
    if (n == 2) return "twice";
    return strprintf("%d times", n);
}

// "an order-4, an order-3 and an order-2 half"
std::string halves(int from_order, int order) {
    std::string s;
    for (int o = from_order - 1; o >= order; --o) {
        if (!s.empty()) s += o == order ? " and " : ", ";
        s += orderBlock(o);
    }
    return s + " half";
}

std::string emptyLists(int order, int from_order, int mt) {
    if (from_order == order + 1)
        return strprintf("the order-%d %s list is empty", order, migratetypeUpper(mt));
    return strprintf("the %s lists of order %d to %d are empty", migratetypeUpper(mt), order,
                     from_order - 1);
}

bool isTake(BuddyEvent::Kind k) {
    return k == BuddyEvent::rmqueue_smallest || k == BuddyEvent::buddy_split ||
           k == BuddyEvent::pageblock_steal || k == BuddyEvent::mm_page_alloc_extfrag ||
           k == BuddyEvent::boost_watermark || k == BuddyEvent::pcp_refill;
}

std::string fallbackFunction(const BuddyEvent& e, const KernelProfile& p) {
    if (!p.claimThenSteal()) return "__rmqueue_fallback()";
    return e.change_ownership ? "__rmqueue_claim()" : "__rmqueue_steal()";
}

// rmqueue_smallest and the splits after it.
std::string takeParagraph(const EventSink& ev, std::size_t i, std::size_t* next) {
    const BuddyEvent& e = ev[i];
    std::size_t j = i + 1;
    while (j < ev.size() && ev[j].kind == BuddyEvent::buddy_split && ev[j].zone == e.zone &&
           ev[j].nid == e.nid)
        ++j;
    *next = j;
    const int splits = static_cast<int>(j - i - 1);
    const char* mt = migratetypeUpper(e.mt);
    if (e.from_order == e.order)
        return strprintf("In %s, __rmqueue_smallest() finds a free block on the order-%d %s "
                         "list and takes it (pfn %s) as it is: no split needed.",
                         zoneOf(e).c_str(), e.order, mt, hex(e.pfn).c_str());
    return strprintf("In %s, %s, so __rmqueue_smallest() takes %s %s block (pfn %s) and "
                     "expand() splits it %s, giving back %s to the free lists and keeping the "
                     "first order-%d part.",
                     zoneOf(e).c_str(), emptyLists(e.order, e.from_order, e.mt).c_str(),
                     orderBlock(e.from_order).c_str(), mt, hex(e.pfn).c_str(),
                     times(splits).c_str(), halves(e.from_order, e.order).c_str(), e.order);
}

} // namespace

const char* migratetypeUpper(int mt) {
    static const char* const n[] = {"UNMOVABLE", "MOVABLE", "RECLAIMABLE", "HIGHATOMIC", "CMA",
                                    "ISOLATE"};
    return mt >= 0 && mt < MIGRATE_TYPES ? n[mt] : "?";
}

std::string orderBlock(int order) {
    // "an" before "order" whatever the number.
    return strprintf("an order-%d", order);
}

std::string explainEvent(const BuddyEvent& e, const KernelProfile& p) {
    const char* mt = migratetypeUpper(e.mt);
    switch (e.kind) {
    case BuddyEvent::watermark_check:
        if (e.pass)
            return strprintf("zone_watermark_fast(): %s has %lld free pages, above its %s "
                             "watermark %llu plus lowmem_reserve %llu for an order-%d request, "
                             "so the allocation may use it.",
                             zoneOf(e).c_str(), (long long)e.free, markName(e.mark),
                             (unsigned long long)e.mark_pages, (unsigned long long)e.reserve,
                             e.order);
        return strprintf("zone_watermark_fast(): %s has %lld free pages, not enough above its %s "
                         "watermark %llu plus lowmem_reserve %llu for an order-%d request, so "
                         "get_page_from_freelist() passes it over for the next zone of the "
                         "zonelist.",
                         zoneOf(e).c_str(), (long long)e.free, markName(e.mark),
                         (unsigned long long)e.mark_pages, (unsigned long long)e.reserve, e.order);
    case BuddyEvent::rmqueue_smallest:
        if (e.from_order == e.order)
            return strprintf("__rmqueue_smallest(): the order-%d %s list of %s has a block: take "
                             "the one at its head, pfn %s.",
                             e.order, mt, zoneOf(e).c_str(), hex(e.pfn).c_str());
        return strprintf("__rmqueue_smallest(): %s, the first non-empty list is order %d; take "
                         "its head block at pfn %s to split it down to order %d.",
                         emptyLists(e.order, e.from_order, e.mt).c_str(), e.from_order,
                         hex(e.pfn).c_str(), e.order);
    case BuddyEvent::buddy_split:
        return strprintf("expand(): the order-%d block is halved; its upper half (pfn %s, order "
                         "%d) goes to the head of the order-%d %s list, the lower half is split "
                         "further or handed out.",
                         e.from_order, hex(e.pfn).c_str(), e.order, e.order, mt);
    case BuddyEvent::mm_page_alloc_extfrag:
        return strprintf("%s: no %s block of order %d or more was free, so the allocation falls "
                         "back to the %s list of order %d (the fallbacks[] order). %s",
                         fallbackFunction(e, p).c_str(), mt, e.order,
                         migratetypeUpper(e.fallback_mt), e.from_order,
                         e.change_ownership
                             ? "The pageblock now belongs to the request's type, so later "
                               "allocations of that type stay together."
                             : "The pageblock keeps its type: this allocation fragments it "
                               "(a mixed pageblock).");
    case BuddyEvent::pageblock_steal:
        if (e.nr > PAGEBLOCK_NR_PAGES)
            return strprintf("%s: the fallback block is at least a pageblock, so it changes "
                             "owner whole: its pageblocks from pfn %s go from %s to %s and its "
                             "%llu free pages to the %s lists.",
                             p.claimThenSteal() ? "try_to_steal_block()"
                                                : "steal_suitable_fallback()",
                             hex(e.pfn).c_str(), migratetypeUpper(e.fallback_mt), mt,
                             (unsigned long long)e.nr, mt);
        return strprintf("%s: the pageblock at pfn %s changes from %s to %s and its free pages "
                         "(%llu) move to the %s lists, because enough of it is free or already "
                         "holds compatible pages.",
                         p.claimThenSteal() ? "try_to_steal_block()" : "steal_suitable_fallback()",
                         hex(e.pfn).c_str(), migratetypeUpper(e.fallback_mt), mt,
                         (unsigned long long)e.nr, mt);
    case BuddyEvent::boost_watermark:
        return strprintf("boost_watermark(): a fallback fragments %s, so its watermarks are "
                         "raised by %llu pages; kswapd reclaims that much extra to give the "
                         "mobility types room again.",
                         zoneOf(e).c_str(), (unsigned long long)e.nr);
    case BuddyEvent::reserve_highatomic:
        return strprintf("reserve_highatomic_pageblock(): a high-order atomic allocation "
                         "succeeded, so the pageblock at pfn %s (was %s) is set aside as "
                         "HIGHATOMIC for the next ones.",
                         hex(e.pfn).c_str(), migratetypeUpper(e.fallback_mt));
    case BuddyEvent::buddy_merge:
        return strprintf("__free_one_page(): the freed block's buddy is free too, so they merge "
                         "into an order-%d block at pfn %s (%s).",
                         e.order, hex(e.pfn).c_str(), mt);
    case BuddyEvent::mm_page_alloc:
        if (e.pfn == NO_PFN)
            return strprintf("alloc_pages() returns NULL for the order-%d request.", e.order);
        return strprintf("alloc_pages() returns %s %s block at pfn %s.",
                         orderBlock(e.order).c_str(), mt, hex(e.pfn).c_str());
    case BuddyEvent::mm_page_free:
        return strprintf("__free_pages(): the order-%d block at pfn %s is given back.", e.order,
                         hex(e.pfn).c_str());
    case BuddyEvent::alloc_fail:
        return strprintf("__alloc_pages(): no zone of the zonelist could serve the order-%d "
                         "request; the allocation fails (warn_alloc).",
                         e.order);
    case BuddyEvent::kswapd_wake:
        return strprintf("wakeup_kswapd(): free memory is low (%s), so kswapd of node %d is "
                         "woken to reclaim in the background up to the high watermark.",
                         e.reason ? e.reason : "below the low watermark", e.nid);
    case BuddyEvent::direct_reclaim:
        return strprintf("__alloc_pages_slowpath(): the kernel would now reclaim or compact "
                         "memory itself (direct reclaim); mmsim does not model that, so the "
                         "order-%d request stops here.",
                         e.order);
    case BuddyEvent::nofragment_retry:
        return "get_page_from_freelist(): no zone could serve the request without fragmenting a "
               "pageblock (ALLOC_NOFRAGMENT), so the zonelist is walked again allowing it.";
    case BuddyEvent::pcp_hit:
        return strprintf("rmqueue_pcplist(): CPU %d's per-CPU list for order-%d %s pages is not "
                         "empty, so the page at pfn %s is taken from it without the zone lock "
                         "(%llu pages left on the CPU's lists).",
                         e.cpu, e.order, mt, hex(e.pfn).c_str(), (unsigned long long)e.nr);
    case BuddyEvent::pcp_refill:
        return strprintf("rmqueue_bulk(): CPU %d's order-%d %s per-CPU list was empty, so it is "
                         "refilled from the zone under one lock; this block (pfn %s) is one of "
                         "a batch of %llu.",
                         e.cpu, e.order, mt, hex(e.pfn).c_str(), (unsigned long long)e.nr);
    case BuddyEvent::pcp_free:
        return strprintf("free_unref_page(): the page at pfn %s goes to the head of CPU %d's "
                         "order-%d %s per-CPU list (%llu pages now), not to the zone's free "
                         "lists: a quick reuse is likely.",
                         hex(e.pfn).c_str(), e.cpu, e.order, mt, (unsigned long long)e.nr);
    case BuddyEvent::mm_page_pcpu_drain:
        return strprintf("free_pcppages_bulk(): CPU %d's per-CPU list is over its high mark (or "
                         "drained), so the page at pfn %s goes back to the zone's free lists.",
                         e.cpu, hex(e.pfn).c_str());
    case BuddyEvent::drain_all_pages:
        return strprintf("drain_all_pages(): every CPU's per-CPU lists are emptied back into "
                         "the buddy lists (%llu pages).",
                         (unsigned long long)e.nr);
    case BuddyEvent::unreserve_highatomic:
        return strprintf("unreserve_highatomic_pageblock(): before giving up, the kernel hands "
                         "the HIGHATOMIC pageblock at pfn %s back to %s (%llu free pages move "
                         "lists), so the retry can use the memory kept for atomic bursts.",
                         hex(e.pfn).c_str(), mt, (unsigned long long)e.nr);
    case BuddyEvent::decay_pcp_high:
        return strprintf("decay_pcp_high(): CPU %d's per-CPU list has been idle, so its high "
                         "mark drops to %llu and %lld pages go back to the zone.",
                         e.cpu, (unsigned long long)e.nr, (long long)e.free);
    }
    return buddyEventName(e.kind);
}

std::vector<std::string> explainStep(const EventSink& ev, const KernelProfile& p,
                                     std::size_t max_paragraphs) {
    std::vector<std::string> out;
    std::vector<int> repeat;
    auto add = [&](std::string s) {
        if (!out.empty() && out.back() == s) {
            ++repeat.back();
            return;
        }
        out.push_back(std::move(s));
        repeat.push_back(1);
    };
    std::size_t i = 0;
    while (i < ev.size()) {
        const BuddyEvent& e = ev[i];
        if (isTake(e.kind)) {
            // A refill of a per-CPU list: many takes under one lock.
            std::size_t j = i;
            int refills = 0, split_blocks = 0;
            while (j < ev.size() && isTake(ev[j].kind)) {
                if (ev[j].kind == BuddyEvent::pcp_refill) refills++;
                if (ev[j].kind == BuddyEvent::rmqueue_smallest && ev[j].from_order > ev[j].order)
                    split_blocks++;
                ++j;
            }
            if (refills) {
                const BuddyEvent* r = nullptr;
                for (std::size_t k = i; k < j; ++k)
                    if (ev[k].kind == BuddyEvent::pcp_refill) r = &ev[k];
                std::string s = strprintf(
                    "CPU %d's per-CPU list for order-%d %s pages is empty, so rmqueue_bulk() "
                    "takes %d block(s) from %s under one zone lock",
                    r->cpu, r->order, migratetypeUpper(r->mt), refills, zoneOf(*r).c_str());
                s += split_blocks
                         ? strprintf(" (%d of them by splitting a larger block)", split_blocks)
                         : std::string(" (each straight from its order's list)");
                s += "; the first one is handed out and the rest wait on the list for the next "
                     "allocations.";
                add(s);
                for (std::size_t k = i; k < j; ++k)
                    if (ev[k].kind == BuddyEvent::pageblock_steal ||
                        ev[k].kind == BuddyEvent::mm_page_alloc_extfrag ||
                        ev[k].kind == BuddyEvent::boost_watermark)
                        add(explainEvent(ev[k], p));
                i = j;
                continue;
            }
            if (e.kind == BuddyEvent::rmqueue_smallest) {
                std::size_t next = i + 1;
                add(takeParagraph(ev, i, &next));
                i = next;
                continue;
            }
            if (e.kind == BuddyEvent::buddy_split) {
                // Splits of a fallback block (__rmqueue_steal / 6.1's retry).
                std::size_t k = i;
                while (k < ev.size() && ev[k].kind == BuddyEvent::buddy_split)
                    ++k;
                const int top = ev[i].from_order, low = ev[k - 1].order;
                add(strprintf("expand() splits %s %s block %s, giving back %s to the %s lists.",
                              orderBlock(top).c_str(), migratetypeUpper(e.mt),
                              times(static_cast<int>(k - i)).c_str(), halves(top, low).c_str(),
                              migratetypeUpper(e.mt)));
                i = k;
                continue;
            }
            add(explainEvent(e, p));
            ++i;
            continue;
        }
        switch (e.kind) {
        case BuddyEvent::watermark_check:
            // The passes are the normal case: one line for the zone used.
            add(explainEvent(e, p));
            ++i;
            break;
        case BuddyEvent::buddy_merge: {
            std::size_t k = i;
            while (k < ev.size() && ev[k].kind == BuddyEvent::buddy_merge && ev[k].zone == e.zone)
                ++k;
            const BuddyEvent& last = ev[k - 1];
            const int first_order = e.order - 1;
            add(strprintf("__free_one_page() finds the buddy of the freed order-%d block free and "
                          "merges %s, up to %s block at pfn %s on the %s list of %s.",
                          first_order, times(static_cast<int>(k - i)).c_str(),
                          orderBlock(last.order).c_str(), hex(last.pfn).c_str(),
                          migratetypeUpper(last.mt), zoneOf(last).c_str()));
            i = k;
            break;
        }
        case BuddyEvent::mm_page_free: {
            // A free that no merge follows stays as it is.
            add(explainEvent(e, p));
            ++i;
            break;
        }
        case BuddyEvent::mm_page_alloc:
            if (e.pfn != NO_PFN) add(explainEvent(e, p));
            ++i;
            break;
        default:
            add(explainEvent(e, p));
            ++i;
            break;
        }
    }
    if (out.size() > max_paragraphs) {
        const std::size_t more = out.size() - max_paragraphs;
        out.resize(max_paragraphs);
        repeat.resize(max_paragraphs);
        out.push_back(
            strprintf("... and %zu more like these (the event log lists every one).", more));
        repeat.push_back(1);
    }
    for (std::size_t k = 0; k < out.size(); ++k)
        if (repeat[k] > 1) out[k] += strprintf(" (%d times in a row)", repeat[k]);
    return out;
}

} // namespace mmsim
