// Byte ranges as the dmesg importer follows memblock's arrays while it
// replays a log. Internal to the dmesg importer.
#pragma once

#include "core/dmesg_log.h"

#include <map>

namespace mmsim::dmesg {

// A set of byte ranges [b, e), merged; enough to follow memblock's arrays.
class RangeSet {
  public:
    void add(u64 b, u64 e);
    void remove(u64 b, u64 e);
    bool overlaps(u64 b, u64 e) const;
    RangeSet minus(const RangeSet& o) const;
    const std::map<u64, u64>& pieces() const { return m_; }
    bool empty() const { return m_.empty(); }
    u64 lo() const { return m_.empty() ? 0 : m_.begin()->first; }
    u64 hi() const { return m_.empty() ? 0 : m_.rbegin()->second; }
    bool operator==(const RangeSet&) const = default;

  private:
    std::map<u64, u64> m_;
};

// base + size, saturated at the top of the address space.
u64 endOf(u64 base, u64 size);

} // namespace mmsim::dmesg
