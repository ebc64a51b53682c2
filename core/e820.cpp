// The e820 map. Sanitising is a sweep over "change points": every entry
// contributes a point where it starts and one where it ends; walking them
// in address order while keeping the set of entries that are open gives,
// between any two points, the highest type number in force (so "reserved"
// beats "usable" where both claim a range). A new output entry starts
// wherever that type changes; soft-reserved and PRAM ranges never merge.
#include "core/e820.h"

#include "core/strfmt.h"

#include <algorithm>

namespace mmsim {

std::string e820TypeName(std::uint32_t type) {
    switch (type) {
    case E820_TYPE_RESERVED_KERN:
    case E820_TYPE_RAM: return "usable";
    case E820_TYPE_RESERVED: return "reserved";
    case E820_TYPE_SOFT_RESERVED: return "soft reserved";
    case E820_TYPE_ACPI: return "ACPI data";
    case E820_TYPE_NVS: return "ACPI NVS";
    case E820_TYPE_UNUSABLE: return "unusable";
    case E820_TYPE_PMEM:
    case E820_TYPE_PRAM: return strprintf("persistent (type %u)", type);
    default: return strprintf("type %u", type);
    }
}

std::optional<std::uint32_t> e820TypeFromName(const std::string& name) {
    if (name == "usable" || name == "RAM") return E820_TYPE_RAM;
    if (name == "reserved") return E820_TYPE_RESERVED;
    if (name == "ACPI data" || name == "ACPI") return E820_TYPE_ACPI;
    if (name == "ACPI NVS" || name == "NVS") return E820_TYPE_NVS;
    if (name == "unusable") return E820_TYPE_UNUSABLE;
    if (name == "persistent" || name == "pmem" || name == "persistent (type 7)")
        return E820_TYPE_PMEM;
    if (name == "persistent (type 12)" || name == "pram") return E820_TYPE_PRAM;
    if (name == "soft reserved") return E820_TYPE_SOFT_RESERVED;
    return std::nullopt;
}

static bool noMerge(std::uint32_t type) {
    return type == E820_TYPE_PRAM || type == E820_TYPE_SOFT_RESERVED;
}

bool E820Table::sanitize() {
    if (entries_.size() < 2) return false;
    struct ChangePoint {
        std::uint64_t addr;
        std::size_t entry;
        bool is_start;
    };
    std::vector<ChangePoint> points;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const E820Entry& e = entries_[i];
        if (e.size == 0) continue;
        points.push_back({e.addr, i, true});
        points.push_back({e.addr + e.size, i, false});
    }
    // At one address, start points sort before end points.
    std::stable_sort(points.begin(), points.end(), [](const ChangePoint& a, const ChangePoint& b) {
        if (a.addr != b.addr) return a.addr < b.addr;
        return a.is_start && !b.is_start;
    });
    std::vector<std::size_t> open;
    std::vector<E820Entry> out;
    std::uint32_t last_type = 0;
    std::uint64_t last_addr = 0;
    for (const ChangePoint& cp : points) {
        if (cp.is_start) {
            open.push_back(cp.entry);
        } else {
            open.erase(std::find(open.begin(), open.end(), cp.entry));
        }
        std::uint32_t current_type = 0;
        for (std::size_t idx : open) current_type = std::max(current_type, entries_[idx].type);
        if (current_type != last_type || noMerge(current_type)) {
            if (last_type != 0) {
                std::uint64_t size = cp.addr - last_addr;
                if (size != 0) out.push_back({last_addr, size, last_type});
            }
            if (current_type != 0) last_addr = cp.addr;
            last_type = current_type;
        }
    }
    entries_ = std::move(out);
    return true;
}

void E820Table::rangeAdd(std::uint64_t start, std::uint64_t size, std::uint32_t type) {
    entries_.push_back({start, size, type});
}

