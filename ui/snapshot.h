// Immutable value snapshots of a simulation, built on the simulation's
// thread and handed to the views through queued signals. Views read only
// these, never the live core::Simulation.
#pragma once

#include "core/page_alloc.h"
#include "core/page_map.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace mmsim {
class Simulation;
class E820Table;
struct BootState;
struct Scenario;
struct TimeSeries;
} // namespace mmsim

namespace mmsim::ui {

struct SlabSnap; // ui/slab_snapshot.h

struct E820Row {
    std::uint64_t addr = 0;
    std::uint64_t size = 0;
    std::uint32_t type = 1;
    QString type_name;
    std::uint64_t end() const { return addr + size; }
};

struct RegionRow {
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    std::uint32_t flags = 0;
    int nid = 0;
    std::uint64_t end() const { return base + size; }
};

struct ZoneSnap {
    int nid = 0;
    int idx = 0;
    QString name;
    std::uint64_t start_pfn = 0;
    std::uint64_t spanned = 0;
    std::uint64_t present = 0;
    std::uint64_t managed = 0;
    std::uint64_t free = 0;
    std::array<std::uint64_t, 3> wmark{};      // min, low, high (with boost)
    std::vector<std::uint64_t> lowmem_reserve; // per zone type
    std::vector<std::uint64_t> nr_free;        // per order
};

struct ZoneRef {
    int nid = 0;
    int idx = 0;
    QString name;
};

struct NodeSnap {
    int nid = 0;
    bool online = false;
    bool has_memory = false;
    std::uint64_t start_pfn = 0;
    std::uint64_t spanned = 0;
    std::uint64_t present = 0;
    std::vector<int> cpus;
    std::vector<ZoneSnap> zones; // every zone type, populated or not
    std::vector<ZoneRef> zonelist;
};

// One free list of a zone (free_area[order].free_list[mt]): its length and
// the pfns of its first blocks, head first (capped: a view shows "+N").
struct FreeListSnap {
    std::uint64_t count = 0;
    std::vector<std::uint64_t> pfns;
};
constexpr int kMaxListPfns = 48;

// The buddy lists of one populated zone.
struct BuddyZoneSnap {
    int nid = 0;
    int idx = 0;
    QString name;
    std::uint64_t free = 0;
    std::array<std::uint64_t, mmsim::NR_PAGE_ORDERS> nr_free{};
    std::array<std::array<FreeListSnap, mmsim::MIGRATE_TYPES>, mmsim::NR_PAGE_ORDERS> lists;
};

// One micro-event of the last step, with its ftrace-style line, its
// plain-language account and its cost in cycles.
struct EventSnap {
    mmsim::BuddyEvent ev;
    QString text;
    QString explain;
    std::uint64_t cycles = 0;
};
constexpr int kMaxEvents = 4000;

// A named allocation's block (alloc_pages "as"), for "owner" on hover.
struct OwnerSnap {
    std::uint64_t pfn = 0;
    int order = 0;
    QString name;
};

// One line of the step list (static for a scenario).
struct StepInfo {
    QString op;
    QString label; // op and its main arguments
    QString note;
    QString where; // file:line:col of the step
    QString args;  // the step object as compact JSON
};

struct ScenarioInfo {
    QString path;
    QString title;
    QString description;
    QString profile; // "6.12"
    QString release; // "6.12.117"
    std::vector<StepInfo> steps;
};

struct Snapshot {
    std::uint64_t serial = 0; // increases with every snapshot of a controller
    int executed = 0;
    int total = 0;
    bool done = false;
    QString profile;
    QString release;
    std::vector<E820Row> bios_e820;
    std::vector<E820Row> e820;
    std::uint64_t max_pfn = 0;
    std::vector<RegionRow> memory;
    std::vector<RegionRow> reserved;
    std::uint64_t memory_total = 0;
    std::uint64_t reserved_total = 0;
    bool bottom_up = false;
    std::vector<NodeSnap> nodes;
    std::vector<std::vector<int>> distance;
    bool zones_initialised = false;
    bool zonelists_built = false;
    bool buddy_ready = false;
    bool cma = false; // CONFIG_CMA on: the CMA migratetype exists
    // /proc-style views: the text, or why it is not available yet.
    std::map<QString, QString> views;
    std::map<QString, bool> view_available;
    // Buddy allocator: lists per zone, the page map, the last step's events.
    std::vector<BuddyZoneSnap> buddy;
    std::shared_ptr<const mmsim::MachinePageMap> page_map;
    std::vector<EventSnap> events; // capped at kMaxEvents
    int events_total = 0;
    QStringList step_explain;      // the last step told in paragraphs
    std::vector<OwnerSnap> owners; // sorted by pfn
    // The cycle clock and the last operation's cost.
    std::uint64_t clock_now = 0;
    std::uint64_t last_cycles = 0;
    QString last_op;
    std::vector<std::pair<QString, std::uint64_t>> last_breakdown; // by event kind, largest first
    // The owner of pfn (a named allocation), or an empty string.
    QString ownerOf(std::uint64_t pfn) const;

