#include "core/timeseries.h"

#include "core/frag_index.h"
#include "core/simulation.h"
#include "core/strfmt.h"

#include <algorithm>
#include <set>

namespace mmsim {

const char* seriesSetName(SeriesSet s) {
    switch (s) {
    case SeriesSet::nr_free:
        return "nr_free";
    case SeriesSet::free_pages:
        return "free_pages";
    case SeriesSet::unusable:
        return "unusable";
    case SeriesSet::extfrag:
        return "extfrag";
    case SeriesSet::largest_order:
        return "largest_order";
    case SeriesSet::pageblocks:
        return "pageblocks";
    case SeriesSet::mixed:
        return "mixed";
    case SeriesSet::events:
        return "events";
    case SeriesSet::cycles:
        return "cycles";
    case SeriesSet::provider:
        return "provider";
    }
    return "?";
}

int TimeSeries::column(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == name) return static_cast<int>(i);
    return -1;
}

std::vector<int> TimeSeries::columnsOf(SeriesSet s) const {
    std::vector<int> out;
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].set == s) out.push_back(static_cast<int>(i));
    return out;
}

std::vector<std::string> TimeSeries::zoneGroups() const {
    std::vector<std::string> out;
    for (const SeriesColumn& c : columns)
        if (c.set == SeriesSet::free_pages) out.push_back(c.group);
    return out;
}

int largestFreeOrder(const Zone& z) {
    for (int o = NR_PAGE_ORDERS - 1; o >= 0; --o)
        if (z.free_area.nrFree(o)) return o;
    return -1;
}

std::uint64_t mixedPageblocks(const Zone& z) {
    const Pageblocks& pb = z.pageblocks;
    if (!pb.count() || z.allocated.empty()) return 0;
    // One bit per pageblock: holds a block of a foreign type.
    std::vector<std::uint8_t> mixed(pb.count(), 0);
    std::uint64_t n = 0;
    for (const auto& [pfn, a] : z.allocated) {
        if (a.mt >= MIGRATE_PCPTYPES) continue;
        const pfn_t end = pfn + (pfn_t{1} << a.order);
        for (pfn_t p = pfn; p < end; p = (p | (PAGEBLOCK_NR_PAGES - 1)) + 1) {
            if (!pb.covers(p)) continue;
            const std::size_t i = pb.index(p);
            const int t = pb.typeAt(i);
            if (t < MIGRATE_PCPTYPES && t != a.mt && !mixed[i]) {
                mixed[i] = 1;
                ++n;
            }
        }
    }
    return n;
}

namespace {

// Whether pageblock i of 'z' holds an allocated block of another
// UNMOVABLE/MOVABLE/RECLAIMABLE type than its own (mixedPageblocks' test
// for one pageblock).
bool pageblockMixed(const Zone& z, std::size_t i, int type) {
    if (type >= MIGRATE_PCPTYPES || z.allocated.empty()) return false;
    const pfn_t start = z.pageblocks.startOf(i), end = start + PAGEBLOCK_NR_PAGES;
    bool mixed = false;
    auto foreign = [&](const AllocatedBlock& a) { return a.mt < MIGRATE_PCPTYPES && a.mt != type; };
    // A block larger than a pageblock starting before this one.
    for (int o = PAGEBLOCK_ORDER + 1; o < NR_PAGE_ORDERS && !mixed; ++o) {
        const pfn_t head = start & ~((pfn_t{1} << o) - 1);
        if (head != start && z.allocated.contains(head)) {
            const AllocatedBlock a = z.allocated.get(head);
            if (a.order == o && foreign(a)) mixed = true;
        }
    }
    if (!mixed)
        z.allocated.forEachIn(start, end, [&](pfn_t, const AllocatedBlock& a) {
            if (foreign(a)) mixed = true;
        });
    return mixed;
}

} // namespace

