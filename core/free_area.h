// Free lists of one zone (struct free_area[NR_PAGE_ORDERS]): for every order
// a doubly linked list per migrate type and nr_free, the count of blocks of
// that order. A block is named by its first pfn. Like the kernel, whose
// lists link the head struct pages of free blocks, the lists here are
// intrusive: each free block's record holds its neighbours, so a block goes
// to the head or the tail of a list and leaves it in O(1). Only free blocks
// have records (one flat array, a freed record is reused): a free 4 MiB
// block costs one record, not 1024, so a terabyte machine boots in little
// memory.
//
// Finding the record of a pfn is what the buddy algorithm does at every
// merge level ("is my buddy free, and of my order?"), so it is a direct
// lookup, not a search: per pageblock of the zone one entry holds the record
// of a free block of pageblock order or more starting there, and, only for
// pageblocks that hold smaller free blocks, a chunk of 512 record numbers
// (one per page). A chunk goes back to a pool when its last small block
// leaves, so memory follows the fragmented pageblocks, not the zone's size.
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
};

// The free block records: nodes {pfn, FreeBlock} in one array (a freed node
// is reused), each with the node numbers of its list neighbours, and the
// direct map pfn -> node described above. Iteration yields {pfn, FreeBlock}
// pairs as a map would (in no particular order).
class FreeBlockTable {
    struct Node;

  public:
    using value_type = std::pair<pfn_t, FreeBlock>;
    static constexpr std::uint32_t NIL = ~std::uint32_t{0};
    static constexpr int CHUNK_SHIFT = PAGEBLOCK_ORDER;
    static constexpr std::size_t CHUNK_PAGES = std::size_t{1} << CHUNK_SHIFT;

