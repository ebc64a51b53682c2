// Stopping a step after its k-th micro-event (see micro_state.h).
#include "core/micro_state.h"

#include "core/simulation.h"

namespace mmsim {

namespace {

// Thrown through the allocator to stop it; not an std::exception, so that
// nothing on the way (Simulation::step catches OpError) mistakes it for a
// refusal.
struct StopHere {};

class StopAtEvent final : public EventProbe {
  public:
    StopAtEvent(const EventSink& sink, std::size_t n) : sink_(sink), n_(n) {}
    void recorded(const EventSink& sink) override {
        if (&sink == &sink_ && sink.size() >= n_) throw StopHere{};
    }

  private:
    const EventSink& sink_;
    std::size_t n_;
};

} // namespace

bool runUntilEvents(const EventSink& sink, std::size_t events, const std::function<void()>& work) {
    if (events == 0) return true;
    StopAtEvent stop(sink, events);
    ScopedEventProbe scope(&stop);
    try {
        work();
    } catch (const StopHere&) {
        return true;
    }
    return false;
}

bool stepUntilEvents(Simulation& sim, std::size_t events) {
    // The step records into the simulation's own list (cleared, not moved).
    return runUntilEvents(sim.lastEvents(), events, [&] { sim.step(); });
}

} // namespace mmsim
