// Free lists of one zone (struct free_area[NR_PAGE_ORDERS]): for every order
// a doubly linked list per migrate type and nr_free, the count of blocks of
// that order. A block is named by its first pfn. Like the kernel, whose
// lists link the head struct pages of free blocks, the lists here are
// intrusive: each free block's record holds its neighbours' pfns, so a block
// goes to the head or the tail of a list and leaves it in O(1). Only free
// blocks have records (a hash map pfn -> record): a free 4 MiB block costs
// one record, not 1024, so a terabyte machine boots in little memory.
//
// This class only keeps lists; the buddy algorithm (page_alloc*.cpp)
// decides what goes where.
#pragma once

#include "core/types.h"

#include <array>
#include <cstdint>
#include <unordered_map>

namespace mmsim {

enum MigrateType : int {
    MIGRATE_UNMOVABLE = 0,
    MIGRATE_MOVABLE,
    MIGRATE_RECLAIMABLE,
    MIGRATE_HIGHATOMIC,
    MIGRATE_ISOLATE,
    MIGRATE_TYPES
};
constexpr int MIGRATE_PCPTYPES = 3;
const char* migratetypeName(int mt);
inline bool migratetypeIsMergeable(int mt) {
    return mt < MIGRATE_PCPTYPES;
}

constexpr pfn_t NO_PFN = ~pfn_t{0};

struct FreeBlock {
    std::uint8_t order = 0;
    std::uint8_t mt = MIGRATE_MOVABLE; // the list it is on
    pfn_t prev = NO_PFN, next = NO_PFN;
};

class FreeArea {
  public:
    // Adds a free block at the head (or tail) of free_list[order][mt].
    void add(pfn_t pfn, int order, int mt, bool tail);
    // Removes a free block from its list; returns its record.
    FreeBlock del(pfn_t pfn);
    // move_to_free_list(): to the tail of another type's list, same order.
    void move(pfn_t pfn, int new_mt);

    // The free block starting at pfn, or nullptr.
    const FreeBlock* find(pfn_t pfn) const {
        auto it = blocks_.find(pfn);
        return it == blocks_.end() ? nullptr : &it->second;
    }
    // The free block containing pfn (head pfn in *head), or nullptr.
    const FreeBlock* findContaining(pfn_t pfn, pfn_t* head) const;
    // A free block of exactly this order starts at pfn (PageBuddy && order).
    bool isFreeAt(pfn_t pfn, int order) const {
        const FreeBlock* b = find(pfn);
        return b && b->order == order;
    }

    pfn_t first(int order, int mt) const { return lists_[order][mt].head; }
    pfn_t last(int order, int mt) const { return lists_[order][mt].tail; }
    pfn_t next(pfn_t pfn) const { return blocks_.at(pfn).next; }
    bool empty(int order, int mt) const { return lists_[order][mt].head == NO_PFN; }

    std::uint64_t nrFree(int order) const { return nr_free_[order]; }
    std::uint64_t nrFreeOf(int order, int mt) const { return lists_[order][mt].len; }
    std::uint64_t freePages() const { return free_pages_; }
    std::uint64_t freePagesOf(int mt) const { return free_pages_mt_[mt]; }
    std::size_t blockCount() const { return blocks_.size(); }

    // Every free block, list by list (order 0..10, type 0..4, head to tail).
    template <class F> void forEachBlock(F&& f) const {
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
                for (pfn_t p = lists_[o][mt].head; p != NO_PFN; p = blocks_.at(p).next)
                    f(p, o, mt);
    }
    // The records themselves (unordered), for the invariant checker.
    const std::unordered_map<pfn_t, FreeBlock>& records() const { return blocks_; }
    std::uint64_t listLength(int order, int mt) const { return lists_[order][mt].len; }

  private:
    struct List {
        pfn_t head = NO_PFN, tail = NO_PFN;
        std::uint64_t len = 0;
    };
    std::unordered_map<pfn_t, FreeBlock> blocks_;
    std::array<std::array<List, MIGRATE_TYPES>, NR_PAGE_ORDERS> lists_{};
    std::array<std::uint64_t, NR_PAGE_ORDERS> nr_free_{};
    std::array<std::uint64_t, MIGRATE_TYPES> free_pages_mt_{};
    std::uint64_t free_pages_ = 0;
};

} // namespace mmsim
