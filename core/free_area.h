// Free lists of one zone (struct free_area[NR_PAGE_ORDERS]): for every order
// a doubly linked list per migrate type and nr_free, the count of blocks of
// that order. A block is named by its first pfn. Like the kernel, whose
// lists link the head struct pages of free blocks, the lists here are
// intrusive: each free block's record holds its neighbours' pfns, so a block
// goes to the head or the tail of a list and leaves it in O(1). Only free
// blocks have records (an open-addressing hash table pfn -> record, one flat
// array, no allocation per block): a free 4 MiB block costs one record, not
// 1024, so a terabyte machine boots in little memory.
//
// This class only keeps lists; the buddy algorithm (page_alloc*.cpp)
// decides what goes where.
#pragma once

#include "core/types.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

namespace mmsim {

// The kernel's enum migratetype with CONFIG_CMA and CONFIG_MEMORY_ISOLATION.
// A kernel built without CONFIG_CMA has no MIGRATE_CMA and numbers ISOLATE
// 4: migratetypeNumber() gives the number such a kernel prints, and the
// views leave the CMA type out (migratetypeShown()).
enum MigrateType : int {
    MIGRATE_UNMOVABLE = 0,
    MIGRATE_MOVABLE,
    MIGRATE_RECLAIMABLE,
    MIGRATE_HIGHATOMIC,
    MIGRATE_CMA,
    MIGRATE_ISOLATE,
    MIGRATE_TYPES
};
constexpr int MIGRATE_PCPTYPES = 3;
const char* migratetypeName(int mt);
// The kernel's number for mt (as its tracepoints print it), with or
// without CONFIG_CMA; -1 stays -1.
inline int migratetypeNumber(int mt, bool cma) {
    return !cma && mt == MIGRATE_ISOLATE ? MIGRATE_CMA : mt;
}
// Whether a kernel with or without CONFIG_CMA has the type.
inline bool migratetypeShown(int mt, bool cma) {
    return cma || mt != MIGRATE_CMA;
}
// MIGRATE_TYPES of that kernel.
inline int kernelMigrateTypes(bool cma) {
    return cma ? MIGRATE_TYPES : MIGRATE_TYPES - 1;
}
inline bool migratetypeIsMergeable(int mt) {
    return mt < MIGRATE_PCPTYPES;
}

constexpr pfn_t NO_PFN = ~pfn_t{0};

struct FreeBlock {
    std::uint8_t order = 0;
    std::uint8_t mt = MIGRATE_MOVABLE; // the list it is on
    pfn_t prev = NO_PFN, next = NO_PFN;
};

// The free block records: nodes {pfn, FreeBlock} in one array (a freed
// node is reused), each with the array indices of its list neighbours, and
// an open-addressing hash pfn -> node (linear probing, backward-shift
// deletion). Taking a block off its list is one hash removal; the
// neighbours are reached by index. Iteration yields {pfn, FreeBlock} pairs
// as a map would (in no particular order).
class FreeBlockTable {
  public:
    using value_type = std::pair<pfn_t, FreeBlock>;
    static constexpr std::uint32_t NIL = ~std::uint32_t{0};
    // The node of pfn, or NIL.
    std::uint32_t indexOf(pfn_t pfn) const {
        if (slots_.empty()) return NIL;
        for (std::size_t i = home(pfn);; i = (i + 1) & mask_) {
            if (slots_[i].pfn == pfn) return slots_[i].node;
            if (slots_[i].pfn == NO_PFN) return NIL;
        }
    }
    FreeBlock* find(pfn_t pfn) {
        const std::uint32_t i = indexOf(pfn);
        return i == NIL ? nullptr : &nodes_[i].second;
    }
    const FreeBlock* find(pfn_t pfn) const {
        const std::uint32_t i = indexOf(pfn);
        return i == NIL ? nullptr : &nodes_[i].second;
    }
    // A new node for pfn, or NIL (nothing changes) when pfn has one.
    std::uint32_t insert(pfn_t pfn, const FreeBlock& b);
    // Removes the node i (of a pfn that has one). The node knows its hash
    // slot, so this does not search the table again.
    void eraseAt(std::uint32_t i);
    value_type& node(std::uint32_t i) { return nodes_[i]; }
    const value_type& nodeAt(std::uint32_t i) const { return nodes_[i]; }
    std::uint32_t slotOf(std::uint32_t i) const { return links_[i].slot; }
    std::uint32_t& prevIndex(std::uint32_t i) { return links_[i].prev; }
    std::uint32_t& nextIndex(std::uint32_t i) { return links_[i].next; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const FreeBlock& at(pfn_t pfn) const;

    class const_iterator {
      public:
        using value_type = FreeBlockTable::value_type;
        using reference = const value_type&;
        using pointer = const value_type*;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;
        const_iterator() = default;
        reference operator*() const { return *p_; }
        pointer operator->() const { return p_; }
        const_iterator& operator++() {
            ++p_;
            skip();
            return *this;
        }
        bool operator==(const const_iterator& o) const { return p_ == o.p_; }
        bool operator!=(const const_iterator& o) const { return p_ != o.p_; }

      private:
        friend class FreeBlockTable;
        const_iterator(const value_type* p, const value_type* e) : p_(p), e_(e) { skip(); }
        void skip() {
            while (p_ != e_ && p_->first == NO_PFN)
                ++p_;
        }
        const value_type* p_ = nullptr;
        const value_type* e_ = nullptr;
    };
    const_iterator begin() const {
        return const_iterator(nodes_.data(), nodes_.data() + nodes_.size());
    }
    const_iterator end() const {
        return const_iterator(nodes_.data() + nodes_.size(), nodes_.data() + nodes_.size());
    }

  private:
    struct Slot {
        pfn_t pfn = NO_PFN;
        std::uint32_t node = NIL;
    };
    struct Links {
        std::uint32_t prev = NIL, next = NIL;
        std::uint32_t slot = NIL; // the node's index in slots_
    };
    std::size_t home(pfn_t pfn) const {
        return static_cast<std::size_t>((pfn * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
    }
    void grow();
    std::vector<Slot> slots_;
    std::vector<value_type> nodes_; // first == NO_PFN: unused
    std::vector<Links> links_;
    std::vector<std::uint32_t> unused_;
    std::size_t mask_ = 0, size_ = 0;
    int shift_ = 64;
};

class FreeArea {
  public:
    // Adds a free block at the head (or tail) of free_list[order][mt].
    void add(pfn_t pfn, int order, int mt, bool tail);
    // Removes a free block from its list; returns its record.
    FreeBlock del(pfn_t pfn);
    // The same by record index (from indexAt()/firstIndex()): no lookup.
    FreeBlock delAt(std::uint32_t n);
    // The record index of the free block starting at pfn when its order is
    // order, else FreeBlockTable::NIL: one hash lookup serves both the
    // PageBuddy test and the removal that follows it.
    std::uint32_t indexAt(pfn_t pfn, int order) const {
        const std::uint32_t n = blocks_.indexOf(pfn);
        return n != FreeBlockTable::NIL && blocks_.nodeAt(n).second.order == order
                   ? n
                   : FreeBlockTable::NIL;
    }
    // The head of free_list[order][mt] as a record index (NIL: empty).
    std::uint32_t firstIndex(int order, int mt) const { return lists_[order][mt].head_i; }
    // move_to_free_list(): to the tail of another type's list, same order.
    void move(pfn_t pfn, int new_mt);

    // The free block starting at pfn, or nullptr.
    const FreeBlock* find(pfn_t pfn) const { return blocks_.find(pfn); }
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

    // Every free block, list by list (order 0..10, type 0..5, head to tail).
    template <class F> void forEachBlock(F&& f) const {
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
                for (pfn_t p = lists_[o][mt].head; p != NO_PFN; p = blocks_.at(p).next)
                    f(p, o, mt);
    }
    // The records themselves (unordered: iterate as {pfn, FreeBlock} pairs).
    const FreeBlockTable& records() const { return blocks_; }
    std::uint64_t listLength(int order, int mt) const { return lists_[order][mt].len; }

  private:
    // Puts record n (of pfn) on free_list[order][mt] / takes it off its
    // list, keeping the counts; the hash table is not touched.
    void link(std::uint32_t n, pfn_t pfn, int order, int mt, bool tail);
    FreeBlock unlink(std::uint32_t n);
    struct List {
        pfn_t head = NO_PFN, tail = NO_PFN;
        std::uint32_t head_i = FreeBlockTable::NIL, tail_i = FreeBlockTable::NIL;
        std::uint64_t len = 0;
    };
    FreeBlockTable blocks_;
    std::array<std::array<List, MIGRATE_TYPES>, NR_PAGE_ORDERS> lists_{};
    std::array<std::uint64_t, NR_PAGE_ORDERS> nr_free_{};
    std::array<std::uint64_t, MIGRATE_TYPES> free_pages_mt_{};
    std::uint64_t free_pages_ = 0;
};

} // namespace mmsim
