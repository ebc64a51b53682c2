// Scenario loading and validation: malformed scenarios must fail with the
// right message at the right line:col and JSON pointer; good ones must fill
// the MachineSpec and the steps; memparse must read sizes as the kernel does.
#include "core/scenario.h"
#include "core/scenario_ops.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace mmsim;

namespace {

// Line 1 of most cases below; the interesting part starts on line 2 or 3.
#define HDR "{\"format\": \"mmsim-scenario/1\",\n"
#define E820 "\"e820\": [{\"addr\": 0, \"size\": \"1G\", \"type\": \"usable\"}]"
#define MACHINE " \"machine\": {" E820 "}"
// A two-node machine: node 1 is on line 3, the distance matrix on line 4.
#define NUMA2(node1, dist)                                                                         \
    HDR " \"machine\": {\"cpus\": 2, " E820                                                        \
        ", \"numa\": {\"nodes\": [{\"id\": 0, \"cpus\": [0]},\n"                                   \
        "  " node1 "],\n"                                                                          \
        "  \"distance\": " dist "}}}"
// Boot steps on line 2; a "\n" in 'step' starts line 3.
#define BOOT(step) HDR MACHINE ", \"boot\": [" step "]}"

struct BadCase {
    const char* name;
    std::string text;
    std::string substr; // expected part of the message
    int line;
    int col;
    std::string pointer;
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) {
    return os << c.name;
}

const BadCase kBadCases[] = {
    // --- JSON syntax ---
    {"MalformedJson", HDR " \"title\": \"x\"\n \"machine\": {}}",
     "invalid JSON: syntax error while parsing object - unexpected string literal; expected '}'", 3,
     2, ""},
    {"TruncatedFile", HDR " \"machine\": {\"cpus\": 2,", "unexpected end of input", 2, 24,
     "/machine"},
    {"EmptyInput", "", "unexpected end of input", 1, 1, ""},
    // Found by fuzz_scenario: nlohmann throws out_of_range, not parse_error.
    {"NumberOverflow", HDR " \"machine\": {\"e820\": [\n  {\"addr\": 0, \"size\": 1e999}]}}",
     "invalid JSON: number overflow parsing '1e999'", 3, 23, "/machine/e820/0/size"},
    {"TrailingGarbage", HDR MACHINE "}\n}", "expected end of input", 3, 1, ""},
    {"IllFormedUtf8", HDR " \"title\": \"\xff\"}", "ill-formed UTF-8", 2, 12, "/title"},
    {"MissingComma", HDR " \"machine\": {\"cpus\": 2\n  \"e820\": []}}",
     "unexpected string literal", 3, 3, "/machine"},
    {"BadLiteral", HDR " \"machine\": {\"cpus\":\n  tru}}", "invalid literal", 3, 3,
     "/machine/cpus"},
    {"DuplicateKey", HDR MACHINE ",\n \"machine\": {" E820 "}}", "duplicate key \"machine\"", 3, 2,
     "/machine"},

    // --- top level ---
    {"RootNotObject", "[1, 2]", "a scenario must be a JSON object", 1, 1, ""},
    {"WrongFormat", "{\"format\": \"mmsim-scenario/2\"," MACHINE "}",
     "unsupported format \"mmsim-scenario/2\": expected \"mmsim-scenario/1\"", 1, 12, "/format"},
    {"FormatNotString", "{\"format\": 1," MACHINE "}", "format must be a string, got an integer 1",
     1, 12, "/format"},
    {"MissingFormat", "{" MACHINE "}", "missing required key \"format\"", 1, 1, ""},
    {"UnknownTopKeyWithSuggestion", HDR " \"titel\": \"x\",\n" MACHINE "}",
     "unknown key \"titel\" in the scenario; did you mean \"title\"?", 2, 2, "/titel"},
    {"UnknownTopKeyListsKnownKeys", HDR " \"colour\": \"x\",\n" MACHINE "}",
     "unknown key \"colour\" in the scenario (known keys: $schema, format,", 2, 2, "/colour"},
    {"MissingMachine", HDR " \"title\": \"x\"}", "missing required key \"machine\"", 1, 1, ""},
    {"MachineNotObject", HDR " \"machine\":\n  []}", "machine must be an object, got an array", 3,
     3, "/machine"},
    {"SeedNegative", HDR MACHINE ", \"seed\":\n  -1}", "seed -1 is negative", 3, 3, "/seed"},
    {"TitleNotString", HDR MACHINE ", \"title\":\n  null}", "title must be a string, got null", 3,
     3, "/title"},

    // --- machine ---
    {"UnknownMachineKey", HDR " \"machine\": {" E820 ",\n  \"cpu\": 2}}",
     "unknown key \"cpu\" in machine; did you mean \"cpus\"?", 3, 3, "/machine/cpu"},
    {"MissingE820", HDR " \"machine\": {\"cpus\": 1}}", "missing required key \"e820\" in machine",
     2, 13, "/machine"},
    {"CpusZero", HDR " \"machine\": {" E820 ", \"cpus\":\n  0}}",
     "cpus 0 is out of range: expected 1..1024", 3, 3, "/machine/cpus"},
    {"CpusTooMany", HDR " \"machine\": {" E820 ", \"cpus\":\n  4096}}",
     "cpus 4096 is out of range: expected 1..1024", 3, 3, "/machine/cpus"},
    {"CpusString", HDR " \"machine\": {" E820 ", \"cpus\":\n  \"2\"}}",
     "cpus must be an integer, got a string \"2\"", 3, 3, "/machine/cpus"},
    {"CpusFloat", HDR " \"machine\": {" E820 ", \"cpus\":\n  2.0}}",
     "cpus must be an integer, got a number 2.0", 3, 3, "/machine/cpus"},
    {"CmdlineNotString", HDR " \"machine\": {" E820 ", \"cmdline\":\n  [\"mem=1G\"]}}",
     "cmdline must be a string, got an array", 3, 3, "/machine/cmdline"},

    // --- sizes ---
    {"SizeDoesNotParse",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  \"12Q\"}]}}",
     "size \"12Q\" does not parse: expected an integer, 0x-hex or a number with K/M/G/T/P/E "
     "suffix",
     3, 3, "/machine/e820/0/size"},
    {"SizeWithByteSuffix",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  \"64MB\"}]}}",
     "size \"64MB\" does not parse", 3, 3, "/machine/e820/0/size"},
    {"NegativeSize",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  -4096}]}}",
     "size -4096 is negative: sizes and addresses are unsigned", 3, 3, "/machine/e820/0/size"},
    {"NegativeSizeString",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  \"-4K\"}]}}",
     "size \"-4K\" does not parse", 3, 3, "/machine/e820/0/size"},
    {"FloatSize",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  1.5}]}}",
     "size 1.5 is not an integer", 3, 3, "/machine/e820/0/size"},
    {"SizeOverflowSuffix",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  \"16E\"}]}}",
     "size \"16E\" does not parse: the value exceeds 2^64-1", 3, 3, "/machine/e820/0/size"},
    {"SizeOverflowLiteral",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  "
         "18446744073709551616}]}}",
     "does not fit in 64 bits", 3, 3, "/machine/e820/0/size"},
    {"SizeOctalTrap",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"type\": \"usable\", \"size\":\n  \"08\"}]}}",
     "a leading 0 makes it octal, as in the kernel's memparse, and '8' is not an octal digit", 3, 3,
     "/machine/e820/0/size"},
    {"AddrWrongType",
     HDR " \"machine\": {\"e820\": [{\"size\": 4096, \"type\": \"usable\", \"addr\":\n  true}]}}",
     "addr must be an integer or a string like \"64M\" or \"0x1000\", got a boolean true", 3, 3,
     "/machine/e820/0/addr"},

    // --- e820 ---
    {"BadE820Type",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"size\": 4096, \"type\":\n  \"ACPI Data\"}]}}",
     "unknown e820 type \"ACPI Data\"; did you mean \"ACPI data\"?", 3, 3, "/machine/e820/0/type"},
    {"E820TypeZero",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"size\": 4096, \"type\":\n  0}]}}",
     "e820 type 0 is out of range", 3, 3, "/machine/e820/0/type"},
    {"E820EmptyAutoBoot", HDR " \"machine\": {\"e820\":\n  []}}",
     "the auto boot needs at least 1 MiB of usable RAM", 3, 3, "/machine/e820"},
    {"E820NoUsableRam",
     HDR " \"machine\": {\"e820\":\n  [{\"addr\": 0, \"size\": \"1G\", \"type\": \"reserved\"}]}}",
     "the auto boot needs at least 1 MiB of usable RAM", 3, 3, "/machine/e820"},
    {"BadCmdline", HDR " \"machine\": {\"e820\": [], \"cmdline\":\n  \"mem=lots\"}}",
     "kernel command line: bad size in 'mem=lots'", 3, 3, "/machine/cmdline"},
    {"E820NotArray", HDR " \"machine\": {\"e820\":\n  {}}}", "e820 must be an array, got an object",
     3, 3, "/machine/e820"},
    {"E820EntryMissingSize",
     HDR " \"machine\": {\"e820\": [\n  {\"addr\": 0, \"type\": \"usable\"}]}}",
     "missing required key \"size\" in an e820 entry", 3, 3, "/machine/e820/0"},
    {"E820EntryUnknownKey",
     HDR " \"machine\": {\"e820\": [{\"addr\": 0, \"size\": 1, \"type\": \"usable\",\n  \"typ\": "
         "1}]}}",
     "unknown key \"typ\" in an e820 entry; did you mean \"type\"?", 3, 3, "/machine/e820/0/typ"},
    {"E820EntryWraps",
     HDR " \"machine\": {\"e820\": [\n  {\"addr\": \"0xffffffffffff0000\", \"size\": \"1M\", "
         "\"type\": \"usable\"}]}}",
     "runs past the end of the 64-bit address space", 3, 3, "/machine/e820/0"},

    // --- NUMA ---
    {"DuplicateNodeId", NUMA2("{\"id\": 0, \"cpus\": [1]}", "[[10, 20], [20, 10]]"),
     "duplicate NUMA node id 0 (also at /machine/numa/nodes/0)", 3, 10, "/machine/numa/nodes/1/id"},
    {"NodeIdOutOfRange", NUMA2("{\"id\": 1024, \"cpus\": [1]}", "[[10, 20], [20, 10]]"),
     "node id 1024 is out of range: expected 0..1023", 3, 10, "/machine/numa/nodes/1/id"},
    {"NodeMissingId", NUMA2("{\"cpus\": [1]}", "[[10, 20], [20, 10]]"),
     "missing required key \"id\" in a NUMA node", 3, 3, "/machine/numa/nodes/1"},
    {"NodeCpuNotInMachine", NUMA2("{\"id\": 1, \"cpus\": [2]}", "[[10, 20], [20, 10]]"),
     "CPU 2 is out of range: expected 0..1 (machine.cpus is 2)", 3, 22,
     "/machine/numa/nodes/1/cpus/0"},
    {"NodeCpuRepeated", NUMA2("{\"id\": 1, \"cpus\": [0]}", "[[10, 20], [20, 10]]"),
     "CPU 0 is already in node 0", 3, 22, "/machine/numa/nodes/1/cpus/0"},
    {"DistanceWrongRowCount", NUMA2("{\"id\": 1, \"cpus\": [1]}", "[[10, 20]]"),
     "distance must be a 2x2 matrix (one row per node), got 1 rows", 4, 15,
     "/machine/numa/distance"},
    {"DistanceShortRow", NUMA2("{\"id\": 1, \"cpus\": [1]}", "[[10, 20], [20]]"),
     "distance row 1 has 1 entries, expected 2", 4, 26, "/machine/numa/distance/1"},
    {"DistanceDiagonalNot10", NUMA2("{\"id\": 1, \"cpus\": [1]}", "[[10, 20], [20, 11]]"),
     "distance from node 1 to itself must be 10 (LOCAL_DISTANCE), got 11", 4, 31,
     "/machine/numa/distance/1/1"},
    {"DistanceRemoteNotAboveLocal", NUMA2("{\"id\": 1, \"cpus\": [1]}", "[[10, 10], [20, 10]]"),
     "distance 10 from node 0 to node 1 is invalid: remote distances must be 11..255", 4, 21,
     "/machine/numa/distance/0/1"},
    {"DistanceAboveU8", NUMA2("{\"id\": 1, \"cpus\": [1]}", "[[10, 256], [20, 10]]"),
     "distance 256 is out of range: expected 10..255", 4, 21, "/machine/numa/distance/0/1"},
    {"NumaRangeReversed",
     HDR " \"machine\": {" E820 ", \"numa\": {\"nodes\": [{\"id\": 0, \"ranges\":\n"
         "  [[\"0x2000\", \"0x1000\"]]}]}}}",
     "range start 0x2000 is above its end 0x1000", 3, 4, "/machine/numa/nodes/0/ranges/0"},
    {"NumaRangeNotAPair",
     HDR " \"machine\": {" E820 ", \"numa\": {\"nodes\": [{\"id\": 0, \"ranges\":\n"
         "  [[\"0x0\"]]}]}}}",
     "a node range must be [start, end]", 3, 4, "/machine/numa/nodes/0/ranges/0"},
    {"NumaNoNodes", HDR " \"machine\": {" E820 ", \"numa\": {\"nodes\":\n  []}}}", "nodes is empty",
     3, 3, "/machine/numa/nodes"},

    // --- kernel profile, sysctl, kernel image ---
    {"BadKernelVersion", HDR " \"machine\": {" E820 ", \"kernel\": {\"version\":\n  \"6.6\"}}}",
     "kernel version \"6.6\" is not supported: expected \"6.12\" or \"6.1\"", 3, 3,
     "/machine/kernel/version"},
    {"SlabNeeds61", HDR " \"machine\": {" E820 ", \"kernel\": {\"slab\":\n  \"slab\"}}}",
     "classic SLAB) was removed in Linux 6.8: it needs \"version\": \"6.1\"", 3, 3,
     "/machine/kernel/slab"},
    {"SlabUnknown", HDR " \"machine\": {" E820 ", \"kernel\": {\"slab\":\n  \"slob\"}}}",
     "slab \"slob\" is not an allocator", 3, 3, "/machine/kernel/slab"},
    {"KernelKeyTypo", HDR " \"machine\": {" E820 ", \"kernel\": {\n  \"verison\": \"6.1\"}}}",
     "unknown key \"verison\" in machine.kernel; did you mean \"version\"?", 3, 3,
     "/machine/kernel/verison"},
    {"PcpNotBool", HDR " \"machine\": {" E820 ", \"kernel\": {\"pcp\":\n  \"yes\"}}}",
     "pcp must be true or false", 3, 3, "/machine/kernel/pcp"},
    {"WatermarkScaleFactorRange",
     HDR " \"machine\": {" E820 ", \"sysctl\": {\"vm.watermark_scale_factor\":\n  0}}}",
     "vm.watermark_scale_factor 0 is out of range: expected 1..3000", 3, 3,
     "/machine/sysctl/vm.watermark_scale_factor"},
    {"LowmemReserveRatioLength",
     HDR " \"machine\": {" E820 ", \"sysctl\": {\"vm.lowmem_reserve_ratio\":\n  [256, 32]}}}",
     "vm.lowmem_reserve_ratio must have 5 entries", 3, 3,
     "/machine/sysctl/vm.lowmem_reserve_ratio"},
    {"SysctlUnknownKey",
     HDR " \"machine\": {" E820 ", \"sysctl\": {\n  \"vm.min_free_kbyte\": 1}}}",
     "did you mean \"vm.min_free_kbytes\"?", 3, 3, "/machine/sysctl/vm.min_free_kbyte"},
    {"KernelImageMissingSize",
     HDR " \"machine\": {" E820 ", \"kernel_image\":\n  {\"addr\": \"16M\"}}}",
     "missing required key \"size\" in kernel_image", 3, 3, "/machine/kernel_image"},

    // --- boot ---
    {"BootNeitherAutoNorArray", HDR MACHINE ", \"boot\":\n  \"manual\"}",
     "boot must be \"auto\" or an array of boot steps, got a string \"manual\"", 3, 3, "/boot"},
    {"BootObject", HDR MACHINE ", \"boot\":\n  {\"op\": \"memblock_add\"}}",
     "boot must be \"auto\" or an array of boot steps, got an object", 3, 3, "/boot"},
    {"StepNotObject", BOOT("\n  \"memblock_add\""), "a step must be an object", 3, 3, "/boot/0"},
    {"StepMissingOp", BOOT("\n  {\"base\": 0}"), "missing required key \"op\" in a step", 3, 3,
     "/boot/0"},
    {"OpNotString", BOOT("{\"op\":\n  7}"), "op must be a string, got an integer 7", 3, 3,
     "/boot/0/op"},
    {"UnknownOpWithSuggestion",
     BOOT("{\"op\":\n  \"memblock_reserv\", \"base\": 0, \"size\": 4096}"),
     "unknown op \"memblock_reserv\" in \"boot\"; did you mean \"memblock_reserve\"?", 3, 3,
     "/boot/0/op"},
    {"UnknownOpListsOps", BOOT("{\"op\":\n  \"frobnicate\"}"),
     "unknown op \"frobnicate\" in \"boot\" (ops valid here: memblock_add, memblock_reserve,", 3, 3,
     "/boot/0/op"},
    {"PostBootOpInBoot", BOOT("{\"op\":\n  \"free_reserved_area\", \"base\": 0, \"size\": 1}"),
     "op \"free_reserved_area\" is not a boot op: it is valid only in \"steps\"", 3, 3,
     "/boot/0/op"},
    {"BootOpInSteps", HDR MACHINE ",\n \"steps\": [{\"op\":\n  \"memblock_add\"}]}",
     "op \"memblock_add\" is a boot op: it is valid only in \"boot\"", 4, 3, "/steps/0/op"},
    {"StepsNotArray", HDR MACHINE ", \"steps\":\n  {}}", "steps must be an array, got an object", 3,
     3, "/steps"},
    {"MissingRequiredField", BOOT("\n  {\"op\": \"memblock_add\", \"base\": 0}"),
     "missing required field \"size\" in a memblock_add step", 3, 3, "/boot/0"},
    {"MissingRequiredNidOfSetNode",
     BOOT("\n  {\"op\": \"memblock_set_node\", \"base\": 0, \"size\": 4096}"),
     "missing required field \"nid\" in a memblock_set_node step", 3, 3, "/boot/0"},
    {"UnknownFieldWithSuggestion",
     BOOT("{\"op\": \"memblock_add\", \"base\": 0, \"size\": 4096,\n  \"sise\": 1}"),
     "unknown key \"sise\" in a memblock_add step; did you mean \"size\"?", 3, 3, "/boot/0/sise"},
    {"BadNid", BOOT("{\"op\": \"memblock_add\", \"base\": 0, \"size\": 4096, \"nid\":\n  2000}"),
     "nid 2000 is out of range: expected -1 (NUMA_NO_NODE), 0..1023 or 1024 (MAX_NUMNODES: no "
     "node)",
     3, 3, "/boot/0/nid"},
    {"NidBelowNoNode",
     BOOT("{\"op\": \"memblock_alloc\", \"size\": 4096, \"align\": 64, \"nid\":\n  -2}"),
     "nid -2 is out of range", 3, 3, "/boot/0/nid"},
    {"BadStepSize", BOOT("{\"op\": \"memblock_reserve\", \"base\": 0, \"size\":\n  \"4 K\"}"),
     "size \"4 K\" does not parse", 3, 3, "/boot/0/size"},
    {"BadFlagsEntry",
     BOOT("{\"op\": \"memblock_add\", \"base\": 0, \"size\": 1, \"flags\": [\"MIRROR\",\n  "
          "\"HOTPLUGG\"]}"),
     "unknown flag \"HOTPLUGG\"; did you mean \"HOTPLUG\"?", 3, 3, "/boot/0/flags/1"},
    {"FlagsNotArray",
     BOOT("{\"op\": \"memblock_add\", \"base\": 0, \"size\": 1, \"flags\":\n  \"MIRROR\"}"),
     "flags must be an array, got a string \"MIRROR\"", 3, 3, "/boot/0/flags"},
    {"FlagListedTwice",
     BOOT("{\"op\": \"memblock_add\", \"base\": 0, \"size\": 1, \"flags\": [\"NOMAP\",\n  "
          "\"NOMAP\"]}"),
     "flag \"NOMAP\" is listed twice", 3, 3, "/boot/0/flags/1"},
    {"BadEnumValue",
     BOOT("{\"op\": \"memblock_alloc\", \"size\": 1, \"align\": 1, \"api\":\n  "
          "\"memblock_alloc_tri_nid\"}"),
     "api \"memblock_alloc_tri_nid\" is not valid; did you mean \"memblock_alloc_try_nid\"?", 3, 3,
     "/boot/0/api"},
    {"AsNotIdentifier",
     BOOT("{\"op\": \"memblock_alloc\", \"size\": 1, \"align\": 1, \"as\":\n  \"2 x\"}"),
     "as name \"2 x\" is not an identifier", 3, 3, "/boot/0/as"},
    {"EnableNotBool", BOOT("{\"op\": \"memblock_set_bottom_up\", \"enable\":\n  1}"),
     "enable must be true or false, got an integer 1", 3, 3, "/boot/0/enable"},
    {"NoteNotString", BOOT("{\"op\": \"memblock_dump\", \"note\":\n  5}"),
     "note must be a string, got an integer 5", 3, 3, "/boot/0/note"},
    {"SecondStepIsBad",
     BOOT("{\"op\": \"memblock_dump\"},\n  {\"op\": \"memblock_reserve\", \"base\": \"1M\"}"),
     "missing required field \"size\" in a memblock_reserve step", 3, 3, "/boot/1"},

    // --- columns count characters, not bytes ---
    {"ColumnCountsCodePoints",
     HDR " \"title\": \"h\xC3\xA9llo \xE2\x86\x92 w\xC3\xB6rld\", \"seed\": -1," MACHINE "}",
     "seed -1 is negative", 2, 36, "/seed"},
};