std::uint64_t E820Table::rangeUpdate(std::uint64_t start, std::uint64_t size,
                                     std::uint32_t old_type, std::uint32_t new_type) {
    if (size > ~0ull - start) size = ~0ull - start;
    const std::uint64_t end = start + size;
    say("e820: update [mem " + hex0x(start, 10) + "-" + hex0x(end - 1, 10) + "] " +
        e820TypeName(old_type) + " ==> " + e820TypeName(new_type));
    std::uint64_t updated = 0;
    const std::size_t n = entries_.size();
    for (std::size_t i = 0; i < n; ++i) {
        E820Entry& e = entries_[i];
        if (e.type != old_type) continue;
        const std::uint64_t e_end = e.end();
        if (e.addr >= start && e_end <= end) { // wholly inside
            e.type = new_type;
            updated += e.size;
            continue;
        }
        if (e.addr < start && e_end > end) { // the update splits the entry
            const std::uint32_t t = e.type;
            e.size = start - e.addr;
            rangeAdd(start, size, new_type);
            rangeAdd(end, e_end - end, t);
            updated += size;
            continue;
        }
        const std::uint64_t fs = std::max(start, e.addr), fe = std::min(end, e_end);
        if (fs >= fe) continue;
        E820Entry& ref = entries_[i];
        ref.size -= fe - fs;
        if (ref.addr >= fs) ref.addr = fe;
        rangeAdd(fs, fe - fs, new_type);
        updated += fe - fs;
    }
    return updated;
}

std::uint64_t E820Table::rangeRemove(std::uint64_t start, std::uint64_t size,
                                     std::uint32_t old_type, bool check_type) {
    if (size > ~0ull - start) size = ~0ull - start;
    const std::uint64_t end = start + size;
    std::string line = "e820: remove [mem " + hex0x(start, 10) + "-" + hex0x(end - 1, 10) + "] ";
    if (check_type) line += e820TypeName(old_type);
    say(line);
    std::uint64_t removed = 0;
    const std::size_t n = entries_.size();
    for (std::size_t i = 0; i < n; ++i) {
        E820Entry& e = entries_[i];
        if (check_type && e.type != old_type) continue;
        const std::uint64_t e_end = e.end();
        if (e.addr >= start && e_end <= end) {
            removed += e.size;
            e = E820Entry{0, 0, 0};
            continue;
        }
        if (e.addr < start && e_end > end) {
            const std::uint32_t t = e.type;
            e.size = start - e.addr;
            rangeAdd(end, e_end - end, t);
            removed += size;
            continue;
        }
        const std::uint64_t fs = std::max(start, e.addr), fe = std::min(end, e_end);
        if (fs >= fe) continue;
        removed += fe - fs;
        e.size -= fe - fs;
        if (e.addr < fs) continue;
        e.addr = fe;
    }
    // Entries emptied above are dropped by the next sanitize; drop them now
    // too so the table never shows zero-sized entries.
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [](const E820Entry& e) { return e.size == 0; }),
                   entries_.end());
    return removed;
}

std::vector<std::string> E820Table::printLines(const std::string& who) const {
    std::vector<std::string> lines;
    for (const E820Entry& e : entries_) {
        lines.push_back(who + ": [mem " + hex0x(e.addr, 18) + "-" +
                        hex0x(e.addr + e.size - 1, 18) + "] " + e820TypeName(e.type));
    }
    return lines;
}

pfn_t E820Table::endOfRamPfn(pfn_t limit_pfn) const {
    pfn_t last_pfn = 0;
    for (const E820Entry& e : entries_) {
        if (e.type != E820_TYPE_RAM && e.type != E820_TYPE_RESERVED_KERN) continue;
        pfn_t start_pfn = e.addr >> PAGE_SHIFT;
        pfn_t end_pfn = (e.addr + e.size) >> PAGE_SHIFT;
        if (start_pfn >= limit_pfn) continue;
        if (end_pfn > limit_pfn) {
            last_pfn = limit_pfn;
            break;
        }
        if (end_pfn > last_pfn) last_pfn = end_pfn;
    }
    if (last_pfn > MAX_ARCH_PFN) last_pfn = MAX_ARCH_PFN;
    return last_pfn;
}

} // namespace mmsim
