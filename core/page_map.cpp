#include "core/page_map.h"

#include "core/mm_model.h"
#include "core/page_alloc.h"

#include <algorithm>

namespace mmsim {

namespace {

bool byPfn(const PageBlockRef& a, const PageBlockRef& b) {
    return a.pfn < b.pfn;
}

// Adds n pages from pfn on to a per-pageblock counter, over as many
// pageblocks as the range covers.
template <class Field>
void spread(std::vector<PageblockInfo>& blocks, pfn_t base, pfn_t pfn, std::uint64_t n,
            Field field) {
    while (n) {
        const pfn_t end = (pfn | (PAGEBLOCK_NR_PAGES - 1)) + 1;
        const std::uint64_t k = std::min<std::uint64_t>(n, end - pfn);
        if (pfn >= base) {
            const std::size_t i = (pfn - base) >> PAGEBLOCK_ORDER;
            if (i < blocks.size()) field(blocks[i]) += static_cast<std::uint16_t>(k);
        }
        pfn += k;
        n -= k;
    }
}

// A HIGHATOMIC or ISOLATE pageblock holds whatever it was reserved for:
// only the three mobility types can be mixed.
bool computeMixed(const PageblockInfo& b) {
    if (b.mt >= MIGRATE_PCPTYPES) return false;
    for (int t = 0; t < MIGRATE_TYPES; ++t)
        if (t != b.mt && b.alloc[static_cast<std::size_t>(t)]) return true;
    return false;
}

const PageBlockRef* containing(const std::vector<PageBlockRef>& v, pfn_t pfn) {
    auto it = std::upper_bound(v.begin(), v.end(), pfn,
                               [](pfn_t p, const PageBlockRef& b) { return p < b.pfn; });
    if (it == v.begin()) return nullptr;
    --it;
    return pfn < it->pfn + (pfn_t{1} << it->order) ? &*it : nullptr;
}

} // namespace

// ---- the allocator's storage, read in one place ----

std::vector<PageBlockRef> freeBlocks(const Zone& z) {
    std::vector<PageBlockRef> v;
    v.reserve(z.free_area.blockCount());
    for (const auto& [pfn, b] : z.free_area.records())
        v.push_back({pfn, b.order, b.mt, -1});
    std::sort(v.begin(), v.end(), byPfn);
    return v;
}

std::vector<PageBlockRef> allocatedBlocks(const Zone& z) {
    std::vector<PageBlockRef> v;
    v.reserve(z.allocated.size());
    for (const auto& [pfn, b] : z.allocated)
        v.push_back({pfn, b.order, b.mt, -1});
    std::sort(v.begin(), v.end(), byPfn);
    return v;
}

std::vector<PageBlockRef> pcpBlocks(const Zone& z) {
    std::vector<PageBlockRef> v;
    for (std::size_t cpu = 0; cpu < z.pageset.size(); ++cpu) {
        const PerCpuPages& pcp = z.pageset[cpu];
        for (int pi = 0; pi < NR_PCP_LISTS; ++pi) {
            const int order = pindexToOrder(pi);
            const int mt =
                pi >= NR_LOWORDER_PCP_LISTS
                    ? (pi == NR_LOWORDER_PCP_LISTS + 1 ? MIGRATE_MOVABLE : MIGRATE_UNMOVABLE)
                    : pi % 3;
            for (const PcpPage& p : pcp.lists[static_cast<std::size_t>(pi)])
                v.push_back({p.pfn, static_cast<std::uint8_t>(order), static_cast<std::uint8_t>(mt),
                             static_cast<std::int16_t>(cpu)});
        }
    }
    std::sort(v.begin(), v.end(), byPfn);
    return v;
}

// ---- totals ----

void PageMapTotals::add(const PageblockInfo& b) {
    pages += b.pages;
    free += b.free;
    pcp += b.pcp;
    for (std::size_t t = 0; t < alloc.size(); ++t)
        alloc[t] += b.alloc[t];
    mixed += b.mixed;
    if (b.present) {
        ++pageblocks;
        ++pageblocks_by_mt[b.mt];
    }
}

void PageMapTotals::add(const PageMapTotals& t) {
    pageblocks += t.pageblocks;
    for (std::size_t i = 0; i < pageblocks_by_mt.size(); ++i)
        pageblocks_by_mt[i] += t.pageblocks_by_mt[i];
    pages += t.pages;
    free += t.free;
    pcp += t.pcp;
    for (std::size_t i = 0; i < alloc.size(); ++i)
        alloc[i] += t.alloc[i];
    mixed += t.mixed;
}

// ---- building ----

ZonePageMap buildZonePageMap(const Zone& z) {
    ZonePageMap m;
    m.nid = z.nid;
    m.zone = z.idx;
    m.name = z.name();
    m.start_pfn = z.zone_start_pfn;
    m.end_pfn = z.zone_end_pfn();
    const Pageblocks& pb = z.pageblocks;
    const pfn_t base = pb.base();
    m.blocks.resize(pb.count());
    for (std::size_t i = 0; i < pb.count(); ++i) {
        PageblockInfo& b = m.blocks[i];
        b.start_pfn = pb.startOf(i);
        const pfn_t lo = std::max(b.start_pfn, m.start_pfn);
        const pfn_t hi = std::min(b.start_pfn + PAGEBLOCK_NR_PAGES, m.end_pfn);
        b.pages = static_cast<std::uint16_t>(hi > lo ? hi - lo : 0);
        b.mt = static_cast<std::uint8_t>(pb.typeAt(i));
        // /proc/pagetypeinfo counts a block whose first pfn in the zone has
        // a memory map; the same rule here.
        b.present = b.pages && pb.present(i);
    }
    m.free_blocks = freeBlocks(z);
    m.allocated = allocatedBlocks(z);
    m.pcp = pcpBlocks(z);
    for (const PageBlockRef& f : m.free_blocks) {
        spread(m.blocks, base, f.pfn, pfn_t{1} << f.order,
               [](PageblockInfo& b) -> std::uint16_t& { return b.free; });
        m.nr_free[f.order] += 1;
        m.nr_free_mt[f.order][f.mt] += 1;
    }
    for (const PageBlockRef& a : m.allocated) {
        const std::uint8_t mt = a.mt;
        spread(m.blocks, base, a.pfn, pfn_t{1} << a.order,
               [mt](PageblockInfo& b) -> std::uint16_t& { return b.alloc[mt]; });
    }
    for (const PageBlockRef& p : m.pcp)
        spread(m.blocks, base, p.pfn, pfn_t{1} << p.order,
               [](PageblockInfo& b) -> std::uint16_t& { return b.pcp; });
    for (PageblockInfo& b : m.blocks) {
        b.mixed = computeMixed(b);
        m.totals.add(b);
    }
    return m;
}

MachinePageMap buildPageMap(const MmModel& mm) {
    MachinePageMap m;
    for (const Node& n : mm.nodes) {
        NodePageMap nm;
        nm.nid = n.nid;
        for (const Zone& z : n.zones) {
            if (!z.spanned_pages || !z.present_pages) continue;
            nm.zones.push_back(buildZonePageMap(z));
            nm.totals.add(nm.zones.back().totals);
        }
        std::sort(nm.zones.begin(), nm.zones.end(), [](const ZonePageMap& a, const ZonePageMap& b) {
            return a.start_pfn < b.start_pfn;
        });
        m.totals.add(nm.totals);
        m.nodes.push_back(std::move(nm));
    }
    return m;
}

// ---- queries ----

ZonePageMap::State ZonePageMap::stateOf(pfn_t pfn, PageBlockRef* block) const {
    if (const PageBlockRef* b = containing(free_blocks, pfn)) {
        if (block) *block = *b;
        return State::Free;
    }
    if (const PageBlockRef* b = containing(allocated, pfn)) {
        if (block) *block = *b;
        return State::Allocated;
    }
    if (const PageBlockRef* b = containing(pcp, pfn)) {
        if (block) *block = *b;
        return State::Pcp;
    }
    return State::Unavailable;
}

const PageblockInfo* ZonePageMap::pageblockOf(pfn_t pfn) const {
    if (blocks.empty() || pfn < blocks.front().start_pfn) return nullptr;
    const std::size_t i = (pfn - blocks.front().start_pfn) >> PAGEBLOCK_ORDER;
    return i < blocks.size() ? &blocks[i] : nullptr;
}

const ZonePageMap* MachinePageMap::zoneOf(pfn_t pfn) const {
    for (const NodePageMap& n : nodes)
        for (const ZonePageMap& z : n.zones)
            if (pfn >= z.start_pfn && pfn < z.end_pfn) return &z;
    return nullptr;
}

const char* pageStateName(ZonePageMap::State s) {
    switch (s) {
    case ZonePageMap::State::Free:
        return "free";
    case ZonePageMap::State::Allocated:
        return "allocated";
    case ZonePageMap::State::Pcp:
        return "on a per-CPU list";
    case ZonePageMap::State::Unavailable:
        return "reserved or absent";
    }
    return "?";
}

// ---- level of detail ----

std::vector<PageMapCell> summarize(const std::vector<PageblockInfo>& blocks, int level) {
    const std::size_t per = std::size_t{1} << std::max(0, level);
    std::vector<PageMapCell> cells;
    cells.reserve((blocks.size() + per - 1) / per);
    for (std::size_t i = 0; i < blocks.size(); i += per) {
        PageMapCell c;
        c.start_pfn = blocks[i].start_pfn;
        const std::size_t end = std::min(blocks.size(), i + per);
        std::array<std::uint32_t, MIGRATE_TYPES> by{};
        for (std::size_t j = i; j < end; ++j) {
            c.totals.add(blocks[j]);
            ++by[blocks[j].mt];
        }
        c.nr_blocks = static_cast<std::uint32_t>(end - i);
        c.dominant_mt =
            static_cast<std::uint8_t>(std::max_element(by.begin(), by.end()) - by.begin());
        cells.push_back(c);
    }
    return cells;
}

int levelFor(std::size_t nr_blocks, std::size_t max_cells) {
    int level = 0;
    max_cells = std::max<std::size_t>(1, max_cells);
    while (((nr_blocks + (std::size_t{1} << level) - 1) >> level) > max_cells && level < 40)
        ++level;
    return level;
}

std::vector<PageblockInfo> pageblocksOf(const MachinePageMap& m, int nid) {
    std::vector<const ZonePageMap*> zones;
    for (const NodePageMap& n : m.nodes)
        if (nid < 0 || n.nid == nid)
            for (const ZonePageMap& z : n.zones)
                zones.push_back(&z);
    std::sort(zones.begin(), zones.end(), [](const ZonePageMap* a, const ZonePageMap* b) {
        return a->start_pfn < b->start_pfn;
    });
    std::vector<PageblockInfo> out;
    std::size_t total = 0;
    for (const ZonePageMap* z : zones)
        total += z->blocks.size();
    out.reserve(total);
    for (const ZonePageMap* z : zones)
        out.insert(out.end(), z->blocks.begin(), z->blocks.end());
    return out;
}

} // namespace mmsim