class ScenarioLoadMalformed : public ::testing::TestWithParam<BadCase> {};

TEST_P(ScenarioLoadMalformed, ReportsMessageLineColAndPointer) {
    const BadCase& c = GetParam();
    try {
        loadScenario(c.text, "bad.json");
        FAIL() << "loaded without error:\n" << c.text;
    } catch (const InputError& e) {
        EXPECT_NE(e.message().find(c.substr), std::string::npos)
            << "message: " << e.message() << "\nexpected to contain: " << c.substr;
        EXPECT_EQ(e.loc().file, "bad.json");
        EXPECT_EQ(e.loc().line, c.line) << e.what();
        EXPECT_EQ(e.loc().col, c.col) << e.what();
        EXPECT_EQ(e.pointer(), c.pointer) << e.what();
        // what() is "file:line:col: error: message (at pointer)".
        std::string head = "bad.json:" + std::to_string(c.line) + ":" + std::to_string(c.col) +
                           ": error: " + e.message();
        EXPECT_EQ(std::string(e.what()).rfind(head, 0), 0u) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(ScenarioLoad, ScenarioLoadMalformed, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& info) {
                             return std::string(info.param.name);
                         });

TEST(ScenarioLoad, AtLeastTwentyFiveMalformedCases) {
    EXPECT_GE(std::size(kBadCases), 25u);
    std::set<std::string> names;
    for (const auto& c : kBadCases)
        EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
}

// ------------------------------------------------------------------ good input

// The machine block of DESIGN.md's example.
const char* kDesignExample = R"({
  "format": "mmsim-scenario/1",
  "title": "Buddy split and merge",
  "description": "Markdown shown before the first step.",
  "seed": 1,
  "machine": {
    "cpus": 2,
    "e820": [ {"addr": "0x0", "size": "0x9fc00", "type": "usable"},
              {"addr": "0x100000", "size": "255M", "type": "usable"} ],
    "numa": { "nodes": [ {"id": 0, "ranges": [["0x0", "0x7fffffff"]], "cpus": [0]},
                         {"id": 1, "ranges": [["0x80000000", "0xffffffff"]], "cpus": [1]} ],
              "distance": [[10, 20], [20, 10]] },
    "cmdline": "movablecore=64M",
    "kernel": { "version": "6.12", "slab": "slub" }
  },
  "boot": "auto",
  "steps": []
})";

