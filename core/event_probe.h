// A hook on the recording of micro-events, for micro-stepping
// (core/micro_state.h). Every place that records a BuddyEvent (the buddy
// allocator's buddy::push/emit, the slab layer's slabi::emit) tells the
// probe of its thread, if there is one, right after the event is appended
// to its sink. The allocator records an event once the change it describes
// is made, so at that moment the machine is exactly "after this event".
//
// Nothing is probed unless a ScopedEventProbe is alive on the thread, and
// nothing is probed when no sink records the events: the hot path pays one
// thread-local load and branch per recorded event.
#pragma once

#include "core/page_alloc.h"

namespace mmsim {

class EventProbe {
  public:
    virtual ~EventProbe() = default;
    // An event was just appended to 'sink' (it is sink.back(); its fields
    // may not be filled in yet). May throw to stop the work in progress.
    virtual void recorded(const EventSink& sink) = 0;
};

namespace detail {
inline thread_local EventProbe* event_probe = nullptr;
}

inline void probeRecorded(const EventSink& sink) {
    if (EventProbe* p = detail::event_probe) [[unlikely]]
        p->recorded(sink);
}

// Whether a probe watches this thread's events: a caller that does many
// steps in one go may take a shortcut only when nobody looks in between.
inline bool eventProbeActive() {
    return detail::event_probe != nullptr;
}

// Installs a probe on this thread for its lifetime (the previous one after).
class ScopedEventProbe {
  public:
    explicit ScopedEventProbe(EventProbe* p) : prev_(detail::event_probe) {
        detail::event_probe = p;
    }
    ~ScopedEventProbe() { detail::event_probe = prev_; }
    ScopedEventProbe(const ScopedEventProbe&) = delete;
    ScopedEventProbe& operator=(const ScopedEventProbe&) = delete;

  private:
    EventProbe* prev_;
};

} // namespace mmsim
