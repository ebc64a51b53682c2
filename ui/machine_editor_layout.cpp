#include "ui/machine_editor_layout.h"

#include <algorithm>

namespace mmsim::ui {

namespace {

constexpr std::uint64_t kQ35LowmemSmall = 0xb0000000; // all RAM below the hole
constexpr std::uint64_t kQ35LowmemBig = 0x80000000;   // from 2.75 GiB on: 2 GiB below

// Physical ranges of the RAM offsets [from, to) under 'split'.
void mapRun(const RamSplit& split, std::uint64_t from, std::uint64_t to,
            std::vector<ByteRange>& out) {
    if (from < split.below_4g) {
        const std::uint64_t end = std::min(to, split.below_4g);
        out.emplace_back(from, end);
        from = end;
    }
    if (from < to)
        out.emplace_back(split.above_start + (from - split.below_4g),
                         split.above_start + (to - split.below_4g));
}

} // namespace

RamSplit qemuRamSplit(std::uint64_t total_ram) {
    RamSplit s;
    const std::uint64_t lowmem = total_ram >= kQ35LowmemSmall ? kQ35LowmemBig : kQ35LowmemSmall;
    s.below_4g = std::min(total_ram, lowmem);
    s.above_4g = total_ram - s.below_4g;
    // qemu moves the high RAM to 1 TiB when it would run into the
    // HyperTransport window.
    if (s.above_4g && qemu::kFourG + s.above_4g > qemu::kAmdHtStart) s.above_start = qemu::kOneT;
    return s;
}

std::vector<std::vector<ByteRange>> qemuNodeRanges(const std::vector<std::uint64_t>& sizes) {
    std::uint64_t total = 0;
    for (std::uint64_t s : sizes)
        total += s;
    const RamSplit split = qemuRamSplit(total);
    std::vector<std::vector<ByteRange>> out(sizes.size());
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] == 0) continue;
        std::uint64_t from = offset;
        const std::uint64_t to = offset + sizes[i];
        if (i == 0 && from == 0 && to > qemu::kLegacyEnd) {
            out[i].emplace_back(0, qemu::kLowRamEnd);
            from = qemu::kLegacyEnd;
        }
        mapRun(split, from, to, out[i]);
        offset = to;
    }
    return out;
}

std::uint64_t nodeSizeOfRanges(const std::vector<ByteRange>& ranges) {
    std::uint64_t sum = 0;
    for (const ByteRange& r : ranges)
        sum += r.second - r.first;
    if (!ranges.empty() && ranges.front() == ByteRange{0, qemu::kLowRamEnd})
        sum += qemu::kLegacyEnd - qemu::kLowRamEnd;
    return sum;
}

std::vector<E820EntrySpec> qemuE820(std::uint64_t total_ram) {
    constexpr std::uint32_t kRam = 1, kReserved = 2;
    const RamSplit split = qemuRamSplit(total_ram);
    std::vector<E820EntrySpec> e;
    const std::uint64_t ebda = qemu::kLowRamEnd - qemu::kEbdaSize;
    e.push_back({0, ebda, kRam});
    e.push_back({ebda, qemu::kEbdaSize, kReserved});
    e.push_back({0xf0000, 0x10000, kReserved}); // the BIOS's own 64 KiB
    if (split.below_4g > qemu::kLegacyEnd + qemu::kBiosTables) {
        const std::uint64_t tables = split.below_4g - qemu::kBiosTables;
        e.push_back({qemu::kLegacyEnd, tables - qemu::kLegacyEnd, kRam});
        e.push_back({tables, qemu::kBiosTables, kReserved});
    }
    e.push_back({0xb0000000, 0x10000000, kReserved}); // PCI Express MMCONFIG
    e.push_back({0xfed1c000, 0x4000, kReserved});     // the ICH9 root complex registers
    e.push_back({0xfffc0000, 0x40000, kReserved});    // BIOS flash
    if (split.above_4g) e.push_back({split.above_start, split.above_4g, kRam});
    e.push_back({qemu::kAmdHtStart, qemu::kOneT - qemu::kAmdHtStart, kReserved});
    std::sort(e.begin(), e.end(),
              [](const E820EntrySpec& a, const E820EntrySpec& b) { return a.addr < b.addr; });
    return e;
}

std::uint64_t ramOfE820(const std::vector<E820EntrySpec>& e820) {
    constexpr std::uint64_t mib = 1ull << 20;
    std::uint64_t low_end = 0, high = 0;
    for (const E820EntrySpec& e : e820) {
        if (e.type != 1 || !e.size) continue;
        if (e.addr < qemu::kFourG)
            low_end = std::max(low_end, std::min(e.addr + e.size, qemu::kFourG));
        if (e.addr + e.size > qemu::kFourG)
            high += e.addr + e.size - std::max(e.addr, qemu::kFourG);
    }
    return (low_end + mib - 1) / mib * mib + high;
}

} // namespace mmsim::ui