TEST(ScenarioLoad, DesignExampleMachineLoads) {
    Scenario sc = loadScenario(kDesignExample, "design.json");
    EXPECT_EQ(sc.file, "design.json");
    EXPECT_EQ(sc.format, "mmsim-scenario/1");
    EXPECT_EQ(sc.title, "Buddy split and merge");
    EXPECT_EQ(sc.description, "Markdown shown before the first step.");
    EXPECT_EQ(sc.seed, 1u);
    const MachineSpec& m = sc.machine;
    EXPECT_EQ(m.cpus, 2);
    ASSERT_EQ(m.e820.size(), 2u);
    EXPECT_EQ(m.e820[0].addr, 0u);
    EXPECT_EQ(m.e820[0].size, 0x9fc00u);
    EXPECT_EQ(m.e820[0].type, 1u);
    EXPECT_EQ(m.e820[1].addr, 0x100000u);
    EXPECT_EQ(m.e820[1].size, 255ull << 20);
    ASSERT_EQ(m.nodes.size(), 2u);
    EXPECT_EQ(m.nodes[0].id, 0);
    ASSERT_EQ(m.nodes[0].ranges.size(), 1u);
    // Inclusive ends in JSON, [start, end) in the spec.
    EXPECT_EQ(m.nodes[0].ranges[0], std::make_pair(std::uint64_t{0}, std::uint64_t{0x80000000}));
    EXPECT_EQ(m.nodes[1].ranges[0],
              std::make_pair(std::uint64_t{0x80000000}, std::uint64_t{0x100000000}));
    EXPECT_EQ(m.nodes[0].cpus, std::vector<int>{0});
    EXPECT_EQ(m.nodes[1].cpus, std::vector<int>{1});
    EXPECT_EQ(m.distance, (std::vector<std::vector<int>>{{10, 20}, {20, 10}}));
    EXPECT_EQ(m.cmdline, "movablecore=64M");
    EXPECT_FALSE(m.profile.is61());
    EXPECT_EQ(m.slab, "slub");
    EXPECT_TRUE(m.pcp);
    EXPECT_TRUE(m.thp);
    EXPECT_FALSE(m.kernel_image.has_value());
    EXPECT_TRUE(sc.boot_auto);
    EXPECT_TRUE(sc.boot.empty());
    EXPECT_TRUE(sc.steps.empty());
    EXPECT_EQ(sc.document["machine"]["cpus"], 2);
}