    // The node of the free block starting at pfn, or NIL.
    std::uint32_t indexOf(pfn_t pfn) const {
        const Pageblock* e = entry(pfn);
        if (!e) return NIL;
        if (!(pfn & (CHUNK_PAGES - 1)) && e->big != NIL) return e->big;
        return e->chunk == NIL ? NIL : small_[smallSlot(e->chunk, pfn)];
    }
    // The node of the free block starting at pfn when its order is order,
    // else NIL: the PageBuddy && buddy_order test in one or two reads.
    std::uint32_t indexAt(pfn_t pfn, int order) const {
        const Pageblock* e = entry(pfn);
        if (!e) return NIL;
        std::uint32_t n;
        if (order >= CHUNK_SHIFT) {
            if (pfn & (CHUNK_PAGES - 1)) return NIL;
            n = e->big;
        } else {
            if (e->chunk == NIL) return NIL;
            n = small_[smallSlot(e->chunk, pfn)];
        }
        return n != NIL && nodes_[n].kv.second.order == order ? n : NIL;
    }
    FreeBlock* find(pfn_t pfn) {
        const std::uint32_t i = indexOf(pfn);
        return i == NIL ? nullptr : &nodes_[i].kv.second;
    }
    const FreeBlock* find(pfn_t pfn) const {
        const std::uint32_t i = indexOf(pfn);
        return i == NIL ? nullptr : &nodes_[i].kv.second;
    }
    // A new node for a block of b.order at pfn (its list links unset), or
    // NIL (nothing changes) when pfn has one.
    [[gnu::always_inline]] std::uint32_t insert(pfn_t pfn, const FreeBlock& b) {
        Pageblock& e = entryFor(pfn);
        const bool aligned = !(pfn & (CHUNK_PAGES - 1));
        if ((aligned && e.big != NIL) || (e.chunk != NIL && small_[smallSlot(e.chunk, pfn)] != NIL))
            return NIL;
        std::uint32_t n;
        if (free_node_ != NIL) {
            n = free_node_;
            free_node_ = nodes_[n].next;
            nodes_[n] = Node{{pfn, b}};
        } else {
            n = static_cast<std::uint32_t>(nodes_.size());
            nodes_.push_back(Node{{pfn, b}});
        }
        if (b.order >= CHUNK_SHIFT) {
            e.big = n;
        } else {
            if (e.chunk == NIL) e.chunk = newChunk();
            small_[smallSlot(e.chunk, pfn)] = n;
            ++e.small;
        }
        ++size_;
        return n;
    }
    // Removes the node i (of a pfn that has one).
    [[gnu::always_inline]] void eraseAt(std::uint32_t i) {
        Node& nd = nodes_[i];
        const pfn_t pfn = nd.kv.first;
        // A node's pfn has its entry: no range check.
        Pageblock& e = pbs_[static_cast<std::size_t>((pfn >> CHUNK_SHIFT) - first_pb_)];
        if (nd.kv.second.order >= CHUNK_SHIFT) {
            e.big = NIL;
        } else {
            small_[smallSlot(e.chunk, pfn)] = NIL;
            if (!--e.small) {
                free_chunks_.push_back(e.chunk);
                e.chunk = NIL;
            }
        }
        nd.kv.first = NO_PFN;
        nd.next = free_node_;
        free_node_ = i;
        --size_;
    }
    // Appends n list heads: nodes with no pfn, each its own neighbour (an
    // empty circular list). For FreeArea, on an empty table.
    void addListHeads(std::uint32_t n) {
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t h = static_cast<std::uint32_t>(nodes_.size());
            nodes_.push_back(Node{{NO_PFN, FreeBlock{}}, h, h});
        }
    }
    value_type& node(std::uint32_t i) { return nodes_[i].kv; }
    const value_type& nodeAt(std::uint32_t i) const { return nodes_[i].kv; }
    std::uint32_t& prevIndex(std::uint32_t i) { return nodes_[i].prev; }
    std::uint32_t& nextIndex(std::uint32_t i) { return nodes_[i].next; }
    std::uint32_t prevIndex(std::uint32_t i) const { return nodes_[i].prev; }
    std::uint32_t nextIndex(std::uint32_t i) const { return nodes_[i].next; }
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
        reference operator*() const { return p_->kv; }
        pointer operator->() const { return &p_->kv; }
        const_iterator& operator++() {
            ++p_;
            skip();
            return *this;
        }
        bool operator==(const const_iterator& o) const { return p_ == o.p_; }
        bool operator!=(const const_iterator& o) const { return p_ != o.p_; }

      private:
        friend class FreeBlockTable;
        const_iterator(const Node* p, const Node* e) : p_(p), e_(e) { skip(); }
        void skip() {
            while (p_ != e_ && p_->kv.first == NO_PFN)
                ++p_;
        }
        const Node* p_ = nullptr;
        const Node* e_ = nullptr;
    };
    const_iterator begin() const {
        return const_iterator(nodes_.data(), nodes_.data() + nodes_.size());
    }
    const_iterator end() const {
        return const_iterator(nodes_.data() + nodes_.size(), nodes_.data() + nodes_.size());
    }

  private:
    struct Node {
        value_type kv; // kv.first == NO_PFN: unused
        std::uint32_t prev = NIL, next = NIL;
    };
    // One per pageblock of the span seen so far.
    struct alignas(16) Pageblock { // a power of two: entry() divides by it
        std::uint32_t big = NIL;   // node of a free block of order >= CHUNK_SHIFT here
        std::uint32_t chunk = NIL; // chunk of the smaller blocks' nodes, per page
        std::uint32_t small = 0;   // smaller free blocks here (their nodes in the chunk)
    };
    const Pageblock* entry(pfn_t pfn) const {
        const pfn_t c = (pfn >> CHUNK_SHIFT) - first_pb_; // wraps below the first
        return c < pbs_.size() ? &pbs_[static_cast<std::size_t>(c)] : nullptr;
    }
    Pageblock* entry(pfn_t pfn) {
        const pfn_t c = (pfn >> CHUNK_SHIFT) - first_pb_;
        return c < pbs_.size() ? &pbs_[static_cast<std::size_t>(c)] : nullptr;
    }
    static std::size_t smallSlot(std::uint32_t chunk, pfn_t pfn) {
        return (std::size_t{chunk} << CHUNK_SHIFT) |
               static_cast<std::size_t>(pfn & (CHUNK_PAGES - 1));
    }
    Pageblock& entryFor(pfn_t pfn) {
        if (Pageblock* e = entry(pfn)) return *e;
        return grow(pfn);
    }
    Pageblock& grow(pfn_t pfn);
    std::uint32_t newChunk();

    std::vector<Node> nodes_;
    std::uint32_t free_node_ = NIL; // unused nodes, linked through next
    std::vector<Pageblock> pbs_;
    pfn_t first_pb_ = 0;                     // pageblock number of pbs_[0]
    std::vector<std::uint32_t> small_;       // chunk c: small_[c * CHUNK_PAGES ...]
    std::uint32_t nr_chunks_ = 0;            // chunks made so far
    std::vector<std::uint32_t> free_chunks_; // chunks back in the pool (all NIL)
    std::size_t size_ = 0;
};

