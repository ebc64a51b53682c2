// Allocated blocks of one zone: what the kernel knows from the struct page
// of a block's head (PageBuddy clear, the order of a compound page, the
// page's mobility), kept as one byte per page of memory that has ever held
// an allocated block.
//
// The zone's pfn span is cut into chunks of a pageblock (512 pages); a chunk
// gets its 512 bytes the first time a block is allocated in it, so a
// terabyte machine whose memory lies free in max-order blocks costs one null
// pointer per pageblock, and a lookup is two array reads instead of a hash.
// A byte is 0 for "no allocated block starts here", else it packs the
// block's order, the migratetype of the request and whether the request was
// __GFP_MOVABLE.
//
// The interface is the subset of a map pfn -> AllocatedBlock that the rest
// of mmsim uses (find/end, emplace, erase, size, empty and iteration in pfn
// order yielding {pfn, AllocatedBlock} pairs), plus orderAt().
#pragma once

#include "core/types.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace mmsim {

struct AllocatedBlock {
    std::uint8_t order = 0;
    std::uint8_t mt = 0;  // gfp_migratetype of the request
    bool movable = false; // __GFP_MOVABLE: counted as migratable
};

class AllocatedBlocks {
  public:
    static constexpr int CHUNK_SHIFT = 9;
    static constexpr std::size_t CHUNK_PAGES = std::size_t{1} << CHUNK_SHIFT;
    using value_type = std::pair<pfn_t, AllocatedBlock>;

    AllocatedBlocks() = default;
    AllocatedBlocks(const AllocatedBlocks& o) { *this = o; }
    AllocatedBlocks(AllocatedBlocks&&) noexcept = default;
    AllocatedBlocks& operator=(AllocatedBlocks&&) noexcept = default;
    AllocatedBlocks& operator=(const AllocatedBlocks& o) {
        if (this == &o) return *this;
        first_chunk_ = o.first_chunk_;
        size_ = o.size_;
        chunks_.clear();
        chunks_.resize(o.chunks_.size());
        for (std::size_t i = 0; i < o.chunks_.size(); ++i)
            if (o.chunks_[i] && o.chunks_[i]->used)
                chunks_[i] = std::make_unique<Chunk>(*o.chunks_[i]);
        return *this;
    }

    // The order of the allocated block starting at pfn, or -1.
    int orderAt(pfn_t pfn) const {
        const std::uint8_t b = byteAt(pfn);
        return b ? (b & ORDER_MASK) - 1 : -1;
    }
    bool contains(pfn_t pfn) const { return byteAt(pfn) != 0; }
    // The block starting at pfn; only meaningful when contains(pfn).
    AllocatedBlock get(pfn_t pfn) const { return decode(byteAt(pfn)); }

    // Records a block at pfn; false (and nothing changes) when one is there.
    bool insert(pfn_t pfn, const AllocatedBlock& b) {
        Chunk* ch = chunkAt(pfn);
        if (!ch) ch = &chunkFor(pfn);
        std::uint8_t& v = ch->b[pfn & (CHUNK_PAGES - 1)];
        if (v) return false;
        v = encode(b);
        ++ch->used;
        ++size_;
        return true;
    }
    // Forgets the block at pfn; false when there was none.
    bool remove(pfn_t pfn) {
        Chunk* ch = chunkAt(pfn);
        if (!ch) return false;
        std::uint8_t& v = ch->b[pfn & (CHUNK_PAGES - 1)];
        if (!v) return false;
        v = 0;
        --ch->used;
        --size_;
        return true;
    }
    // For a free: the block at pfn into *b and, when its order is order,
    // forgets it. 0: no block there, 1: removed, -1: another order (kept).
    int removeIfOrder(pfn_t pfn, int order, AllocatedBlock* b) {
        Chunk* ch = chunkAt(pfn);
        if (!ch) return 0;
        std::uint8_t& v = ch->b[pfn & (CHUNK_PAGES - 1)];
        if (!v) return 0;
        *b = decode(v);
        if (b->order != order) return -1;
        v = 0;
        --ch->used;
        --size_;
        return 1;
    }
    void clear() {
        chunks_.clear();
        first_chunk_ = 0;
        size_ = 0;
    }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Calls f(pfn, AllocatedBlock) for every block in [start, end) in pfn
    // order. Reads only the chunks of the range (an empty range far from
    // any block costs nothing), skipping over each block found.
    template <class F> void forEachIn(pfn_t start, pfn_t end, F&& f) const {
        if (start >= end || chunks_.empty()) return;
        const pfn_t lo = std::max<pfn_t>(start >> CHUNK_SHIFT, first_chunk_);
        const pfn_t hi =
            std::min<pfn_t>((end - 1) >> CHUNK_SHIFT, first_chunk_ + chunks_.size() - 1);
        for (pfn_t c = lo; c <= hi; ++c) {
            const Chunk* ch = chunks_[static_cast<std::size_t>(c - first_chunk_)].get();
            if (!ch || !ch->used) continue;
            const pfn_t base = c << CHUNK_SHIFT;
            const std::size_t to =
                static_cast<std::size_t>(std::min<pfn_t>(end - base, CHUNK_PAGES));
            for (std::size_t off = start > base ? static_cast<std::size_t>(start - base) : 0;
                 off < to;) {
                const std::uint8_t v = ch->b[off];
                if (!v) {
                    ++off;
                    continue;
                }
                const AllocatedBlock a = decode(v);
                f(base + off, a);
                off += std::size_t{1} << a.order;
            }
        }
    }

