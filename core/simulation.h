// One simulated machine and the scenario driving it. A Simulation owns all
// its state (no globals: several may live in one process), executes one
// operation per step and keeps the kernel log the operations print.
#pragma once

#include "core/cost.h"
#include "core/page_alloc.h"
#include "core/scenario.h"
#include "core/x86_setup.h"

#include <map>
#include <string>
#include <vector>

namespace mmsim {

// One executable operation: a boot step, an implicit boot phase, or a step.
struct Op {
    enum Kind { AutoBoot, BootStep, ImplicitPhase, Step } kind = Step;
    const mmsim::Step* step = nullptr; // BootStep / Step
    std::string phase;                 // ImplicitPhase: free_area_init, ...
};

struct ExpectFailure {
    std::string where; // file:line:col (pointer)
    std::string what;
    std::string expected;
    std::string actual;
};

class Simulation {
public:
    explicit Simulation(Scenario scenario);

    const Scenario& scenario() const { return scenario_; }
    BootState& state() { return st_; }
    const BootState& state() const { return st_; }

    std::size_t totalOps() const { return ops_.size(); }
    std::size_t executed() const { return next_; }
    bool done() const { return next_ >= ops_.size(); }
    // Runs the next operation. Throws InputError (with the step's position)
    // when the operation is refused; the state is then unchanged.
    void step();
    void runAll();

    const std::vector<std::string>& kernelLog() const { return log_; }
    const std::vector<ExpectFailure>& failedExpects() const { return failures_; }
    const std::map<std::string, phys_addr_t>& names() const { return names_; }
    // Live page allocations by name (alloc_pages "as"): every block's pfn and order.
    struct PageAllocation {
        std::vector<std::pair<pfn_t, int>> blocks;
    };
    const std::map<std::string, PageAllocation>& pageAllocations() const { return allocs_; }
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

private:
    void execBootStep(const mmsim::Step& s);
    void execStep(const mmsim::Step& s);
    void execAllocPages(const mmsim::Step& s);
    void execFreePages(const mmsim::Step& s);
    void execSysctl(const mmsim::Step& s);
    void execSlab(const mmsim::Step& s); // slab_ops.cpp
    void ensureSlab();
    void ensureBuddy();
    void doFreeAreaInit();
    void doZonelists();
    void doFreeAll();
    void printk(const std::string& line) { log_.push_back(line); }

    Scenario scenario_;
    BootState st_;
    std::vector<Op> ops_;
    std::size_t next_ = 0;
    std::vector<std::string> log_;
    std::vector<ExpectFailure> failures_;
    std::map<std::string, phys_addr_t> names_;
    std::map<std::string, PageAllocation> allocs_;
public:
    // Live slab allocations by name (kmem_cache_alloc / kmalloc "as").
    struct SlabAllocation {
        int cache = -1;                            // -1: kmalloc above 8 KiB (pages)
        std::vector<SlabObj> objs;                 // objects of `cache`
        std::vector<std::pair<pfn_t, int>> pages;  // large kmalloc blocks
        bool kmalloc = false;
        std::string where;                         // the step that allocated it
    };
    const std::map<std::string, SlabAllocation>& slabAllocations() const { return slab_allocs_; }
private:
    std::map<std::string, SlabAllocation> slab_allocs_;
    std::map<std::string, std::string> slab_freed_; // freed names -> the step that freed them
    EventSink events_;
    CycleClock clock_;
};

} // namespace mmsim