void SeriesRecorder::refresh(ZoneCache& c, const Zone& z) const {
    const Pageblocks& pb = z.pageblocks;
    const bool full = c.type.empty() || c.start != z.zone_start_pfn || c.end != z.zone_end_pfn() ||
                      c.type.size() != pb.count();
    auto read = [&](std::size_t i) {
        const int t = pb.typeAt(i);
        const bool counted = i >= c.first && i < c.last && pb.present(i);
        if (counted) {
            --c.counts.n[c.type[i]];
            ++c.counts.n[static_cast<std::size_t>(t)];
        }
        c.type[i] = static_cast<std::uint8_t>(t);
        const std::uint8_t m = pageblockMixed(z, i, t) ? 1 : 0;
        c.nr_mixed = c.nr_mixed - c.mixed[i] + m;
        c.mixed[i] = m;
    };
    if (full) {
        // Every pageblock: the counts of pageblockCounts() (pageblocks from the
        // zone's first pfn, with a memory map) and every mixed flag.
        c = ZoneCache{};
        c.start = z.zone_start_pfn;
        c.end = z.zone_end_pfn();
        c.type.assign(pb.count(), 0);
        c.mixed.assign(pb.count(), 0);
        c.is_dirty.assign(pb.count(), 0);
        if (z.spanned_pages && pb.count() && pb.covers(z.zone_start_pfn)) {
            c.first = pb.index(z.zone_start_pfn);
            const std::size_t n = (z.spanned_pages + PAGEBLOCK_NR_PAGES - 1) / PAGEBLOCK_NR_PAGES;
            c.last = std::min(c.first + n, pb.count());
        }
        for (std::size_t i = 0; i < pb.count(); ++i) {
            c.type[i] = static_cast<std::uint8_t>(pb.typeAt(i));
            if (i >= c.first && i < c.last && pb.present(i)) ++c.counts.n[c.type[i]];
        }
        if (!z.allocated.empty())
            for (std::size_t i = 0; i < pb.count(); ++i)
                if ((c.mixed[i] = pageblockMixed(z, i, c.type[i]) ? 1 : 0)) ++c.nr_mixed;
        return;
    }
    for (std::uint32_t i : c.dirty) {
        read(i);
        c.is_dirty[i] = 0;
    }
    c.dirty.clear();
}

void SeriesRecorder::markDirty(const BuddyEvent& e) {
    if (e.pfn == NO_PFN) return;
    pfn_t first = 0, end = 0;
    switch (e.kind) {
    case BuddyEvent::mm_page_alloc:
    case BuddyEvent::mm_page_free:
        first = e.pfn & ~(PAGEBLOCK_NR_PAGES - 1);
        end = e.pfn + (pfn_t{1} << std::max<int>(e.order, PAGEBLOCK_ORDER));
        break;
    case BuddyEvent::pageblock_steal:
    case BuddyEvent::reserve_highatomic:
    case BuddyEvent::unreserve_highatomic: {
        // The event names the first pageblock of what changed type; a claim
        // or reserve of a block above pageblock order changes every
        // pageblock of it: re-read the whole max-order block around it.
        const pfn_t max_block = pfn_t{1} << MAX_PAGE_ORDER;
        first = e.pfn & ~(max_block - 1);
        end = first + max_block;
        break;
    }
    default:
        return;
    }
    for (ZoneCache& c : zones_) {
        if (c.type.empty() || end <= c.start || first >= c.end) continue;
        const pfn_t base = c.start & ~(PAGEBLOCK_NR_PAGES - 1);
        for (pfn_t p = std::max(first, base); p < end; p += PAGEBLOCK_NR_PAGES) {
            const std::size_t i = (p - base) >> PAGEBLOCK_ORDER;
            if (i >= c.type.size()) break;
            if (!c.is_dirty[i]) {
                c.is_dirty[i] = 1;
                c.dirty.push_back(static_cast<std::uint32_t>(i));
            }
        }
    }
}

SeriesRecorder::SeriesRecorder(std::size_t cap, int frag_order)
    : cap_(std::max<std::size_t>(cap, 4)) {
    data_.frag_order = std::clamp(frag_order, 0, MAX_PAGE_ORDER);
}

void SeriesRecorder::reset() {
    const int fo = data_.frag_order;
    data_ = TimeSeries{};
    data_.frag_order = fo;
    pending_ = {};
    n_ = 0;
    last_step_ = 0;
    started_ = false;
    last_stored_ = false;
    fixed_columns_ = 0;
    zones_.clear();
    zones_valid_ = false;
}

static std::string zoneGroup(const Zone& z) {
    return strprintf("n%d.%s", z.nid, z.name());
}

