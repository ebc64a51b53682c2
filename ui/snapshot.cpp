#include "ui/snapshot.h"

#include "core/e820.h"
#include "core/explain.h"
#include "core/report.h"
#include "core/simulation.h"
#include "ui/slab_snapshot.h"

#include <QObject>

#include <algorithm>

namespace mmsim::ui {

namespace {

constexpr int kMaxStepLog = 400;
constexpr int kMaxDebugLines = 60;

std::vector<RegionRow> regionRows(const MemblockType& t) {
    std::vector<RegionRow> rows;
    rows.reserve(t.regions.size());
    for (const MemblockRegion& r : t.regions)
        rows.push_back({r.base, r.size, r.flags, r.nid});
    return rows;
}

QString argValue(const json& v) {
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    return QString::fromStdString(v.dump());
}

QString stepLabel(const Step& s) {
    QString label = QString::fromStdString(s.op);
    QStringList parts;
    if (s.args.is_object()) {
        for (auto it = s.args.begin(); it != s.args.end(); ++it) {
            if (it.key() == "op" || it.key() == "note" || it.key() == "expect") continue;
            parts << QString::fromStdString(it.key()) + '=' + argValue(it.value());
            if (parts.size() == 3) break;
        }
    }
    if (!parts.isEmpty()) label += "  " + parts.join(' ');
    return label;
}

StepInfo stepInfo(const Step& s, const QString& prefix) {
    StepInfo info;
    info.op = QString::fromStdString(s.op);
    info.label = prefix + stepLabel(s);
    if (s.args.is_object()) {
        auto it = s.args.find("note");
        if (it != s.args.end() && it->is_string())
            info.note = QString::fromStdString(it->get<std::string>());
        info.args = QString::fromStdString(s.args.dump());
    }
    info.where = QStringLiteral("%1:%2:%3")
                     .arg(QString::fromStdString(s.loc.file))
                     .arg(s.loc.line)
                     .arg(s.loc.col);
    return info;
}

// The free lists of every populated zone, the page map and the named
// allocations' owners.
void buddyLists(const Simulation& sim, Snapshot& snap) {
    const BootState& st = sim.state();
    for (const Node& n : st.mm.nodes) {
        for (const Zone& z : n.zones) {
            if (!z.present_pages) continue;
            BuddyZoneSnap b;
            b.nid = z.nid;
            b.idx = z.idx;
            b.name = QString::fromLatin1(z.name());
            b.free = z.free_area.freePages();
            for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
                b.nr_free[o] = z.free_area.nrFree(o);
                for (int mt = 0; mt < MIGRATE_TYPES; ++mt) {
                    FreeListSnap& l = b.lists[o][mt];
                    l.count = z.free_area.listLength(o, mt);
                    for (pfn_t p = z.free_area.first(o, mt);
                         p != NO_PFN && l.pfns.size() < static_cast<std::size_t>(kMaxListPfns);
                         p = z.free_area.next(p))
                        l.pfns.push_back(p);
                }
            }
            snap.buddy.push_back(std::move(b));
        }
    }
    snap.page_map = std::make_shared<const MachinePageMap>(buildPageMap(st.mm));
    for (const auto& [name, a] : sim.pageAllocations())
        for (const auto& [pfn, order] : a.blocks)
            snap.owners.push_back({pfn, order, QString::fromStdString(name)});
    std::sort(snap.owners.begin(), snap.owners.end(),
              [](const OwnerSnap& a, const OwnerSnap& b) { return a.pfn < b.pfn; });
}

// The last step's events, its account in words and its cost.
void stepEvents(const Simulation& sim, Snapshot& snap) {
    const BootState& st = sim.state();
    const EventSink& ev = sim.lastEvents();
    const auto& cycles = sim.lastEventCycles();
    snap.events_total = static_cast<int>(ev.size());
    const std::size_t n = std::min<std::size_t>(ev.size(), kMaxEvents);
    snap.events.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        EventSnap e;
        e.ev = ev[i];
        const bool slab = isSlabEvent(ev[i].kind);
        e.text = QString::fromStdString(slab ? formatSlabEvent(ev[i])
                                             : formatBuddyEvent(ev[i], st.mm.profile));
        e.explain = slab ? explainSlabEvent(ev[i])
                         : QString::fromStdString(explainEvent(ev[i], st.mm.profile));
        e.cycles = i < cycles.size() ? cycles[i] : 0;
        snap.events.push_back(std::move(e));
    }
    // Core tells the page allocator's part; the slab events are summed up apart.
    EventSink page_events;
    for (const BuddyEvent& e : ev)
        if (!isSlabEvent(e.kind)) page_events.push_back(e);
    const QString slab_story = slabStepSummary(ev);
    if (!slab_story.isEmpty()) snap.step_explain << slab_story;
    for (const std::string& p : explainStep(page_events, st.mm.profile))
        snap.step_explain << QString::fromStdString(p);

