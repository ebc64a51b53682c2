#include "core/free_area.h"

#include <stdexcept>

namespace mmsim {

const char* migratetypeName(int mt) {
    static const char* const names[] = {"Unmovable", "Movable", "Reclaimable", "HighAtomic",
                                        "Isolate"};
    return mt >= 0 && mt < MIGRATE_TYPES ? names[mt] : "?";
}

FreeBlock& FreeBlockTable::at(pfn_t pfn) {
    FreeBlock* b = find(pfn);
    if (!b) throw std::logic_error("no free block at this pfn");
    return *b;
}

void FreeBlockTable::grow() {
    std::vector<value_type> old = std::move(slots_);
    const std::size_t cap = old.empty() ? 64 : old.size() * 2;
    slots_.assign(cap, value_type{NO_PFN, FreeBlock{}});
    mask_ = cap - 1;
    shift_ = 64 - __builtin_ctzll(cap);
    for (const value_type& v : old) {
        if (v.first == NO_PFN) continue;
        std::size_t i = home(v.first);
        while (slots_[i].first != NO_PFN)
            i = (i + 1) & mask_;
        slots_[i] = v;
    }
}

bool FreeBlockTable::insert(pfn_t pfn, const FreeBlock& b) {
    if ((size_ + 1) * 2 > slots_.size()) grow(); // load factor at most 1/2
    std::size_t i = home(pfn);
    for (; slots_[i].first != NO_PFN; i = (i + 1) & mask_)
        if (slots_[i].first == pfn) return false;
    slots_[i] = {pfn, b};
    ++size_;
    return true;
}

bool FreeBlockTable::erase(pfn_t pfn, FreeBlock* out) {
    if (slots_.empty()) return false;
    std::size_t i = home(pfn);
    for (; slots_[i].first != pfn; i = (i + 1) & mask_)
        if (slots_[i].first == NO_PFN) return false;
    if (out) *out = slots_[i].second;
    // Backward shift: pull later entries of the probe run into the hole
    // when their home slot does not lie cyclically in (hole, entry].
    for (std::size_t j = i;;) {
        j = (j + 1) & mask_;
        if (slots_[j].first == NO_PFN) break;
        const std::size_t h = home(slots_[j].first);
        const bool stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
        if (!stays) {
            slots_[i] = slots_[j];
            i = j;
        }
    }
    slots_[i].first = NO_PFN;
    --size_;
    return true;
}

void FreeArea::add(pfn_t pfn, int order, int mt, bool tail) {
    List& l = lists_[order][mt];
    FreeBlock b;
    b.order = static_cast<std::uint8_t>(order);
    b.mt = static_cast<std::uint8_t>(mt);
    if (tail) {
        b.prev = l.tail;
    } else {
        b.next = l.head;
    }
    if (!blocks_.insert(pfn, b)) throw std::logic_error("free block added twice");
    if (tail) {
        if (l.tail != NO_PFN) blocks_.at(l.tail).next = pfn;
        l.tail = pfn;
        if (l.head == NO_PFN) l.head = pfn;
    } else {
        if (l.head != NO_PFN) blocks_.at(l.head).prev = pfn;
        l.head = pfn;
        if (l.tail == NO_PFN) l.tail = pfn;
    }
    ++l.len;
    ++nr_free_[order];
    free_pages_ += 1ull << order;
    free_pages_mt_[mt] += 1ull << order;
}

FreeBlock FreeArea::del(pfn_t pfn) {
    FreeBlock b;
    if (!blocks_.erase(pfn, &b)) throw std::logic_error("deleting a block that is not free");
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