TEST(ScenarioLoad, DefaultsOfAMinimalScenario) {
    Scenario sc = loadScenario(HDR MACHINE "}", "min.json");
    EXPECT_EQ(sc.title, "");
    EXPECT_EQ(sc.seed, 1u);
    EXPECT_EQ(sc.machine.cpus, 1);
    EXPECT_TRUE(sc.machine.nodes.empty());
    EXPECT_TRUE(sc.machine.distance.empty());
    EXPECT_EQ(sc.machine.slab, "slub");
    EXPECT_FALSE(sc.machine.profile.is61());
    EXPECT_FALSE(sc.machine.sysctl.min_free_kbytes.has_value());
    EXPECT_EQ(sc.machine.sysctl.watermark_scale_factor, 10);
    EXPECT_TRUE(sc.boot_auto);
}

TEST(ScenarioLoad, KernelProfileSysctlAndRanges) {
    Scenario sc = loadScenario(R"({"$schema": "./scenario.schema.json",
      "format": "mmsim-scenario/1",
      "machine": {
        "e820": [{"addr": 0, "size": "0x9fc00", "type": "usable"},
                 {"addr": "0x9fc00", "size": "1K", "type": "reserved"},
                 {"addr": "0xe0000", "size": "128K", "type": 2},
                 {"addr": "1M", "size": "1G", "type": "usable"},
                 {"addr": "0x7fff0000", "size": "64K", "type": "ACPI data"},
                 {"addr": "0x7fff8000", "size": "32K", "type": "ACPI NVS"},
                 {"addr": "4G", "size": "1G", "type": "persistent"},
                 {"addr": "5G", "size": "1G", "type": "soft reserved"},
                 {"addr": "6G", "size": "1G", "type": "unusable"}],
        "kernel": {"version": "6.1", "slab": "slab", "pcp": false, "thp": false},
        "kernel_image": {"addr": "16M", "size": "0x2000000"},
        "initrd": {"addr": "0x30000000", "size": "20M"},
        "sysctl": {"vm.min_free_kbytes": 8192, "vm.watermark_scale_factor": 150,
                   "vm.lowmem_reserve_ratio": [256, 256, 32, 0, 0]}
      }})",
                               "k.json");
    const MachineSpec& m = sc.machine;
    std::vector<std::uint32_t> types;
    for (const auto& e : m.e820)
        types.push_back(e.type);
    EXPECT_EQ(types, (std::vector<std::uint32_t>{1, 2, 2, 1, 3, 4, 7, 0xefffffff, 5}));
    EXPECT_TRUE(m.profile.is61());
    EXPECT_EQ(m.slab, "slab");
    EXPECT_FALSE(m.pcp);
    EXPECT_FALSE(m.thp);
    ASSERT_TRUE(m.kernel_image.has_value());
    EXPECT_EQ(m.kernel_image->addr, 16u << 20);
    EXPECT_EQ(m.kernel_image->size, 32u << 20);
    ASSERT_TRUE(m.initrd.has_value());
    EXPECT_EQ(m.initrd->size, 20u << 20);
    EXPECT_EQ(m.sysctl.min_free_kbytes, 8192);
    EXPECT_EQ(m.sysctl.watermark_scale_factor, 150);
}