void SeriesRecorder::ensureColumns(const MmModel& mm) {
    if (fixed_columns_) return;
    auto add = [&](SeriesColumn c) { data_.columns.push_back(std::move(c)); };
    const int fo = data_.frag_order;
    mm.forEachZone([&](const Zone& z) {
        if (!z.populated()) return;
        const std::string g = zoneGroup(z);
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            add({strprintf("nr_free.%s.o%d", g.c_str(), o), SeriesSet::nr_free, "blocks", g, z.nid,
                 z.idx, o, -1});
        add({"free_pages." + g, SeriesSet::free_pages, "pages", g, z.nid, z.idx, -1, -1});
        add({strprintf("unusable.%s.o%d", g.c_str(), fo), SeriesSet::unusable, "index", g, z.nid,
             z.idx, fo, -1});
        add({strprintf("extfrag.%s.o%d", g.c_str(), fo), SeriesSet::extfrag, "index", g, z.nid,
             z.idx, fo, -1});
        add({"largest_order." + g, SeriesSet::largest_order, "order", g, z.nid, z.idx, -1, -1});
        for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
            if (migratetypeShown(mt, mm.profile.cma))
                add({strprintf("pageblocks.%s.%s", g.c_str(), migratetypeName(mt)),
                     SeriesSet::pageblocks, "pageblocks", g, z.nid, z.idx, -1, mt});
        add({"mixed." + g, SeriesSet::mixed, "pageblocks", g, z.nid, z.idx, -1, -1});
    });
    add({"pageblock_steals", SeriesSet::events, "events", "", -1, -1, -1, -1});
    add({"extfrag_fallbacks", SeriesSet::events, "events", "", -1, -1, -1, -1});
    add({"alloc_failures", SeriesSet::events, "events", "", -1, -1, -1, -1});
    add({"ops", SeriesSet::cycles, "operations", "", -1, -1, -1, -1});
    add({"op_cycles_sum", SeriesSet::cycles, "cycles", "", -1, -1, -1, -1});
    add({"op_cycles_max", SeriesSet::cycles, "cycles", "", -1, -1, -1, -1});
    data_.values.assign(data_.columns.size(), {});
    // Rows never exceed the cap: room for all of them now, so that
    // appending never moves a column.
    data_.step.reserve(cap_);
    data_.cycle.reserve(cap_);
    for (auto& v : data_.values)
        v.reserve(cap_);
    fixed_columns_ = data_.columns.size();
}

void SeriesRecorder::account(const StepInput& in) {
    pending_.ops += 1;
    pending_.cycles += static_cast<double>(in.op_cycles);
    pending_.cycles_max = std::max(pending_.cycles_max, static_cast<double>(in.op_cycles));
    for (const BuddyEvent& e : in.events) {
        if (zones_valid_) markDirty(e);
        switch (e.kind) {
        case BuddyEvent::pageblock_steal:
            pending_.steals += 1;
            break;
        case BuddyEvent::mm_page_alloc_extfrag:
            pending_.extfrag += 1;
            break;
        case BuddyEvent::alloc_fail:
            pending_.failures += 1;
            break;
        default:
            break;
        }
    }
    for (const auto& p : providers_)
        p->onStep(in);
}

void SeriesRecorder::appendRow(TimeSeries& ts, const StepInput& in, const Interval& iv) const {
    const std::size_t row = ts.rows();
    ts.step.push_back(in.step);
    ts.cycle.push_back(in.cycle);
    std::size_t c = 0;
    auto put = [&](double v) { ts.values[c++].push_back(v); };
    const int fo = ts.frag_order;
    if (!zones_valid_) zones_.clear();
    std::size_t zi = 0;
    in.mm.forEachZone([&](const Zone& z) {
        if (!z.populated()) return;
        if (zones_.size() <= zi) zones_.emplace_back();
        ZoneCache& zc = zones_[zi++];
        refresh(zc, z);
        NrFree nr{};
        for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
            nr[static_cast<std::size_t>(o)] = z.free_area.nrFree(o);
            put(static_cast<double>(nr[static_cast<std::size_t>(o)]));
        }
        put(static_cast<double>(z.free_area.freePages()));
        const ContigPageInfo info = fillContigPageInfo(nr, fo);
        put(unusableFreeIndex(fo, info) / 1000.0);
        put(fragmentationIndex(fo, info) / 1000.0);
        put(largestFreeOrder(z));
        for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
            if (migratetypeShown(mt, in.mm.profile.cma))
                put(static_cast<double>(zc.counts.n[static_cast<std::size_t>(mt)]));
        put(static_cast<double>(zc.nr_mixed));
    });
    zones_valid_ = true;
    put(iv.steals);
    put(iv.extfrag);
    put(iv.failures);
    put(iv.ops);
    put(iv.cycles);
    put(iv.cycles_max);
    // Providers: named values, new columns appended.
    std::vector<std::pair<SeriesColumn, double>> extra;
    for (const auto& p : providers_)
        p->sample(in, extra);
    for (auto& [col, v] : extra) {
        int i = ts.column(col.name);
        if (i < 0) {
            ts.columns.push_back(col);
            ts.values.emplace_back(row, TimeSeries::NaN);
            ts.values.back().reserve(std::max(cap_, row + 1));
            i = static_cast<int>(ts.columns.size() - 1);
        }
        auto& vec = ts.values[static_cast<std::size_t>(i)];
        if (vec.size() == row)
            vec.push_back(v);
        else
            vec[row] = v; // the same name twice in one row: the last wins
    }
    for (auto& vec : ts.values)
        if (vec.size() == row) vec.push_back(TimeSeries::NaN);
}

