// The machine between two micro-events of a step, for micro-stepping.
//
// A step (one alloc_pages, one free, a drain, a slab operation, a workload
// operation) records its micro-events as it goes: rmqueue_smallest takes a
// block off a free list, each buddy_split puts an upper half back, a
// pcp_refill adds a block to a per-CPU list, a buddy_merge takes a buddy off
// its list, and so on. A student stepping through those events one at a
// time should see the lists change with them, not jump to the end of the
// step at once.
//
// mmsim does not keep a copy of the machine per event (a step may have
// thousands; a machine many megabytes). It keeps the state before the step
// and, to show event k, runs the step again on a copy of it and stops the
// copy right when the k-th event is recorded. The model is deterministic,
// so the copy takes exactly the same path; and every event is recorded once
// the change it describes is made (core/event_probe.h), so the stopped copy
// is the machine "after event k": the block rmqueue_smallest took is on no
// list, the halves split off so far are on theirs, the per-CPU count covers
// the blocks refilled so far. What the allocator does between two events
// without an event of its own (a freed block's final place on its list
// after the last buddy_merge, say) shows with the next event, or with the
// end of the step.
#pragma once

#include "core/event_probe.h"

#include <cstddef>
#include <functional>

namespace mmsim {

class Simulation;

// Runs 'work' on this thread and stops it right when its 'events'-th
// micro-event is recorded into 'sink': the state it works on is left as it
// is at that moment. Events recorded into other sinks (a prediction runs
// the next operation on a copy of the machine) do not count. True when
// stopped there, false when the work ended with fewer events. events == 0
// runs nothing.
bool runUntilEvents(const EventSink& sink, std::size_t events, const std::function<void()>& work);

// The same for the next operation of a simulation: sim is then the machine
// after the first 'events' micro-events of that operation (its position,
// journals and event list are those of a step in progress: read only its
// state()). False when the operation ended first (sim then is after it).
bool stepUntilEvents(Simulation& sim, std::size_t events);

} // namespace mmsim
