// One simulated machine and the scenario driving it. A Simulation owns all
// its state (no globals: several may live in one process), executes one
// operation per step and keeps the kernel log the operations print.
//
// The scenario is compiled once into a Program: the flat list of operations
// a run executes (a `repeat` contributes its body as many times as it says,
// a `workload` the operations its generator made), shared read-only by
// every copy of the Simulation. What changes as the run goes is the machine
// state plus three append-only journals (the kernel log, the failed
// expectations, the clock's per-step record). A Snapshot holds the state
// without the journals; restoring one truncates the journals to their
// length at that point, which is what the timeline's checkpoints need.
#pragma once

#include "core/cost.h"
#include "core/expect.h"
#include "core/page_alloc.h"
#include "core/predict.h"
#include "core/scenario.h"
#include "core/workload.h"
#include "core/x86_setup.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mmsim {

// One executable operation: a boot step, an implicit boot phase, a step, or
// an operation a workload generated.
struct Op {
    enum Kind : std::uint8_t { AutoBoot, BootStep, ImplicitPhase, Step, Work } kind = Step;
    std::uint32_t work = 0;            // Work: index into Program::work
    const mmsim::Step* step = nullptr; // BootStep / Step; Work: the workload step
};

// The compiled scenario (see above).
struct Program {
    Scenario scenario;
    std::vector<Op> ops;
    std::vector<WorkOp> work;
    std::vector<std::string> gfp_names; // workload GFP strings, by WorkOp::gfp
    std::vector<gfp_t> gfp_flags;           // the same, parsed for the profile
    std::vector<std::string> cache_names; // workload kmem_cache_alloc caches, by WorkOp::arg
    std::uint32_t nr_slots = 0;           // workload objects
    // Labels: (name, op index) in op order. A step's "label", a label op's
    // "name"; on a repeat or workload, the last operation it expands into.
    std::vector<std::pair<std::string, std::size_t>> labels;
    std::unordered_map<const mmsim::Step*, ExpectSpec> expects;
    std::unordered_map<const mmsim::Step*, PredictSpec> predicts;
};
// Compiles a scenario. Throws InputError (a workload GFP name the profile
// lacks, a CPU the machine lacks, too many operations, a prediction with no
// allocation after it).
std::shared_ptr<const Program> compileScenario(Scenario scenario);

// The last allocation made (alloc_pages step or workload).
struct AllocRecord {
    bool valid = false; // an allocation has been made
    bool ok = false;
    pfn_t pfn = NO_PFN;
    int nid = -1, zone = -1, order = 0;
    int list = -1; // order of the free list the block was taken from; -1: a per-CPU list
    std::string reason; // failure
};

class Simulation {
public:
    explicit Simulation(Scenario scenario);
    explicit Simulation(std::shared_ptr<const Program> program);
    Simulation(const Simulation& other);
    Simulation& operator=(const Simulation& other);

    const Scenario& scenario() const { return prog_->scenario; }
    const Program& program() const { return *prog_; }
    const std::shared_ptr<const Program>& programPtr() const { return prog_; }
    BootState& state() { return st_; }
    const BootState& state() const { return st_; }

    std::size_t totalOps() const { return prog_->ops.size(); }
    std::size_t executed() const { return next_; }
    bool done() const { return next_ >= prog_->ops.size(); }
    // Runs the next operation. Throws InputError (with the step's position)
    // when the operation is refused; the state is then unchanged.
    void step();
    void runAll();
    // One line naming operation i: "alloc_pages order=2 gfp=GFP_KERNEL cpu=0".
    std::string describeOp(std::size_t i) const;
    // The label of operation i, or nullptr.
    const std::string* labelOf(std::size_t i) const;

    const std::vector<std::string>& kernelLog() const { return log_; }
    const std::vector<ExpectFailure>& failedExpects() const { return failures_; }
    const std::map<std::string, phys_addr_t>& names() const { return names_; }
    // Live page allocations by name (alloc_pages "as"): every block's pfn and order.
    struct PageAllocation {
        std::vector<std::pair<pfn_t, int>> blocks;
    };
    const std::map<std::string, PageAllocation>& pageAllocations() const { return allocs_; }
    const AllocRecord& lastAlloc() const { return last_alloc_; }
    // Set when the last executed step was a predict step: the question and
    // the answer the simulation computed (the GUI asks it, the CLI prints it).
    const std::optional<Prediction>& lastPrediction() const { return prediction_; }
    // The micro-events of the last executed step (alloc_pages, free_pages).
    const EventSink& lastEvents() const { return events_; }
    // The clock: each executed operation is charged the cost of its events
    // (the scenario's machine.cost). lastEventCycles() is parallel to
    // lastEvents(); lastStep() is the last operation's record.
    const CycleClock& clock() const { return clock_; }
    const CycleStats& cycles() const { return clock_.stats(); }
    const std::vector<std::uint64_t>& lastEventCycles() const { return clock_.lastEventCycles(); }
    const StepCycles* lastStep() const {
        return clock_.stats().steps.empty() ? nullptr : &clock_.stats().steps.back();
    }