void SeriesRecorder::compact() {
    // Keep rows whose operation index is a multiple of the new stride; a
    // dropped row's interval goes into the next stored row (or pending).
    data_.stride *= 2;
    const std::size_t rows = data_.rows();
    const std::vector<int> ev = data_.columnsOf(SeriesSet::events);
    const int ops = data_.column("ops"), sum = data_.column("op_cycles_sum"),
              max = data_.column("op_cycles_max");
    std::vector<std::size_t> keep;
    for (std::size_t r = 0; r < rows; ++r) {
        // Stored rows are at operation indices r * (stride / 2); keep the even ones.
        if (r % 2 == 0) {
            keep.push_back(r);
            continue;
        }
        if (r + 1 < rows) {
            for (int c : ev)
                data_.values[static_cast<std::size_t>(c)][r + 1] +=
                    data_.values[static_cast<std::size_t>(c)][r];
            auto& o = data_.values[static_cast<std::size_t>(ops)];
            auto& s = data_.values[static_cast<std::size_t>(sum)];
            auto& m = data_.values[static_cast<std::size_t>(max)];
            o[r + 1] += o[r];
            s[r + 1] += s[r];
            m[r + 1] = std::max(m[r + 1], m[r]);
        } else {
            auto v = [&](int c) { return data_.values[static_cast<std::size_t>(c)][r]; };
            pending_.steals += v(ev[0]);
            pending_.extfrag += v(ev[1]);
            pending_.failures += v(ev[2]);
            pending_.ops += v(ops);
            pending_.cycles += v(sum);
            pending_.cycles_max = std::max(pending_.cycles_max, v(max));
        }
    }
    auto thin = [&](auto& vec) {
        for (std::size_t i = 0; i < keep.size(); ++i)
            vec[i] = vec[keep[i]];
        vec.resize(keep.size());
    };
    thin(data_.step);
    thin(data_.cycle);
    for (auto& vec : data_.values)
        thin(vec);
    // The last sampled operation is stored only if its row survived.
    last_stored_ = last_stored_ && (rows - 1) % 2 == 0;
}

void SeriesRecorder::sample(const Simulation& sim) {
    const StepCycles* last = sim.lastStep();
    sample(StepInput{sim.state().mm, sim.lastEvents(), sim.executed(), sim.clock().now(),
                     last ? last->cycles : 0, &sim});
}

void SeriesRecorder::sample(const StepInput& in) {
    if (started_ && in.step != last_step_ + 1) reset();
    if (!in.mm.buddy_ready) {
        last_step_ = in.step;
        return;
    }
    if (!started_) {
        ensureColumns(in.mm);
        started_ = true;
        n_ = 0;
    } else {
        ++n_;
    }
    last_step_ = in.step;
    account(in);
    last_stored_ = false;
    if ((n_ & (data_.stride - 1)) == 0) { // the stride is a power of two
        appendRow(data_, in, pending_);
        pending_ = {};
        last_stored_ = true;
        if (data_.rows() >= cap_) compact();
    }
}

TimeSeries SeriesRecorder::series(const Simulation& sim) const {
    const StepCycles* last = sim.lastStep();
    TimeSeries ts = series(StepInput{sim.state().mm, sim.lastEvents(), sim.executed(),
                                     sim.clock().now(), last ? last->cycles : 0, &sim});
    ts.paths = sim.cycles().paths;
    return ts;
}

TimeSeries SeriesRecorder::series(const StepInput& current) const {
    TimeSeries ts = data_;
    if (started_ && !last_stored_ && current.step == last_step_) appendRow(ts, current, pending_);
    return ts;
}

} // namespace mmsim
