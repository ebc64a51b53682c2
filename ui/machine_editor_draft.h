// The machine being edited in the machine editor, as plain data (no Qt):
// nodes with their memory and CPUs, the SLIT distances, the firmware map,
// the command line and the kernel profile, plus what it checks before core
// sees it. The editor's item models and pages change a draft through the
// operations below; machine_editor_json turns it into a scenario.
//
// Node memory and CPUs are what one types into qemu (-numa node,mem=1G,
// cpus=0-1): the SRAT ranges and the CPU numbers follow from them by the
// qemu-like layout (machine_editor_layout.h). A machine loaded from a
// scenario keeps its own ranges and CPU lists until a size or a CPU count
// is edited.
#pragma once

#include "core/scenario.h"
#include "ui/machine_editor_layout.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmsim::ui {

struct DraftNode {
    int id = 0;
    std::string memory_text;             // as typed: memparse syntax ("1G", "0x40000000")
    std::optional<std::uint64_t> memory; // parsed; nullopt while memory_text does not parse
    std::string memory_why;              // why memory_text does not parse
    int cpus = 1;                        // CPU count
    std::vector<ByteRange> ranges;       // SRAT ranges, [start, end)
    std::vector<int> cpu_ids;            // the node's CPUs
};

// What a problem is about, so the editor can point at it.
enum class DraftPart { Scenario, Nodes, Distance, E820, Cmdline, Kernel };

struct DraftIssue {
    DraftPart part = DraftPart::Scenario;
    int row = -1;    // a node, an e820 entry, a distance row
    int column = -1; // a distance column
    std::string message;
    bool error = true; // false: a warning (Save stays enabled)
};

struct MachineDraft {
    std::string title;
    std::string description;

    std::vector<DraftNode> nodes;
    std::vector<std::vector<int>> distance; // by node position, not id
    // Write the machine's NUMA description (SRAT and SLIT). Always with more
    // than one node; one node without it is qemu without -numa ("No NUMA
    // configuration found").
    bool srat = true;
    bool custom_ranges = false; // ranges as loaded, not the qemu-like layout
    bool custom_cpus = false;   // CPU lists as loaded
    int total_cpus = 1;         // machine.cpus (the sum of the counts unless custom_cpus)

    std::vector<E820EntrySpec> e820;
    std::string cmdline;
    std::string version = "6.12"; // kernel profile
    std::string slab = "slub";

    // ---- construction ----
    // A 2-node, 2-CPU qemu-like PC with 1 GiB per node (the machine of the
    // kernel captures in tests/fixtures).
    static MachineDraft newMachine();

    // ---- nodes ----
    std::uint64_t totalMemory() const; // parsed node sizes
    bool memoryParses() const;
    // Sets node i's memory from text (memparse syntax). Returns false and
    // keeps the text (and the reason) when it does not parse.
    bool setNodeMemory(std::size_t i, const std::string& text);
    void setNodeCpus(std::size_t i, int cpus);
    // Adds a node after the last, with the last node's memory, one CPU and
    // distance 20 to every other node.
    void addNode();
    void removeNode(std::size_t i);
    // Recomputes the SRAT ranges and CPU numbers from sizes and counts.
    void relayout();
    // Sets distance [i][j]; with symmetric, [j][i] too.
    void setDistance(std::size_t i, std::size_t j, int value, bool symmetric = true);
    // Every distance the same both ways.
    bool distanceSymmetric() const;

    // ---- e820 ----
    // The qemu-like firmware map for the nodes' memory.
    void generateE820();
    // Splits entry i at addr (strictly inside it). Returns false otherwise.
    bool splitE820(std::size_t i, std::uint64_t addr);
    void addE820(std::size_t at, E820EntrySpec e);
    void removeE820(std::size_t i);

    // ---- checks ----
    // Everything the editor knows to be wrong (errors) or surprising
    // (warnings), errors first, in table order.
    std::vector<DraftIssue> issues() const;
};

// "1G", "448M", "640K", or "0x..." when not a whole number of KiB; what
// memparse reads back to the same value.
std::string sizeText(std::uint64_t bytes);
// "0x9fc00".
std::string hexText(std::uint64_t v);
// The scenario's name of an e820 type ("usable", "ACPI NVS", ...), or its
// number for types without one.
std::string e820TypeKey(std::uint32_t type);

} // namespace mmsim::ui