    snap.clock_now = sim.clock().now();
    if (const StepCycles* last = sim.lastStep()) {
        snap.last_cycles = last->cycles;
        const auto& names = sim.cycles().op_names;
        if (last->op < names.size()) snap.last_op = QString::fromStdString(names[last->op]);
        std::map<int, std::uint64_t> by_kind;
        for (std::size_t i = 0; i < ev.size() && i < cycles.size(); ++i)
            by_kind[ev[i].kind] += cycles[i];
        for (const auto& [k, c] : by_kind)
            snap.last_breakdown.emplace_back(
                QString::fromLatin1(isSlabEvent(static_cast<std::uint8_t>(k))
                                        ? slabEventName(static_cast<std::uint8_t>(k))
                                        : buddyEventName(static_cast<BuddyEvent::Kind>(k))),
                c);
        std::sort(snap.last_breakdown.begin(), snap.last_breakdown.end(),
                  [](const auto& a, const auto& b) { return a.second > b.second; });
    }
}

// One /proc-style view: its text, or why it is not available yet.
void renderInto(const Simulation& sim, const std::string& v, Snapshot& snap) {
    const QString name = QString::fromStdString(v);
    try {
        snap.views[name] = QString::fromStdString(renderView(sim, v));
        snap.view_available[name] = true;
    } catch (const std::exception& e) {
        snap.views[name] = QObject::tr("(not available yet: %1)").arg(e.what());
        snap.view_available[name] = false;
    }
}

} // namespace

QString Snapshot::ownerOf(std::uint64_t pfn) const {
    auto it = std::upper_bound(owners.begin(), owners.end(), pfn,
                               [](std::uint64_t p, const OwnerSnap& o) { return p < o.pfn; });
    if (it == owners.begin()) return {};
    --it;
    return pfn < it->pfn + (std::uint64_t{1} << it->order) ? it->name : QString();
}

std::vector<E820Row> e820Rows(const E820Table& t) {
    std::vector<E820Row> rows;
    for (const E820Entry& e : t.entries())
        rows.push_back({e.addr, e.size, e.type, QString::fromStdString(e820TypeName(e.type))});
    return rows;
}

std::vector<NodeSnap> nodeSnaps(const BootState& st) {
    std::vector<NodeSnap> nodes;
    for (const Node& n : st.mm.nodes) {
        NodeSnap ns;
        ns.nid = n.nid;
        ns.online = n.online;
        ns.has_memory = n.has_memory;
        ns.start_pfn = n.node_start_pfn;
        ns.spanned = n.node_spanned_pages;
        ns.present = n.node_present_pages;
        ns.cpus = n.cpus;
        for (const Zone& z : n.zones) {
            ZoneSnap zs;
            zs.nid = z.nid;
            zs.idx = z.idx;
            zs.name = QString::fromLatin1(z.name());
            zs.start_pfn = z.zone_start_pfn;
            zs.spanned = z.spanned_pages;
            zs.present = z.present_pages;
            zs.managed = z.managed_pages;
            zs.free = z.free_area.freePages();
            zs.wmark = {z.minWmark(), z.lowWmark(), z.highWmark()};
            zs.lowmem_reserve.assign(z.lowmem_reserve.begin(), z.lowmem_reserve.end());
            for (int o = 0; o < NR_PAGE_ORDERS; ++o)
                zs.nr_free.push_back(z.free_area.nrFree(o));
            ns.zones.push_back(std::move(zs));
        }
        for (const Zone* z : n.zonelist)
            if (z) ns.zonelist.push_back({z->nid, z->idx, QString::fromLatin1(z->name())});
        nodes.push_back(std::move(ns));
    }
    return nodes;
}

