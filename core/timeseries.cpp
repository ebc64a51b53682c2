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

// pageblockCounts() (what /proc/pagetypeinfo counts) as one pass over the
// pageblock array: the pfns zone_start + k * pageblock_nr_pages it steps
// through are pageblocks 0, 1, ... of the zone's array.
static PageblockCounts pageblockCountsFast(const Zone& z) {
    PageblockCounts c;
    const Pageblocks& pb = z.pageblocks;
    if (!z.spanned_pages || !pb.count() || !pb.covers(z.zone_start_pfn)) return c;
    const std::size_t first = pb.index(z.zone_start_pfn);
    const std::size_t n = (z.spanned_pages + PAGEBLOCK_NR_PAGES - 1) / PAGEBLOCK_NR_PAGES;
    const std::size_t end = std::min(first + n, pb.count());
    for (std::size_t i = first; i < end; ++i)
        if (pb.present(i)) ++c.n[static_cast<std::size_t>(pb.typeAt(i))];
    return c;
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
    fixed_columns_ = data_.columns.size();
}

void SeriesRecorder::account(const StepInput& in) {
    pending_.ops += 1;
    pending_.cycles += static_cast<double>(in.op_cycles);
    pending_.cycles_max = std::max(pending_.cycles_max, static_cast<double>(in.op_cycles));
    for (const BuddyEvent& e : in.events) {
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
    in.mm.forEachZone([&](const Zone& z) {
        if (!z.populated()) return;
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
        const PageblockCounts pc = pageblockCountsFast(z);
        for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
            put(static_cast<double>(pc.n[static_cast<std::size_t>(mt)]));
        put(static_cast<double>(mixedPageblocks(z)));
    });
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