TEST(ScenarioLoad, ExplicitBootAndSteps) {
    const std::string text = R"({"format": "mmsim-scenario/1",
 "machine": {"e820": [{"addr": 0, "size": "1G", "type": "usable"}]},
 "boot": [
   {"op": "memblock_add", "base": "0x1000", "size": "0x9e000", "nid": 0,
    "caller": "e820__memblock_setup+0x73/0xb0"},
   {"op": "memblock_add", "base": "1M", "size": "1023M", "flags": ["HOTPLUG", "MIRROR"]},
   {"op": "memblock_set_node", "base": 0, "size": "0xffffffffffffffff", "nid": 1024},
   {"op": "memblock_set_bottom_up", "enable": true},
   {"op": "memblock_set_current_limit", "limit": "0x40000000"},
   {"op": "memblock_trim_memory", "align": 4096},
   {"op": "memblock_alloc", "size": 32768, "align": 64, "nid": -1, "min_addr": 0,
    "max_addr": 0, "exact_nid": false, "api": "memblock_phys_alloc_range", "as": "pgtable_1"},
   {"op": "memblock_dump", "label": "after-alloc", "note": "Look at **reserved**."},
   {"op": "free_area_init"}, {"op": "build_all_zonelists"}, {"op": "memblock_free_all"}
 ],
 "steps": [
   {"op": "memblock_dump"},
   {"op": "free_reserved_area", "base": "0x30000000", "size": "20M", "what": "initrd"}
 ]})";
    Scenario sc = loadScenario(text, "boot.json");
    EXPECT_FALSE(sc.boot_auto);
    ASSERT_EQ(sc.boot.size(), 11u);
    EXPECT_EQ(sc.boot[0].op, "memblock_add");
    EXPECT_EQ(sc.boot[0].pointer, "/boot/0");
    EXPECT_EQ(sc.boot[0].loc.line, 4);
    EXPECT_EQ(sc.boot[0].loc.col, 4);
    EXPECT_EQ(sc.boot[0].loc.file, "boot.json");
    EXPECT_EQ(sc.boot[0].args["caller"], "e820__memblock_setup+0x73/0xb0");
    EXPECT_EQ(parseSize(sc.boot[1].args["size"]), 1023ull << 20);
    EXPECT_EQ(sc.boot[6].args["as"], "pgtable_1");
    EXPECT_EQ(sc.boot[7].args["label"], "after-alloc");
    EXPECT_EQ(sc.boot[10].op, "memblock_free_all");
    ASSERT_EQ(sc.steps.size(), 2u);
    EXPECT_EQ(sc.steps[1].op, "free_reserved_area");
    EXPECT_EQ(sc.steps[1].pointer, "/steps/1");
    EXPECT_EQ(sc.steps[1].loc.line, 18);
    EXPECT_EQ(sc.steps[1].loc.col, 4);
}

