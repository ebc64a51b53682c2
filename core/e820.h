// The firmware memory map (arch/x86/kernel/e820.c): a table of typed
// address ranges that the BIOS hands to the kernel. The kernel sanitises it
// (sorted, overlaps resolved in favour of the higher type number, equal
// neighbours merged), edits it from the command line (mem=, memmap=) and
// then feeds its usable entries to memblock.
#pragma once

#include "core/types.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mmsim {

enum E820Type : std::uint32_t {
    E820_TYPE_RAM = 1,
    E820_TYPE_RESERVED = 2,
    E820_TYPE_ACPI = 3,
    E820_TYPE_NVS = 4,
    E820_TYPE_UNUSABLE = 5,
    E820_TYPE_PMEM = 7,
    E820_TYPE_PRAM = 12,
    E820_TYPE_SOFT_RESERVED = 0xefffffff,
    E820_TYPE_RESERVED_KERN = 128,
};

struct E820Entry {
    std::uint64_t addr = 0;
    std::uint64_t size = 0;
    std::uint32_t type = E820_TYPE_RAM;
    std::uint64_t end() const { return addr + size; }
    bool operator==(const E820Entry&) const = default;
};

// What e820_print_type() prints for a type ("usable", "ACPI data", ...).
std::string e820TypeName(std::uint32_t type);
// Inverse for scenario files and logs: accepts the printed names, "persistent"
// and "pmem"; nullopt for an unknown name.
std::optional<std::uint32_t> e820TypeFromName(const std::string& name);

class E820Table {
public:
    using Printer = std::function<void(const std::string&)>;

    E820Table() = default;
    explicit E820Table(std::vector<E820Entry> entries) : entries_(std::move(entries)) {}

    const std::vector<E820Entry>& entries() const { return entries_; }
    void setPrinter(Printer p) { print_ = std::move(p); }

    // e820__update_table(): change-point sweep. Returns false (table left
    // alone) when fewer than two entries exist, as the kernel does.
    bool sanitize();
    void rangeAdd(std::uint64_t start, std::uint64_t size, std::uint32_t type);
    // e820__range_update/remove, printing the kernel's KERN_DEBUG line.
    std::uint64_t rangeUpdate(std::uint64_t start, std::uint64_t size, std::uint32_t old_type,
                              std::uint32_t new_type);
    std::uint64_t rangeRemove(std::uint64_t start, std::uint64_t size, std::uint32_t old_type,
                              bool check_type);

    // "<who>: [mem %#018Lx-%#018Lx] <type>" per entry.
    std::vector<std::string> printLines(const std::string& who) const;
    // e820__end_of_ram_pfn(): end of the highest RAM entry below limit_pfn.
    pfn_t endOfRamPfn(pfn_t limit_pfn = MAX_ARCH_PFN) const;

    static constexpr pfn_t MAX_ARCH_PFN = 1ull << (46 - PAGE_SHIFT); // 4-level paging: 0x400000000

private:
    void say(const std::string& line) {
        if (print_) print_(line);
    }
    std::vector<E820Entry> entries_;
    Printer print_;
};

} // namespace mmsim