    // The question of a predict step just executed (the GUI asks it before
    // showing this snapshot); prediction_correct is -1 when no choice is right.
    bool has_prediction = false;
    int prediction_step = -1;
    QString prediction_question;
    QStringList prediction_choices;
    int prediction_correct = -1;
    QString prediction_answer;
    QString prediction_explanation;

    // Micro-stepping: how many of the last step's events are revealed
    // (-1: the whole step, as after a step, a seek or a run) and the clock
    // at that point (the step's start plus the revealed events' cost). While
    // a step is shown in part, the zones, buddy lists, page map and the
    // free-memory views are the machine after its revealed events
    // (makeMicroSnapshot); all the rest is the whole step's.
    int micro = -1;
    std::uint64_t micro_clock = 0;
    // A run stopped at a breakpoint on this snapshot: which one (its index
    // in the controller's list), what hit and at which micro-event (-1: none).
    int break_index = -1;
    QString break_spec;
    QString break_what;
    int break_event = -1;

    QStringList step_log;       // what the last step printed (capped)
    QStringList memblock_debug; // the last memblock=debug lines (capped)
    int log_lines = 0;
    // The recorded time series (charts dock); shared between snapshots
    // until it changes.
    std::shared_ptr<const mmsim::TimeSeries> series;
    // The slab caches and their slabs by list (ui/slab_snapshot.h).
    std::shared_ptr<const SlabSnap> slab;

    QString view(const QString& name) const {
        auto it = views.find(name);
        return it == views.end() ? QString() : it->second;
    }
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// The firmware map as rows, and the nodes with their zones and zonelists
// (also the machine editor's preview).
std::vector<E820Row> e820Rows(const mmsim::E820Table& t);
std::vector<NodeSnap> nodeSnaps(const mmsim::BootState& st);

ScenarioInfo makeScenarioInfo(const mmsim::Scenario& sc, const QString& path);
// Copies what the views show out of the simulation. 'log_before' is the
// kernel log size before the last step (for step_log).
SnapshotPtr makeSnapshot(const mmsim::Simulation& sim, std::uint64_t serial,
                         std::size_t log_before);
// A micro-step's snapshot: the step's own snapshot with the machine as
// 'mid' holds it (the state after the revealed micro-events, from
// Timeline::microSim): zones and their free counts, buddy lists, page map,
// owners, the slab caches and the views of both (zoneinfo, buddyinfo,
// pagetypeinfo, unusable_index, extfrag_index, slabinfo, slabtop). The
// events, the clock, the log and the other views stay the step's.
SnapshotPtr makeMicroSnapshot(const Snapshot& step, const mmsim::Simulation& mid,
                              std::uint64_t serial);

} // namespace mmsim::ui

Q_DECLARE_METATYPE(mmsim::ui::SnapshotPtr)