TEST(ScenarioLoad, ErrorAtNamesTheValueOrItsNearestParent) {
    Scenario sc = loadScenario(HDR MACHINE ",\n \"boot\": [\n  {\"op\": \"memblock_reserve\", "
                                           "\"base\": 0, \"size\": 4096}]}",
                               "r.json");
    InputError e = sc.errorAt("/boot/0/size", "double reserve");
    EXPECT_EQ(e.loc().file, "r.json");
    EXPECT_EQ(e.loc().line, 4);
    EXPECT_EQ(e.loc().col, 49);
    EXPECT_STREQ(e.what(), "r.json:4:49: error: double reserve (at /boot/0/size)");
    InputError missing = sc.errorAt("/boot/0/nid", "no nid");
    EXPECT_EQ(missing.loc().line, 4);
    EXPECT_EQ(missing.loc().col, 3); // the step object
    EXPECT_EQ(missing.pointer(), "/boot/0/nid");
}

TEST(ScenarioLoad, MissingFileIsAnInputError) {
    try {
        loadScenarioFile("/nonexistent/dir/none.json");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.loc().file, "/nonexistent/dir/none.json");
        EXPECT_NE(e.message().find("cannot open scenario"), std::string::npos);
    }
}

TEST(ScenarioLoad, LoadsAFileAndNamesItInErrors) {
    std::string path = ::testing::TempDir() + "mmsim_scenario_load_test.json";
    {
        std::ofstream out(path);
        out << HDR " \"machine\": {\"cpus\": 0, " E820 "}}";
    }
    try {
        loadScenarioFile(path);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.loc().file, path);
        EXPECT_EQ(e.loc().line, 2);
        EXPECT_EQ(e.loc().col, 22);
    }
    {
        std::ofstream out(path);
        out << HDR MACHINE "}";
    }
    EXPECT_EQ(loadScenarioFile(path).file, path);
    std::remove(path.c_str());
}

