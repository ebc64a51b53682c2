// Per-CPU page lists (struct per_cpu_pages, mm/page_alloc.c): every CPU
// keeps, for every populated zone, a small cache of free pages in front of
// the zone's free lists, so that most order-0 (and order 1..3, and THP)
// allocations and frees touch no zone lock. A page on a pcp list is neither
// free in the buddy lists (nr_free does not count it) nor allocated.
//
// Lists: order_to_pindex(mt, order) = 3 * order + mt for the three mobility
// types at orders 0..3 (12 lists), then the THP lists for order 9: index 12
// for UNMOVABLE/RECLAIMABLE and 13 for MOVABLE (NR_PCP_THP = 2 in both
// 6.12.117 and 6.1.192).
//
// The algorithm is in page_pcp.cpp; the sizes (batch, high) are set with
// the watermarks (zonePcpUpdate).
#pragma once

#include "core/types.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace mmsim {

constexpr int PAGE_ALLOC_COSTLY_ORDER = 3;
constexpr int NR_LOWORDER_PCP_LISTS = 3 * (PAGE_ALLOC_COSTLY_ORDER + 1);
constexpr int NR_PCP_THP = 2;
constexpr int NR_PCP_LISTS = NR_LOWORDER_PCP_LISTS + NR_PCP_THP;
constexpr int PCP_BATCH_SCALE_MAX = 5; // CONFIG_PCP_BATCH_SCALE_MAX
constexpr int BOOT_PAGESET_HIGH = 0;
constexpr int BOOT_PAGESET_BATCH = 1;
// percpu_pagelist_high_fraction's smallest accepted value; 6.12's high_max.
constexpr int MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8;

inline bool pcpAllowedOrder(int order) {
    return (order >= 0 && order <= PAGE_ALLOC_COSTLY_ORDER) || order == 9;
}
inline int orderToPindex(int mt, int order) {
    if (order > PAGE_ALLOC_COSTLY_ORDER) return NR_LOWORDER_PCP_LISTS + (mt == 1 /*MOVABLE*/);
    return 3 * order + mt;
}
inline int pindexToOrder(int pindex) {
    return pindex >= NR_LOWORDER_PCP_LISTS ? 9 : pindex / 3;
}

struct PcpPage {
    pfn_t pfn = 0;
    // 6.1: the migratetype recorded in the page (set_pcppage_migratetype),
    // used when the page goes back to the zone. 6.12 reads the pageblock.
    std::int8_t mt = 0;
};

// One pcp list: a ring buffer of blocks (front() is the list head), so that
// the add/take at either end never allocates once the list has grown.
class PcpList {
  public:
    bool empty() const { return n_ == 0; }
    std::size_t size() const { return n_; }
    const PcpPage& front() const { return buf_[head_]; }
    const PcpPage& back() const { return buf_[(head_ + n_ - 1) & mask()]; }
    const PcpPage& operator[](std::size_t i) const { return buf_[(head_ + i) & mask()]; }
    void push_front(const PcpPage& p) {
        if (n_ == buf_.size()) grow();
        head_ = (head_ - 1) & mask();
        buf_[head_] = p;
        ++n_;
    }
    void push_back(const PcpPage& p) {
        if (n_ == buf_.size()) grow();
        buf_[(head_ + n_) & mask()] = p;
        ++n_;
    }
    void pop_front() {
        head_ = (head_ + 1) & mask();
        --n_;
    }
    void pop_back() { --n_; }
    void clear() { head_ = n_ = 0; }

    class const_iterator {
      public:
        using value_type = PcpPage;
        using reference = const PcpPage&;
        using pointer = const PcpPage*;
        using difference_type = std::ptrdiff_t;
        using iterator_category = std::forward_iterator_tag;
        const_iterator() = default;
        const_iterator(const PcpList* l, std::size_t i) : l_(l), i_(i) {}
        reference operator*() const { return (*l_)[i_]; }
        pointer operator->() const { return &(*l_)[i_]; }
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }
        bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

      private:
        const PcpList* l_ = nullptr;
        std::size_t i_ = 0;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, n_}; }

  private:
    std::size_t mask() const { return buf_.size() - 1; }
    void grow() {
        std::vector<PcpPage> b(buf_.empty() ? 8 : buf_.size() * 2);
        for (std::size_t i = 0; i < n_; ++i)
            b[i] = (*this)[i];
        buf_ = std::move(b);
        head_ = 0;
    }
    std::vector<PcpPage> buf_; // size: 0 or a power of two
    std::size_t head_ = 0, n_ = 0;
};

struct PerCpuPages {
    int count = 0; // pages (not blocks) on all lists
    int high = BOOT_PAGESET_HIGH;
    int batch = BOOT_PAGESET_BATCH;
    int high_min = BOOT_PAGESET_HIGH;  // 6.12
    int high_max = BOOT_PAGESET_HIGH;  // 6.12
    int free_count = 0;                // 6.12: pages freed since the last allocation (decaying)
    int free_factor = 0;               // 6.1: batch scaling while freeing
    int alloc_factor = 0;              // 6.12: batch scaling while refilling
    bool prev_free_high_order = false; // PCPF_PREV_FREE_HIGH_ORDER
    bool free_high_batch = false;      // PCPF_FREE_HIGH_BATCH
    // front() is the list head: frees and refill takes use the head,
    // bulk frees take from the back (the tail, the oldest pages).
    std::array<PcpList, NR_PCP_LISTS> lists;
};

} // namespace mmsim