class FreeArea {
  public:
    FreeArea() { blocks_.addListHeads(NR_LISTS); }
    // Adds a free block at the head (or tail) of free_list[order][mt].
    [[gnu::always_inline]] void add(pfn_t pfn, int order, int mt, bool tail) {
        const std::uint32_t n = blocks_.insert(
            pfn, FreeBlock{static_cast<std::uint8_t>(order), static_cast<std::uint8_t>(mt)});
        if (n == FreeBlockTable::NIL) addedTwice();
        link(n, order, mt, tail);
    }
    // Removes a free block from its list; returns its record.
    FreeBlock del(pfn_t pfn);
    // The same by record index (from indexAt()/firstIndex()): no lookup.
    [[gnu::always_inline]] FreeBlock delAt(std::uint32_t n) {
        const FreeBlock b = unlink(n);
        blocks_.eraseAt(n);
        return b;
    }
    // The record index of the free block starting at pfn when its order is
    // order, else FreeBlockTable::NIL: one lookup serves both the PageBuddy
    // test and the removal that follows it.
    std::uint32_t indexAt(pfn_t pfn, int order) const { return blocks_.indexAt(pfn, order); }
    // The smallest order >= order whose list of type mt has a block, or -1
    // (__rmqueue_smallest's search, from a bit per non-empty list).
    int lowestOrderWithBlocks(int order, int mt) const {
        const unsigned bits = static_cast<unsigned>(nonempty_[static_cast<std::size_t>(mt)]) >>
                              static_cast<unsigned>(order);
        return bits ? order + __builtin_ctz(bits) : -1;
    }
    // The head of free_list[order][mt] as a record index (NIL: empty).
    std::uint32_t firstIndex(int order, int mt) const {
        const std::uint32_t h = listHead(order, mt), n = blocks_.nextIndex(h);
        return n == h ? FreeBlockTable::NIL : n;
    }
    // The pfn of record n.
    pfn_t pfnOf(std::uint32_t n) const { return blocks_.nodeAt(n).first; }
    // move_to_free_list(): to the tail of another type's list, same order.
    void move(pfn_t pfn, int new_mt);

    // The free block starting at pfn, or nullptr.
    const FreeBlock* find(pfn_t pfn) const { return blocks_.find(pfn); }
    // The free block containing pfn (head pfn in *head), or nullptr.
    const FreeBlock* findContaining(pfn_t pfn, pfn_t* head) const;
    // A free block of exactly this order starts at pfn (PageBuddy && order).
    bool isFreeAt(pfn_t pfn, int order) const {
        return blocks_.indexAt(pfn, order) != FreeBlockTable::NIL;
    }

    pfn_t first(int order, int mt) const { return pfnAt(blocks_.nextIndex(listHead(order, mt))); }
    pfn_t last(int order, int mt) const { return pfnAt(blocks_.prevIndex(listHead(order, mt))); }
    // The list neighbours of the free block at pfn (NO_PFN at the ends).
    pfn_t next(pfn_t pfn) const { return pfnAt(blocks_.nextIndex(nodeOf(pfn))); }
    pfn_t prev(pfn_t pfn) const { return pfnAt(blocks_.prevIndex(nodeOf(pfn))); }
    bool empty(int order, int mt) const {
        return !((nonempty_[static_cast<std::size_t>(mt)] >> order) & 1u);
    }

    std::uint64_t nrFree(int order) const { return nr_free_[order]; }
    std::uint64_t nrFreeOf(int order, int mt) const { return len_[order][mt]; }
    std::uint64_t freePages() const { return free_pages_; }
    std::uint64_t freePagesOf(int mt) const { return free_pages_mt_[mt]; }
    std::size_t blockCount() const { return blocks_.size(); }

