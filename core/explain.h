// Plain-language explanations of the buddy allocator's micro-events, for a
// student watching a step: what happened, in which kernel function, and
// why. explainEvent() describes one event on its own; explainStep() reads
// the events of a whole step and tells the story of each allocation and
// free in a few sentences ("the order-3 MOVABLE list is empty, so
// __rmqueue_smallest takes an order-5 block and expand() splits it twice,
// giving back an order-4 and an order-3 half"). Everything is derived from
// the events: nothing here looks at the allocator's state.
#pragma once

#include "core/page_alloc.h"

#include <string>
#include <vector>

namespace mmsim {

// "MOVABLE", "UNMOVABLE", ... as the kernel's enum names them (without MIGRATE_).
const char* migratetypeUpper(int mt);
// "an order-3": a block of that order, for sentences.
std::string orderBlock(int order);

// One micro-event: a sentence or two naming the kernel function.
std::string explainEvent(const BuddyEvent& e, const KernelProfile& p);

// The whole step as paragraphs, one per thing it did (a zone skipped, a
// block taken and split, a pageblock stolen, a merge chain, ...).
// At most max_paragraphs (then one "and N more" line).
std::vector<std::string> explainStep(const EventSink& events, const KernelProfile& p,
                                     std::size_t max_paragraphs = 24);

} // namespace mmsim
