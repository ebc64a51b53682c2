// Byte ranges: see dmesg_ranges.h.
#include "core/dmesg_ranges.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace mmsim::dmesg {

void RangeSet::add(u64 b, u64 e) {
    if (b >= e) return;
    auto it = m_.upper_bound(b);
    if (it != m_.begin()) {
        auto p = std::prev(it);
        if (p->second >= b) {
            b = p->first;
            e = std::max(e, p->second);
            it = m_.erase(p);
        }
    }
    while (it != m_.end() && it->first <= e) {
        e = std::max(e, it->second);
        it = m_.erase(it);
    }
    m_[b] = e;
}

void RangeSet::remove(u64 b, u64 e) {
    if (b >= e) return;
    std::vector<std::pair<u64, u64>> keep;
    auto it = m_.upper_bound(b);
    if (it != m_.begin()) --it;
    while (it != m_.end() && it->first < e) {
        auto [s, t] = *it;
        if (t <= b) {
            ++it;
            continue;
        }
        it = m_.erase(it);
        if (s < b) keep.emplace_back(s, b);
        if (t > e) keep.emplace_back(e, t);
    }
    for (auto& k : keep)
        m_[k.first] = k.second;
}

bool RangeSet::overlaps(u64 b, u64 e) const {
    if (b >= e) return false;
    auto it = m_.upper_bound(b);
    if (it != m_.begin() && std::prev(it)->second > b) return true;
    return it != m_.end() && it->first < e;
}

RangeSet RangeSet::minus(const RangeSet& o) const {
    RangeSet r = *this;
    for (auto& [b, e] : o.m_)
        r.remove(b, e);
    return r;
}

u64 endOf(u64 base, u64 size) {
    return size > ~u64{0} - base ? ~u64{0} : base + size;
}

} // namespace mmsim::dmesg
