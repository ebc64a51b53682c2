#include "core/free_area.h"

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

void FreeBlockTable::grow() {
    const std::size_t cap = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    shift_ = 64 - __builtin_ctzll(cap);
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
        if (nodes_[n].first == NO_PFN) continue;
        std::size_t i = home(nodes_[n].first);
        while (slots_[i].pfn != NO_PFN)
            i = (i + 1) & mask_;
        slots_[i] = {nodes_[n].first, static_cast<std::uint32_t>(n)};
        links_[n].slot = static_cast<std::uint32_t>(i);
    }
}

std::uint32_t FreeBlockTable::insert(pfn_t pfn, const FreeBlock& b) {
    if ((size_ + 1) * 2 > slots_.size()) grow(); // load factor at most 1/2
    std::size_t i = home(pfn);
    for (; slots_[i].pfn != NO_PFN; i = (i + 1) & mask_)
        if (slots_[i].pfn == pfn) return NIL;
    std::uint32_t n;
    if (!unused_.empty()) {
        n = unused_.back();
        unused_.pop_back();
        nodes_[n] = {pfn, b};
        links_[n] = Links{};
    } else {
        n = static_cast<std::uint32_t>(nodes_.size());
        nodes_.push_back({pfn, b});
        links_.push_back(Links{});
    }
    slots_[i] = {pfn, n};
    links_[n].slot = static_cast<std::uint32_t>(i);
    ++size_;
    return n;
}

void FreeBlockTable::eraseAt(std::uint32_t n) {
    std::size_t i = links_[n].slot;
    // Backward shift: pull later entries of the probe run into the hole
    // when their home slot does not lie cyclically in (hole, entry].
    for (std::size_t j = i;;) {
        j = (j + 1) & mask_;
        if (slots_[j].pfn == NO_PFN) break;
        const std::size_t h = home(slots_[j].pfn);
        const bool stays = i <= j ? (h > i && h <= j) : (h > i || h <= j);
        if (!stays) {
            slots_[i] = slots_[j];
            links_[slots_[i].node].slot = static_cast<std::uint32_t>(i);
            i = j;
        }
    }
    slots_[i] = Slot{};
    nodes_[n].first = NO_PFN;
    unused_.push_back(n);
    --size_;
}

void FreeArea::link(std::uint32_t n, pfn_t pfn, int order, int mt, bool tail) {
    List& l = lists_[order][mt];
    FreeBlock& b = blocks_.node(n).second;
    b.order = static_cast<std::uint8_t>(order);
    b.mt = static_cast<std::uint8_t>(mt);
    if (tail) {
        b.prev = l.tail;
        b.next = NO_PFN;
        blocks_.prevIndex(n) = l.tail_i;
        blocks_.nextIndex(n) = FreeBlockTable::NIL;
        if (l.tail_i != FreeBlockTable::NIL) {
            blocks_.node(l.tail_i).second.next = pfn;
            blocks_.nextIndex(l.tail_i) = n;
        } else {
            l.head = pfn;
            l.head_i = n;
        }
        l.tail = pfn;
        l.tail_i = n;
    } else {
        b.prev = NO_PFN;
        b.next = l.head;
        blocks_.prevIndex(n) = FreeBlockTable::NIL;
        blocks_.nextIndex(n) = l.head_i;
        if (l.head_i != FreeBlockTable::NIL) {
            blocks_.node(l.head_i).second.prev = pfn;
            blocks_.prevIndex(l.head_i) = n;
        } else {
            l.tail = pfn;
            l.tail_i = n;
        }
        l.head = pfn;
        l.head_i = n;
    }
    ++l.len;
    ++nr_free_[order];
    free_pages_ += 1ull << order;
    free_pages_mt_[mt] += 1ull << order;
}

FreeBlock FreeArea::unlink(std::uint32_t n) {
    const FreeBlock b = blocks_.node(n).second;
    const std::uint32_t pi = blocks_.prevIndex(n), ni = blocks_.nextIndex(n);
    List& l = lists_[b.order][b.mt];
    if (pi != FreeBlockTable::NIL) {
        blocks_.node(pi).second.next = b.next;
        blocks_.nextIndex(pi) = ni;
    } else {
        l.head = b.next;
        l.head_i = ni;
    }
    if (ni != FreeBlockTable::NIL) {
        blocks_.node(ni).second.prev = b.prev;
        blocks_.prevIndex(ni) = pi;
    } else {
        l.tail = b.prev;
        l.tail_i = pi;
    }
    --l.len;
    --nr_free_[b.order];
    free_pages_ -= 1ull << b.order;
    free_pages_mt_[b.mt] -= 1ull << b.order;
    return b;
}

void FreeArea::add(pfn_t pfn, int order, int mt, bool tail) {
    const std::uint32_t n = blocks_.insert(pfn, FreeBlock{});
    if (n == FreeBlockTable::NIL) throw std::logic_error("free block added twice");
    link(n, pfn, order, mt, tail);
}

FreeBlock FreeArea::del(pfn_t pfn) {
    const std::uint32_t n = blocks_.indexOf(pfn);
    if (n == FreeBlockTable::NIL) throw std::logic_error("deleting a block that is not free");
    return delAt(n);
}

FreeBlock FreeArea::delAt(std::uint32_t n) {
    const FreeBlock b = unlink(n);
    blocks_.eraseAt(n);
    return b;
}

void FreeArea::move(pfn_t pfn, int new_mt) {
    // The record stays where it is: only its list changes.
    const std::uint32_t n = blocks_.indexOf(pfn);
    if (n == FreeBlockTable::NIL) throw std::logic_error("moving a block that is not free");
    const FreeBlock b = unlink(n);
    link(n, pfn, b.order, new_mt, true);
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