    // Every free block, list by list (order 0..10, type 0..5, head to tail).
    template <class F> void forEachBlock(F&& f) const {
        for (int o = 0; o < NR_PAGE_ORDERS; ++o)
            for (int mt = 0; mt < MIGRATE_TYPES; ++mt)
                for (std::uint32_t h = listHead(o, mt), n = blocks_.nextIndex(h); n != h;
                     n = blocks_.nextIndex(n))
                    f(blocks_.nodeAt(n).first, o, mt);
    }
    // The records themselves (unordered: iterate as {pfn, FreeBlock} pairs).
    const FreeBlockTable& records() const { return blocks_; }
    std::uint64_t listLength(int order, int mt) const { return len_[order][mt]; }

  private:
    // The lists are circular, as the kernel's list_head: the first records
    // of the table are their heads (no pfn), so adding and removing never
    // asks whether a list is empty or a block is at an end.
    static constexpr std::uint32_t NR_LISTS = NR_PAGE_ORDERS * MIGRATE_TYPES;
    static constexpr std::uint32_t listHead(int order, int mt) {
        return static_cast<std::uint32_t>(order * MIGRATE_TYPES + mt);
    }
    // A list head's pfn is NO_PFN: the end of a walk reads as no block.
    pfn_t pfnAt(std::uint32_t n) const { return blocks_.nodeAt(n).first; }
    std::uint32_t nodeOf(pfn_t pfn) const; // throws when pfn is not free
    [[noreturn]] static void addedTwice();
    // Puts record n on free_list[order][mt] / takes it off its list, keeping
    // the counts; the pfn map is not touched.
    void link(std::uint32_t n, int order, int mt, bool tail) {
        FreeBlock& b = blocks_.node(n).second;
        b.order = static_cast<std::uint8_t>(order);
        b.mt = static_cast<std::uint8_t>(mt);
        // Between the head and its first record, or the last record and the
        // head: list_add() / list_add_tail().
        const std::uint32_t h = listHead(order, mt);
        const std::uint32_t prev = tail ? blocks_.prevIndex(h) : h;
        const std::uint32_t next = blocks_.nextIndex(prev);
        blocks_.prevIndex(n) = prev;
        blocks_.nextIndex(n) = next;
        blocks_.nextIndex(prev) = n;
        blocks_.prevIndex(next) = n;
        ++len_[order][mt];
        nonempty_[static_cast<std::size_t>(mt)] |= static_cast<std::uint16_t>(1u << order);
        ++nr_free_[order];
        free_pages_ += 1ull << order;
        free_pages_mt_[mt] += 1ull << order;
    }
    FreeBlock unlink(std::uint32_t n) {
        const FreeBlock b = blocks_.nodeAt(n).second;
        const std::uint32_t pi = blocks_.prevIndex(n), ni = blocks_.nextIndex(n);
        blocks_.nextIndex(pi) = ni;
        blocks_.prevIndex(ni) = pi;
        // No branch on whether the list empties: that is data, not habit.
        const std::uint64_t left = --len_[b.order][b.mt];
        std::uint16_t& bits = nonempty_[b.mt];
        bits = static_cast<std::uint16_t>((bits & ~(1u << b.order)) |
                                          (static_cast<unsigned>(left != 0) << b.order));
        --nr_free_[b.order];
        free_pages_ -= 1ull << b.order;
        free_pages_mt_[b.mt] -= 1ull << b.order;
        return b;
    }
    FreeBlockTable blocks_;
    std::array<std::array<std::uint64_t, MIGRATE_TYPES>, NR_PAGE_ORDERS> len_{};
    std::array<std::uint16_t, MIGRATE_TYPES> nonempty_{}; // bit o: list (o, mt) has a block
    static_assert(NR_PAGE_ORDERS <= 16);
    std::array<std::uint64_t, NR_PAGE_ORDERS> nr_free_{};
    std::array<std::uint64_t, MIGRATE_TYPES> free_pages_mt_{};
    std::uint64_t free_pages_ = 0;
};

} // namespace mmsim
