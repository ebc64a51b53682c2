#include "core/free_area.h"

#include <stdexcept>

namespace mmsim {

const char* migratetypeName(int mt) {
    static const char* const names[] = {"Unmovable", "Movable", "Reclaimable", "HighAtomic",
                                        "Isolate"};
    return mt >= 0 && mt < MIGRATE_TYPES ? names[mt] : "?";
}

void FreeArea::add(pfn_t pfn, int order, int mt, bool tail) {
    List& l = lists_[order][mt];
    FreeBlock b;
    b.order = static_cast<std::uint8_t>(order);
    b.mt = static_cast<std::uint8_t>(mt);
    if (tail) {
        b.prev = l.tail;
        if (l.tail != NO_PFN) blocks_.at(l.tail).next = pfn;
        l.tail = pfn;
        if (l.head == NO_PFN) l.head = pfn;
    } else {
        b.next = l.head;
        if (l.head != NO_PFN) blocks_.at(l.head).prev = pfn;
        l.head = pfn;
        if (l.tail == NO_PFN) l.tail = pfn;
    }
    if (!blocks_.emplace(pfn, b).second) throw std::logic_error("free block added twice");
    ++l.len;
    ++nr_free_[order];
    free_pages_ += 1ull << order;
    free_pages_mt_[mt] += 1ull << order;
}

FreeBlock FreeArea::del(pfn_t pfn) {
    auto it = blocks_.find(pfn);
    if (it == blocks_.end()) throw std::logic_error("deleting a block that is not free");
    const FreeBlock b = it->second;
    blocks_.erase(it);
    List& l = lists_[b.order][b.mt];
    if (b.prev != NO_PFN)
        blocks_.at(b.prev).next = b.next;
    else
        l.head = b.next;
    if (b.next != NO_PFN)
        blocks_.at(b.next).prev = b.prev;
    else
        l.tail = b.prev;
    --l.len;
    --nr_free_[b.order];
    free_pages_ -= 1ull << b.order;
    free_pages_mt_[b.mt] -= 1ull << b.order;
    return b;
}

void FreeArea::move(pfn_t pfn, int new_mt) {
    const FreeBlock b = del(pfn);
    add(pfn, b.order, new_mt, true);
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