ScenarioInfo makeScenarioInfo(const Scenario& sc, const QString& path) {
    ScenarioInfo info;
    info.path = path;
    info.title = QString::fromStdString(sc.title.empty() ? sc.file : sc.title);
    info.description = QString::fromStdString(sc.description);
    info.profile = QString::fromStdString(sc.machine.profile.name());
    info.release = QString::fromStdString(sc.machine.profile.release());
    if (sc.boot_auto) {
        StepInfo boot;
        boot.op = "boot";
        boot.label = QObject::tr("boot (auto): e820 → memblock → zones → buddy");
        boot.note = QObject::tr(
            "setup_arch() and start_kernel() in one step: the firmware map is sanitised, "
            "memblock learns the usable RAM and the kernel's reservations, nodes and zones "
            "are sized, zonelists ordered by distance, and memblock_free_all() hands every "
            "free page to the buddy allocator.");
        info.steps.push_back(boot);
    }
    for (const Step& s : sc.boot)
        info.steps.push_back(stepInfo(s, "boot: "));
    for (const Step& s : sc.steps)
        info.steps.push_back(stepInfo(s, {}));
    return info;
}

SnapshotPtr makeSnapshot(const Simulation& sim, std::uint64_t serial, std::size_t log_before) {
    auto snap = std::make_shared<Snapshot>();
    const BootState& st = sim.state();
    snap->serial = serial;
    snap->executed = static_cast<int>(sim.executed());
    snap->total = static_cast<int>(sim.totalOps());
    snap->done = sim.done();
    if (const auto& p = sim.lastPrediction()) {
        snap->has_prediction = true;
        snap->prediction_step = static_cast<int>(p->step);
        snap->prediction_question = QString::fromStdString(p->question);
        for (const std::string& c : p->choices)
            snap->prediction_choices << QString::fromStdString(c);
        snap->prediction_correct = p->correct;
        snap->prediction_answer = QString::fromStdString(p->answer);
        snap->prediction_explanation = QString::fromStdString(p->explanation);
    }
    snap->profile = QString::fromStdString(st.mm.profile.name());
    snap->release = QString::fromStdString(st.mm.profile.release());
    snap->bios_e820 = e820Rows(st.bios_e820);
    snap->e820 = e820Rows(st.e820);
    snap->max_pfn = st.max_pfn;
    snap->memory = regionRows(st.memblock.memory());
    snap->reserved = regionRows(st.memblock.reserved());
    snap->memory_total = st.memblock.memory().total_size;
    snap->reserved_total = st.memblock.reserved().total_size;
    snap->bottom_up = st.memblock.bottomUp();
    snap->zones_initialised = st.mm.zones_initialised;
    snap->zonelists_built = st.mm.zonelists_built;
    snap->buddy_ready = st.mm.buddy_ready;
    snap->cma = st.mm.profile.cma;
    snap->distance = st.mm.distance;

    snap->nodes = nodeSnaps(st);
    if (st.mm.buddy_ready) {
        buddyLists(sim, *snap);
        stepEvents(sim, *snap);
    }
    snap->slab = makeSlabSnap(sim);

    for (const std::string& v : viewNames())
        renderInto(sim, v, *snap);

    const auto& log = sim.kernelLog();
    snap->log_lines = static_cast<int>(log.size());
    std::size_t from = std::min(log_before, log.size());
    if (log.size() - from > kMaxStepLog) from = log.size() - kMaxStepLog;
    for (std::size_t i = from; i < log.size(); ++i)
        snap->step_log << QString::fromStdString(log[i]);
    for (std::size_t i = log.size(); i-- > 0 && snap->memblock_debug.size() < kMaxDebugLines;) {
        if (log[i].rfind("memblock", 0) == 0)
            snap->memblock_debug.prepend(QString::fromStdString(log[i]));
    }
    return snap;
}

SnapshotPtr makeMicroSnapshot(const Snapshot& step, const Simulation& mid, std::uint64_t serial) {
    auto snap = std::make_shared<Snapshot>(step);
    snap->serial = serial;
    const BootState& st = mid.state();
    snap->nodes.clear();
    snap->nodes = nodeSnaps(st);
    snap->buddy.clear();
    snap->owners.clear();
    if (st.mm.buddy_ready) buddyLists(mid, *snap);
    // The slab caches too: a slab step stopped at event k has made exactly
    // the slabs, object counts and list moves of its first k events (and
    // the slabs those events name are the ones highlighted).
    snap->slab = makeSlabSnap(mid);
    // The views of the machine's free memory and of its slabs; the others
    // (the log, the clock, memblock) stay those of the step.
    for (const char* v : {"zoneinfo", "buddyinfo", "pagetypeinfo", "unusable_index",
                          "extfrag_index", "slabinfo", "slabtop"})
        renderInto(mid, v, *snap);
    return snap;
}

} // namespace mmsim::ui