// ------------------------------------------------------------------ sizes

TEST(ScenarioLoad, MemparseTable) {
    struct Row {
        const char* text;
        std::optional<std::uint64_t> value;
    };
    const Row rows[] = {
        {"64M", 64ull << 20},
        {"0x9fc00", 0x9fc00},
        {"0X9FC00", 0x9fc00},
        {"2G", 2ull << 30},
        {"1t", 1ull << 40},
        {"4k", 4096},
        {"3P", 3ull << 50},
        {"15E", 15ull << 60},
        {"0x10M", 16ull << 20},
        {"0x1E", 0x1e}, // E is a hex digit here, as in the kernel
        {"010", 8},     // leading 0: octal, as simple_strtoull(.., 0)
        {"0", 0},
        {"00", 0},
        {"4096", 4096},
        {"18446744073709551615", 18446744073709551615ull},
        {"0xffffffffffffffff", ~0ull},
        {"16383P", 16383ull << 50},
        // Rejected (the kernel would silently accept a prefix of these or wrap).
        {"18446744073709551616", std::nullopt},
        {"0x10000000000000000", std::nullopt},
        {"16E", std::nullopt},
        {"16384P", std::nullopt},
        {"08", std::nullopt},
        {"0x", std::nullopt},
        {"0xg", std::nullopt},
        {"", std::nullopt},
        {"M", std::nullopt},
        {"-1", std::nullopt},
        {" 1", std::nullopt},
        {"1 ", std::nullopt},
        {"64MB", std::nullopt},
        {"12Q", std::nullopt},
        {"1.5G", std::nullopt},
        {"1KK", std::nullopt},
    };
    for (const auto& r : rows)
        EXPECT_EQ(memparse(r.text), r.value) << "memparse(\"" << r.text << "\")";
}

