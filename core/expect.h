// Named numbers and expectations. A lesson checks the simulated state in two
// ways: by a view's exact text (what the kernel would print in
// /proc/buddyinfo, ...) or by named numbers read from the state: a zone's
// free pages, nr_free at an order, the pageblocks of a migratetype, the
// result of the last allocation, a slab cache's active objects. The same
// names serve `expect` steps, `predict` steps (a generic question whose
// answer is such a number) and breakpoint conditions, so there is one table
// of them (namedValues()): a row per name, the parameters it needs and a
// function reading it from a Simulation. A new number is a new row.
#pragma once

#include "core/types.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmsim {

using json = nlohmann::ordered_json;
class Simulation;

// A problem found while reading a control step's body (the loader turns it
// into an InputError at 'pointer').
struct SpecError {
    std::string pointer;
    std::string message;
};

// Which number, and of what: the zone (node, zone index), the order, the
// migratetype or the slab cache the name needs.
struct ValueQuery {
    std::string name;
    int nid = 0;
    int zone = -1;
    int order = -1;
    int mt = -1;
    std::string cache;
    // "free_pages of Node 0 Normal", "nr_free of Node 0 Normal order 3"
    std::string describe() const;
};

struct NamedValue {
    std::string_view name;
    bool zone = false, order = false, migratetype = false, cache = false; // parameters needed
    std::string_view doc;
    // The value (a number, a string, or null); throws OpError when the state
    // has no such thing (no zones yet, an unknown cache).
    json (*get)(const Simulation& sim, const ValueQuery& q) = nullptr;
};
// Every named number, in documentation order.
const std::vector<NamedValue>& namedValues();
const NamedValue* findNamedValue(std::string_view name);
json evalNamedValue(const Simulation& sim, const ValueQuery& q);

// The parameter keys a query may carry beside its name.
const std::vector<std::string_view>& valueParamKeys();
// Reads the parameters (zone, order, migratetype, cache) of 'obj' into q and
// checks the name's needs. Throws SpecError.
void parseValueParams(const json& obj, const std::string& ptr, ValueQuery& q);
// A zone given as "Normal" (node 0) or {"node": 0, "zone": "Normal"}.
void parseZone(const json& v, const std::string& ptr, ValueQuery& q);
int zoneIndexByName(std::string_view name);   // -1 when unknown
int migratetypeByName(std::string_view name); // "Unmovable", ... ; -1 when unknown

// An expected value: equal to a JSON value (number, string, null, bool), or
// a comparison {"<": 10}, {">=": 3}, {"!=": 0}.
struct Expected {
    std::string op = "==";
    json value;
    std::string describe() const; // "== 3", "< 10", "null"
};
Expected parseExpected(const json& v, const std::string& ptr); // throws SpecError
bool matches(const json& actual, const Expected& e);

// A failed expectation, as `check` reports it.
struct ExpectFailure {
    std::string where; // file:line:col (pointer)
    std::string what;
    std::string expected;
    std::string actual;
};

// The body of an expect step: views by their exact text, named numbers.
struct ExpectSpec {
    std::vector<std::pair<std::string, std::string>> views; // view name, expected text
    std::vector<std::pair<ValueQuery, Expected>> values;
};
// Validates and reads an expect step object. Throws SpecError.
ExpectSpec parseExpect(const json& step, const std::string& ptr);
// The keys an expect step may carry (views, named numbers, parameters).
std::vector<std::string_view> expectKeys();
// Evaluates every expectation; one failure per unmet one ('where' names the step).
std::vector<ExpectFailure> evalExpect(const Simulation& sim, const ExpectSpec& spec,
                                      const std::string& where);

} // namespace mmsim