    // ---- map-like access ----
    class const_iterator {
      public:
        using value_type = AllocatedBlocks::value_type;
        using reference = const value_type&;
        using pointer = const value_type*;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;
        const_iterator() = default;
        reference operator*() const { return cur_; }
        pointer operator->() const { return &cur_; }
        const_iterator& operator++() {
            ++off_;
            seek();
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator t = *this;
            ++*this;
            return t;
        }
        bool operator==(const const_iterator& o) const { return ci_ == o.ci_ && off_ == o.off_; }
        bool operator!=(const const_iterator& o) const { return !(*this == o); }

      private:
        friend class AllocatedBlocks;
        const_iterator(const AllocatedBlocks* s, std::size_t ci, std::size_t off)
            : s_(s), ci_(ci), off_(off) {
            seek();
        }
        void seek();
        const AllocatedBlocks* s_ = nullptr;
        std::size_t ci_ = 0, off_ = 0;
        value_type cur_{};
    };
    using iterator = const_iterator;
    const_iterator begin() const { return const_iterator(this, 0, 0); }
    const_iterator end() const { return const_iterator(this, chunks_.size(), 0); }
    const_iterator find(pfn_t pfn) const;
    const_iterator lowerBound(pfn_t pfn) const;
    std::size_t count(pfn_t pfn) const { return contains(pfn) ? 1 : 0; }
    std::pair<const_iterator, bool> emplace(pfn_t pfn, const AllocatedBlock& b) {
        const bool ok = insert(pfn, b);
        return {find(pfn), ok};
    }
    std::size_t erase(pfn_t pfn) { return remove(pfn) ? 1 : 0; }
    void erase(const_iterator it) {
        if (it != end()) remove(it->first);
    }
    // Bytes of per-page state held (for the size benchmarks).
    std::size_t memoryBytes() const;

  private:
    static constexpr std::uint8_t ORDER_MASK = 0x0f, MT_SHIFT = 4, MT_MASK = 0x70,
                                  MOVABLE_BIT = 0x80;
    struct Chunk {
        std::uint32_t used = 0; // blocks recorded in the chunk
        std::uint8_t b[CHUNK_PAGES] = {};
    };
    static AllocatedBlock decode(std::uint8_t v) {
        AllocatedBlock a;
        a.order = static_cast<std::uint8_t>((v & ORDER_MASK) - 1);
        a.mt = static_cast<std::uint8_t>((v & MT_MASK) >> MT_SHIFT);
        a.movable = (v & MOVABLE_BIT) != 0;
        return a;
    }
    static std::uint8_t encode(const AllocatedBlock& a) {
        return static_cast<std::uint8_t>(((a.order + 1) & ORDER_MASK) |
                                         ((a.mt << MT_SHIFT) & MT_MASK) |
                                         (a.movable ? MOVABLE_BIT : 0));
    }
    Chunk* chunkAt(pfn_t pfn) const {
        const pfn_t c = (pfn >> CHUNK_SHIFT) - first_chunk_; // wraps below the first chunk
        return c < chunks_.size() ? chunks_[static_cast<std::size_t>(c)].get() : nullptr;
    }
    std::uint8_t byteAt(pfn_t pfn) const {
        const Chunk* ch = chunkAt(pfn);
        return ch ? ch->b[pfn & (CHUNK_PAGES - 1)] : 0;
    }
    Chunk& chunkFor(pfn_t pfn);

    pfn_t first_chunk_ = 0; // chunk number of chunks_[0]
    std::vector<std::unique_ptr<Chunk>> chunks_;
    std::size_t size_ = 0;
};

} // namespace mmsim
