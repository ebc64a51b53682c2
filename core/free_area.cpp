#include "core/free_area.h"

#include <algorithm>
#include <stdexcept>

namespace mmsim {

const char* migratetypeName(int mt) {
    static const char* const names[] = {"Unmovable", "Movable", "Reclaimable", "HighAtomic",
                                        "CMA",        "Isolate"};
    return mt >= 0 && mt < MIGRATE_TYPES ? names[mt] : "?";
}

const FreeBlock& FreeBlockTable::at(pfn_t pfn) const {
    const FreeBlock* b = find(pfn);
    if (!b) throw std::logic_error("no free block at this pfn");
    return *b;
}

FreeBlockTable::Pageblock& FreeBlockTable::grow(pfn_t pfn) {
    const pfn_t c = pfn >> CHUNK_SHIFT;
    if (pbs_.empty()) {
        first_pb_ = c;
        pbs_.resize(1);
    } else if (c < first_pb_) {
        // Grow downwards by at least the size held (no quadratic shifting
        // when blocks arrive from high pfns to low).
        const pfn_t add = std::max<pfn_t>(first_pb_ - c, std::min<pfn_t>(pbs_.size(), first_pb_));
        pbs_.insert(pbs_.begin(), static_cast<std::size_t>(add), Pageblock{});
        first_pb_ -= add;
    } else {
        pbs_.resize(static_cast<std::size_t>(c - first_pb_) + 1);
    }
    return pbs_[static_cast<std::size_t>(c - first_pb_)];
}

std::uint32_t FreeBlockTable::newChunk() {
    if (!free_chunks_.empty()) {
        const std::uint32_t c = free_chunks_.back();
        free_chunks_.pop_back();
        return c;
    }
    const std::uint32_t c = nr_chunks_++;
    small_.resize(small_.size() + CHUNK_PAGES, NIL);
    return c;
}

void FreeArea::addedTwice() {
    throw std::logic_error("free block added twice");
}

std::uint32_t FreeArea::nodeOf(pfn_t pfn) const {
    const std::uint32_t n = blocks_.indexOf(pfn);
    if (n == FreeBlockTable::NIL) throw std::logic_error("no free block at this pfn");
    return n;
}

FreeBlock FreeArea::del(pfn_t pfn) {
    const std::uint32_t n = blocks_.indexOf(pfn);
    if (n == FreeBlockTable::NIL) throw std::logic_error("deleting a block that is not free");
    return delAt(n);
}

void FreeArea::move(pfn_t pfn, int new_mt) {
    // The record stays where it is: only its list changes.
    const std::uint32_t n = blocks_.indexOf(pfn);
    if (n == FreeBlockTable::NIL) throw std::logic_error("moving a block that is not free");
    const FreeBlock b = unlink(n);
    link(n, b.order, new_mt, true);
}

const FreeBlock* FreeArea::findContaining(pfn_t pfn, pfn_t* head) const {
    for (int o = 0; o < NR_PAGE_ORDERS; ++o) {
        const pfn_t h = pfn & ~((1ull << o) - 1);
        const FreeBlock* b = find(h);
        if (b && b->order >= o) {
            if (head) *head = h;
            return b;
        }
    }
    return nullptr;
}

} // namespace mmsim