    // Live slab allocations by name (kmem_cache_alloc / kmalloc "as").
    struct SlabAllocation {
        int cache = -1;                            // -1: kmalloc above 8 KiB (pages)
        std::vector<SlabObj> objs;                 // objects of `cache`
        std::vector<std::pair<pfn_t, int>> pages;  // large kmalloc blocks
        bool kmalloc = false;
        std::string where;                         // the step that allocated it
    };
    const std::map<std::string, SlabAllocation>& slabAllocations() const { return slab_allocs_; }

    // A workload object: a page block (alloc_pages, or kmalloc above 8 KiB),
    // a slab object, or nothing (not allocated, freed, or its allocation failed).
    struct WorkSlot {
        pfn_t pfn = NO_PFN; // pages
        int order = 0;
        int cache = -1; // a slab object of this cache
        SlabObj obj;
    };

    // ---- time travel ----
    struct Snapshot {
        BootState st;
        std::size_t next = 0;
        std::map<std::string, phys_addr_t> names;
        std::map<std::string, PageAllocation> allocs;
        std::map<std::string, SlabAllocation> slab_allocs;
        std::map<std::string, std::string> slab_freed;
        std::vector<WorkSlot> work_slots;
        AllocRecord last_alloc;
        std::optional<Prediction> prediction;
        EventSink events;
        CycleClock clock; // without the per-step record
        std::size_t log_len = 0, failures_len = 0;
    };
    Snapshot snapshot() const;
    // The journals of a run as far as it went (the timeline keeps them, so
    // that it can also jump forward to a checkpoint past where it is).
    struct Journals {
        std::vector<std::string> log;
        std::vector<ExpectFailure> failures;
        std::vector<StepCycles> steps;
        std::size_t position = 0; // steps the journals cover
    };
    // Extends 'j' with what this run has journalled past j.position.
    void recordJournals(Journals& j) const;
    // To a snapshot of this same run: the journals are cut to their length
    // then, or extended from 'history' when the snapshot lies ahead.
    void restore(const Snapshot& s, const Journals* history = nullptr);

private:
    void bindSinks();
    void execBootStep(const mmsim::Step& s);
    void execStep(const mmsim::Step& s);
    void execAllocPages(const mmsim::Step& s);
    void execFreePages(const mmsim::Step& s);
    void execSysctl(const mmsim::Step& s);
    void execExpect(const mmsim::Step& s);
    void execPredict(const mmsim::Step& s);
    void execWork(const WorkOp& w);
    void execWorkSlabAlloc(const WorkOp& w); // slab_ops.cpp
    void execWorkSlabFree(const WorkOp& w);
    void recordAlloc(const AllocOutcome& o, int order, std::size_t first_event);
    bool refusalNeedsCopy(const Op& op) const;
    void execSlab(const mmsim::Step& s); // slab_ops.cpp
    void ensureSlab();
    void ensureBuddy();
    void doFreeAreaInit();
    void doZonelists();
    void doFreeAll();
    void printk(const std::string& line) { log_.push_back(line); }

    std::shared_ptr<const Program> prog_;
    BootState st_;
    std::size_t next_ = 0;
    std::vector<std::string> log_;
    std::vector<ExpectFailure> failures_;
    std::map<std::string, phys_addr_t> names_;
    std::map<std::string, PageAllocation> allocs_;
    std::vector<WorkSlot> slots_; // workload objects
    AllocRecord last_alloc_;
    std::optional<Prediction> prediction_;
    std::map<std::string, SlabAllocation> slab_allocs_;
    std::map<std::string, std::string> slab_freed_; // freed names -> the step that freed them
    EventSink events_;
    CycleClock clock_;
};

} // namespace mmsim
