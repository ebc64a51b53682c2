// An independent reference of one zone's buddy allocator, written from the
// kernel sources (mm/page_alloc.c of 6.12.117 and 6.1.192) for the tests,
// deliberately the plain way: one record per page, std::list free lists.
// It models rmqueue_buddy() (without pcp) and free_one_page(); watermarks,
// zonelists and boosts are outside it. Nothing here is shared with core/.
#pragma once

#include <cstdint>
#include <iterator>
#include <list>
#include <unordered_map>
#include <vector>

namespace buddyref {

using u64 = std::uint64_t;
constexpr int MAXO = 10, PBO = 9, NTYPES = 5, UNMOV = 0, MOV = 1, RECL = 2, HIGHATOMIC = 3;
constexpr u64 PB = 512, NONE = ~u64{0};
constexpr unsigned F_NOFRAGMENT = 0x100, F_HIGHATOMIC = 0x200, F_NON_BLOCK = 0x10, F_OOM = 0x08;

class Zone {
  public:
    Zone(bool v61, u64 start, u64 end, bool mobility_off)
        : v61_(v61), start_(start), end_(end), off_(mobility_off), order_(end - start, -1),
          movable_(end - start, 0), pbtype_(((end - 1) >> PBO) - (start >> PBO) + 1, UNMOV) {}

    // Seeding: a free block at the tail of its list, a pageblock's type.
    void seedFree(u64 pfn, int order, int mt) { put(pfn, order, mt, true); }
    void setPageblock(u64 pfn, int mt) { pbtype_[pbi(pfn)] = mt; }
    int pageblock(u64 pfn) const { return pbtype_[pbi(pfn)]; }
    const std::list<u64>& list(int o, int mt) const { return lists_[o][mt]; }

    // rmqueue_buddy()
    u64 alloc(int order, int mt, unsigned flags, bool movable_alloc) {
        u64 p = NONE;
        if (flags & F_HIGHATOMIC) p = smallest(order, HIGHATOMIC);
        if (p == NONE) {
            p = v61_ ? rmqueue61(order, mt, flags) : rmqueue612(order, mt, flags);
            if (p == NONE && (flags & (F_OOM | F_NON_BLOCK))) p = smallest(order, HIGHATOMIC);
        }
        if (p != NONE && movable_alloc)
            for (u64 i = 0; i < (u64{1} << order); ++i)
                movable_[p - start_ + i] = 1;
        return p;
    }

    // __free_pages() -> free_one_page()
    void free(u64 pfn, int order) {
        for (u64 i = 0; i < (u64{1} << order); ++i)
            movable_[pfn - start_ + i] = 0;
        if (!v61_ && order > PBO) {
            for (u64 p = pfn; p < pfn + (u64{1} << order); p += PB)
                freeOne(p, PBO, pageblock(p));
        } else {
            freeOne(pfn, order, pageblock(pfn));
        }
    }

  private:
    std::size_t pbi(u64 pfn) const { return (pfn >> PBO) - (start_ >> PBO); }
    bool inZone(u64 pfn) const { return pfn >= start_ && pfn < end_; }
    bool isFree(u64 pfn, int order) const { return inZone(pfn) && order_[pfn - start_] == order; }
    void put(u64 pfn, int order, int mt, bool tail) {
        auto& l = lists_[order][mt];
        auto it = tail ? l.insert(l.end(), pfn) : l.insert(l.begin(), pfn);
        where_[pfn] = {mt, it};
        order_[pfn - start_] = static_cast<std::int8_t>(order);
    }
    void take(u64 pfn) {
        const int o = order_[pfn - start_];
        auto w = where_.at(pfn);
        lists_[o][w.first].erase(w.second);
        where_.erase(pfn);
        order_[pfn - start_] = -1;
    }
    int listOf(u64 pfn) const { return where_.at(pfn).first; }

    void split(u64 pfn, int low, int high, int mt) {
        for (int o = high - 1; o >= low; --o)
            put(pfn + (u64{1} << o), o, mt, false);
    }
    u64 smallest(int order, int mt) {
        for (int o = order; o <= MAXO; ++o) {
            if (lists_[o][mt].empty()) continue;
            const u64 p = lists_[o][mt].front();
            take(p);
            split(p, order, o, mt);
            return p;
        }
        return NONE;
    }
    static int fallback(int mt, int i) {
        static const int t[3][2] = {{RECL, MOV}, {RECL, UNMOV}, {UNMOV, MOV}};
        return t[mt][i];
    }
    bool canSteal(int o, int mt) const { return o >= PBO / 2 || mt == RECL || mt == UNMOV || off_; }
    // first non-empty fallback list at order o, or -1
    int suitable(int o, int mt) const {
        for (int i = 0; i < 2; ++i)
            if (!lists_[o][fallback(mt, i)].empty()) return fallback(mt, i);
        return -1;
    }
    void setRange(u64 pfn, int order, int mt) {
        const u64 n = order > PBO ? u64{1} << (order - PBO) : 1;
        for (u64 i = 0; i < n; ++i)
            pbtype_[pbi(pfn + i * PB)] = mt;
    }
    // count free and movable pages in [s, e); move free blocks to mt if mt >= 0
    void scan(u64 s, u64 e, int mt, u64& free, u64& movable) {
        free = movable = 0;
        for (u64 p = s; p < e;) {
            const int o = order_[p - start_];
            if (o >= 0) {
                if (mt >= 0) {
                    take(p);
                    put(p, o, mt, true);
                }
                free += u64{1} << o;
                p += u64{1} << o;
            } else {
                movable += movable_[p - start_];
                ++p;
            }
        }
    }
    u64 alike(int start_mt, int block, u64 free, u64 movable) const {
        if (start_mt == MOV) return movable;
        return block == MOV ? PB - free - movable : 0;
    }

