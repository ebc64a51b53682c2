// The dmesg importer's state and passes, shared by the files that make it up:
//   import_dmesg.cpp   the scenario it assembles (machine, steps, description)
//   dmesg_facts.cpp    pass 1: the facts read off the log's lines
//   dmesg_replay.cpp   the boot array replaying the memblock=debug calls and
//                      checking the MEMBLOCK dumps
//   dmesg_numa.cpp     the NUMA set-up and zonelist order the kernel does
//                      without printing it
// Internal to the dmesg importer.
#pragma once

#include "core/dmesg_cursor.h"
#include "core/dmesg_log.h"
#include "core/dmesg_ranges.h"

#include "core/error.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mmsim::dmesg {

using ojson = nlohmann::ordered_json;

// ---------------------------------------------------------------- log facts

struct SratBlock {
    u64 start = 0, end = 0; // [start, end)
    int nid = 0;
    bool hotplug = false;
    std::size_t line = 0;
};

struct MergeLine {
    int nid;
    u64 a0, a1, b0, b1, r0, r1; // inclusive ends, as printed
    std::size_t line;
    bool operator==(const MergeLine& o) const {
        return nid == o.nid && a0 == o.a0 && a1 == o.a1 && b0 == o.b0 && b1 == o.b1 && r0 == o.r0 &&
               r1 == o.r1;
    }
};

struct FreeingLine {
    std::string what;
    u64 kb = 0;
    std::size_t line = 0;
};

// A boot step over a range: {"op", "base", "size"[, "caller"]}.
ojson rangeStep(const char* op, u64 base, u64 size, const std::string& caller = {});

// ---------------------------------------------------------------- importer

class Importer {
  public:
    Importer(const std::string& text, std::string file);

    // The scenario document (not yet checked by the loader).
    ojson run();

  private:
    const LogLine& line(std::size_t i) const { return (*L_)[i]; }
    std::size_t size() const { return L_->size(); }

    [[noreturn]] void fail(std::size_t i, std::size_t pos, const std::string& msg) const {
        const LogLine& l = line(i);
        throw InputError({file_, l.no, static_cast<int>(l.col0 + pos + 1)}, "", msg);
    }
    template <class F> auto parse(std::size_t i, F&& f) const {
        try {
            return f();
        } catch (const ParseFail& e) {
            fail(i, e.pos, e.msg);
        }
    }

    // A memblock call line or the start of a MEMBLOCK dump.
    bool opensCallOrDump(std::size_t i) const {
        return !names_[i].empty() || line(i).msg == "MEMBLOCK configuration:";
    }
    // The function that made the call printed on line i ("" when none).
    std::string callerFnAt(std::size_t i) const { return callerFn(callerOf(line(i).msg)); }

    // pass 1 (dmesg_facts.cpp)
    void scanFacts();
    u64 decAt(std::size_t i, std::size_t pos, const char* what, bool strict = true) const;
    void parseVersion(std::size_t i);
    void parseE820(std::size_t i);
    void parseSrat(std::size_t i);
    void parseBringUp(std::size_t i);
    void parseMerge(std::size_t i);

    // the scenario (import_dmesg.cpp)
    bool is61() const { return profile61_; }
    const char* profileName() const { return is61() ? "6.1" : "6.12"; }
    ojson machine();
    ojson numa();
    ojson steps();
    std::string description() const;

    // NUMA (dmesg_numa.cpp)
    std::map<int, std::vector<int>> zonelistOrders(const std::vector<int>& ids,
                                                   const std::vector<std::vector<int>>& dist,
                                                   const std::vector<int>& withMemory,
                                                   const std::set<int>& withCpus) const;
    std::optional<ojson> distances(const std::vector<int>& ids, const std::vector<int>& withMemory,
                                   const std::set<int>& withCpus);
    void numaInit();
    void numaRegister();

    // boot (dmesg_replay.cpp)
    std::size_t nextCall(std::size_t i) const;
    void findHooks();
    void emit(ojson s) { boot_.push_back(std::move(s)); }
    void runHooks(std::size_t i);
    ojson boot();
    void call(std::size_t i);
    void physAllocTryNid(std::size_t i, u64 base, u64 size);
    void alloc(std::size_t i);
    std::size_t dump(std::size_t i);

    std::string file_;
    Log log_;
    const std::vector<LogLine>* L_ = nullptr;
    std::vector<std::string> names_;

    // facts
    std::string release_, versionLine_, debianVersion_, versionNote_;
    int major_ = -1, minor_ = -1;
    bool profile61_ = false;
    std::optional<std::string> cmdline_;
    ojson e820_ = ojson::array();
    std::optional<int> cpusBrought_, cpusAllowed_, nrCpuIds_, cpusSlub_;
    int cpus_ = 1;
    std::vector<SratBlock> srat_;
    std::vector<int> pxmCpuNodes_;
    std::map<int, int> cpuNodeBringUp_;
    std::vector<MergeLine> merges_;
    std::vector<int> memorylessNodes_;
    std::map<int, std::vector<int>> fallback_; // "Fallback order for Node N: ..."
    std::string distanceNote_;
    std::optional<std::pair<u64, u64>> ramdisk_;
    std::vector<FreeingLine> freeing_;
    std::vector<std::string> notModelled_;
    bool hasMemblock_ = false;
    std::size_t zoneIdx_ = npos, zonelistIdx_ = npos, memoryIdx_ = npos;

    // boot construction
    std::size_t limitLowIdx_ = npos, limitRaiseIdx_ = npos, numaStartIdx_ = npos,
                numaLastIdx_ = npos, nodeDataAllocIdx_ = npos, registerIdx_ = npos, trioIdx_ = npos;
    ojson boot_ = ojson::array(), prefix_ = ojson::array();
    RangeSet mem_, res_;
    std::set<std::size_t> consumed_;
    bool sawE820Add_ = false, firstDumpDone_ = false, numaInitDone_ = false, freeAreaDone_ = false,
         zonelistsDone_ = false, freeAllDone_ = false, numaRuleNote_ = false, numaSkipped_ = false,
         trimEmitted_ = false;
    std::size_t calls_ = 0, dumps_ = 0, reconstructed_ = 0, skippedDouble_ = 0,
                skippedFreeLate_ = 0;
};

} // namespace mmsim::dmesg