TEST(ScenarioLoad, ParseSizeKinds) {
    EXPECT_EQ(parseSize(json(4096)), 4096u);
    EXPECT_EQ(parseSize(json(0)), 0u);
    EXPECT_EQ(parseSize(json(18446744073709551615ull)), 18446744073709551615ull);
    EXPECT_EQ(parseSize(json("2G")), 2ull << 30);
    EXPECT_EQ(parseSize(json(-1)), std::nullopt);
    EXPECT_EQ(parseSize(json(1.5)), std::nullopt);
    EXPECT_EQ(parseSize(json(4096.0)), std::nullopt);
    EXPECT_EQ(parseSize(json(true)), std::nullopt);
    EXPECT_EQ(parseSize(json(nullptr)), std::nullopt);
    EXPECT_EQ(parseSize(json::array()), std::nullopt);
    EXPECT_EQ(parseSize(json("nope")), std::nullopt);
}

// ------------------------------------------------------------------ op table

TEST(ScenarioLoad, OpTablePhases) {
    EXPECT_NE(findOp("memblock_add", true), nullptr);
    EXPECT_EQ(findOp("memblock_add", false), nullptr);
    EXPECT_NE(findOp("memblock_dump", true), nullptr);
    EXPECT_NE(findOp("memblock_dump", false), nullptr);
    EXPECT_NE(findOp("free_reserved_area", false), nullptr);
    EXPECT_EQ(findOp("free_reserved_area", true), nullptr);
    EXPECT_NE(findOpAnyPhase("free_reserved_area"), nullptr);
    EXPECT_EQ(findOpAnyPhase("nope"), nullptr);
    std::set<std::string_view> names;
    for (const auto& op : scenarioOps()) {
        EXPECT_TRUE(names.insert(op.name).second) << "duplicate op " << op.name;
        std::set<std::string_view> fields{"op"};
        for (const auto& f : commonStepFields())
            fields.insert(f.name);
        for (const auto& f : op.fields) {
            EXPECT_TRUE(fields.insert(f.name).second) << op.name << ": duplicate " << f.name;
            if (f.kind == FieldKind::Enum || f.kind == FieldKind::Flags) {
                EXPECT_FALSE(f.choices.empty()) << op.name << "." << f.name;
            }
        }
    }
}

// Every op in the table is in scenarios/scenario.schema.json, valid in the
// same phases, with the same fields and the same required ones (and the
// schema names no op the table lacks).
TEST(ScenarioLoad, SchemaDescribesEveryOp) {
    std::ifstream in(MMSIM_SCENARIOS "/scenario.schema.json");
    ASSERT_TRUE(in) << "cannot open " MMSIM_SCENARIOS "/scenario.schema.json";
    json schema = json::parse(in);
    EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    const json& defs = schema["$defs"];
    auto opEnum = [&](const char* def) {
        std::set<std::string> s;
        for (const auto& n : defs[def]["properties"]["op"]["enum"])
            s.insert(n.get<std::string>());
        return s;
    };
    std::set<std::string> bootOps = opEnum("bootStep"), stepOps = opEnum("step");
    std::set<std::string> tableBoot, tableSteps;
    for (const auto& op : scenarioOps()) {
        std::string name(op.name);
        if (op.validIn(true)) tableBoot.insert(name);
        if (op.validIn(false)) tableSteps.insert(name);
        ASSERT_TRUE(defs.contains("op_" + name)) << "schema lacks $defs/op_" << name;
        const json& d = defs["op_" + name];
        EXPECT_EQ(d["properties"]["op"]["const"], name);
        EXPECT_EQ(d["additionalProperties"], false) << name;
        std::set<std::string> props, required, tableFields{"op"}, tableRequired{"op"};
        for (const auto& [k, v] : d["properties"].items())
            props.insert(k);
        for (const auto& r : d["required"])
            required.insert(r.get<std::string>());
        for (const auto& f : op.fields) {
            tableFields.insert(std::string(f.name));
            if (f.required) tableRequired.insert(std::string(f.name));
            if (f.kind == FieldKind::Enum) {
                std::vector<std::string> choices(f.choices.begin(), f.choices.end());
                EXPECT_EQ(d["properties"][std::string(f.name)]["enum"], json(choices))
                    << name << "." << f.name;
            }
        }
        for (const auto& f : commonStepFields())
            tableFields.insert(std::string(f.name));
        EXPECT_EQ(props, tableFields) << name;
        EXPECT_EQ(required, tableRequired) << name;
        // Each op's if/then is wired in the phase lists.
        for (const char* list : {"bootStep", "step"}) {
            bool listed = (std::string(list) == "bootStep") ? op.validIn(true) : op.validIn(false);
            bool wired = false;
            for (const auto& rule : defs[list]["allOf"])
                if (rule["if"]["properties"]["op"]["const"] == name &&
                    rule["then"]["$ref"] == "#/$defs/op_" + name)
                    wired = true;
            EXPECT_EQ(wired, listed) << name << " in " << list;
        }
    }
    EXPECT_EQ(bootOps, tableBoot);
    EXPECT_EQ(stepOps, tableSteps);
}

} // namespace