    // ---- 6.12.117 ----
    u64 rmqueue612(int order, int mt, unsigned flags) {
        u64 p = smallest(order, mt);
        if (p != NONE) return p;
        const int min = (order < PBO && (flags & F_NOFRAGMENT)) ? PBO : order;
        for (int o = MAXO; o >= min; --o) {
            const int f = suitable(o, mt);
            if (f < 0) continue;
            if (!canSteal(o, mt)) break;
            const u64 page = lists_[o][f].front();
            const int block = pageblock(page);
            if (block == HIGHATOMIC) continue;
            if (o >= PBO) {
                take(page);
                setRange(page, o, mt);
                split(page, order, o, mt);
                return page;
            }
            const u64 s = page & ~(PB - 1);
            if (!inZone(s) || !inZone(s + PB - 1)) continue;
            u64 free, movable;
            scan(s, s + PB, -1, free, movable);
            if (free + alike(mt, block, free, movable) >= PB / 2 || off_) {
                scan(s, s + PB, mt, free, movable);
                pbtype_[pbi(s)] = mt;
                return smallest(order, mt);
            }
        }
        if (flags & F_NOFRAGMENT) return NONE;
        for (int o = order; o <= MAXO; ++o) {
            const int f = suitable(o, mt);
            if (f < 0) continue;
            const u64 page = lists_[o][f].front();
            take(page);
            split(page, order, o, f);
            return page;
        }
        return NONE;
    }

    // ---- 6.1 ----
    u64 rmqueue61(int order, int mt, unsigned flags) {
        for (;;) {
            u64 p = smallest(order, mt);
            if (p != NONE) return p;
            const int min = (order < PBO && (flags & F_NOFRAGMENT)) ? PBO : order;
            int o = MAXO, f = -1;
            for (; o >= min; --o)
                if ((f = suitable(o, mt)) >= 0) break;
            if (o < min) return NONE;
            bool steal = canSteal(o, mt);
            if (!steal && mt == MOV && o > order) {
                for (o = order; o <= MAXO; ++o)
                    if ((f = suitable(o, mt)) >= 0) break;
                steal = canSteal(o, mt);
            }
            const u64 page = lists_[o][f].front();
            const int block = pageblock(page);
            bool single = true;
            if (block == HIGHATOMIC) {
            } else if (o >= PBO) {
                setRange(page, o, mt);
            } else if (steal) {
                u64 s = page & ~(PB - 1);
                const u64 e = s + PB;
                if (!inZone(s)) s = page;
                if (inZone(e - 1)) {
                    u64 free, movable;
                    scan(s, e, mt, free, movable);
                    if (free) {
                        single = false;
                        if (free + alike(mt, block, free, movable) >= PB / 2 || off_)
                            pbtype_[pbi(page)] = mt;
                    }
                }
            }
            if (single) {
                const int po = order_[page - start_];
                take(page);
                put(page, po, mt, true);
            }
        }
    }

    // __free_one_page()
    void freeOne(u64 pfn, int order, int mt) {
        while (order < MAXO) {
            const u64 b = pfn ^ (u64{1} << order);
            if (!isFree(b, order)) break;
            int bmt = mt;
            if (order >= PBO) {
                bmt = pageblock(b);
                if (bmt != mt && (mt >= 3 || bmt >= 3)) break;
            }
            take(b);
            if (!v61_ && bmt != mt) setRange(b, order, mt);
            pfn &= b;
            ++order;
        }
        bool tail = false;
        if (order < MAXO - 1) {
            const u64 higher = pfn & ~(u64{1} << order);
            tail = isFree(higher ^ (u64{1} << (order + 1)), order + 1);
        }
        put(pfn, order, mt, tail);
    }

    bool v61_;
    u64 start_, end_;
    bool off_;
    std::vector<std::int8_t> order_;    // per page: order if head of a free block, else -1
    std::vector<std::uint8_t> movable_; // per page: allocated as movable
    std::vector<int> pbtype_;
    std::list<u64> lists_[MAXO + 1][NTYPES];
    std::unordered_map<u64, std::pair<int, std::list<u64>::iterator>> where_;
};

} // namespace buddyref
