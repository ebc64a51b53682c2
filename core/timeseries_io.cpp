#include "core/timeseries_io.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace mmsim {

namespace {

void appendNumber(std::string& out, double v) {
    if (std::isnan(v)) return;
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void appendNumber(std::string& out, std::uint64_t v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : line) {
        if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

template <class T> T parseNumber(const std::string& s, int line) {
    T v{};
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
        throw std::runtime_error("series CSV line " + std::to_string(line) + ": bad number '" + s +
                                 "'");
    return v;
}

SeriesSet setFromName(const std::string& n) {
    for (int i = 0; i <= static_cast<int>(SeriesSet::provider); ++i)
        if (n == seriesSetName(static_cast<SeriesSet>(i))) return static_cast<SeriesSet>(i);
    throw std::runtime_error("series JSON: unknown set '" + n + "'");
}

} // namespace

std::string seriesToCsv(const TimeSeries& ts) {
    std::string out = "step,cycle";
    for (const SeriesColumn& c : ts.columns)
        out += "," + c.name;
    out += "\n";
    for (std::size_t r = 0; r < ts.rows(); ++r) {
        appendNumber(out, ts.step[r]);
        out += ',';
        appendNumber(out, ts.cycle[r]);
        for (const auto& col : ts.values) {
            out += ',';
            appendNumber(out, col[r]);
        }
        out += '\n';
    }
    return out;
}

TimeSeries seriesFromCsv(const std::string& text) {
    TimeSeries ts;
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line)) throw std::runtime_error("series CSV: empty");
    const std::vector<std::string> head = splitCsvLine(line);
    if (head.size() < 2 || head[0] != "step" || head[1] != "cycle")
        throw std::runtime_error("series CSV: the header must start with step,cycle");
    for (std::size_t i = 2; i < head.size(); ++i) {
        SeriesColumn c;
        c.name = head[i];
        ts.columns.push_back(c);
    }
    ts.values.assign(ts.columns.size(), {});
    int n = 1;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty()) continue;
        const std::vector<std::string> f = splitCsvLine(line);
        if (f.size() != head.size())
            throw std::runtime_error("series CSV line " + std::to_string(n) + ": " +
                                     std::to_string(f.size()) + " fields, header has " +
                                     std::to_string(head.size()));
        ts.step.push_back(parseNumber<std::uint64_t>(f[0], n));
        ts.cycle.push_back(parseNumber<std::uint64_t>(f[1], n));
        for (std::size_t i = 2; i < f.size(); ++i)
            ts.values[i - 2].push_back(f[i].empty() ? TimeSeries::NaN
                                                    : parseNumber<double>(f[i], n));
    }
    return ts;
}

std::string seriesToJson(const TimeSeries& ts) {
    using nlohmann::json;
    json j;
    j["format"] = "mmsim-series/1";
    j["frag_order"] = ts.frag_order;
    j["stride"] = ts.stride;
    j["step"] = ts.step;
    j["cycle"] = ts.cycle;
    json cols = json::array();
    json vals = json::object();
    for (std::size_t i = 0; i < ts.columns.size(); ++i) {
        const SeriesColumn& c = ts.columns[i];
        json jc = {
            {"name", c.name}, {"set", seriesSetName(c.set)}, {"unit", c.unit}, {"group", c.group}};
        if (c.nid >= 0) jc["nid"] = c.nid;
        if (c.zone >= 0) jc["zone"] = c.zone;
        if (c.order >= 0) jc["order"] = c.order;
        if (c.mt >= 0) jc["mt"] = c.mt;
        cols.push_back(jc);
        json v = json::array();
        for (double x : ts.values[i])
            v.push_back(std::isnan(x) ? json(nullptr) : json(x));
        vals[c.name] = v;
    }
    j["columns"] = cols;
    j["values"] = vals;
    json paths = json::object();
    for (int p = 0; p < NR_COST_PATHS; ++p) {
        const LatencyHistogram& h = ts.paths[static_cast<std::size_t>(p)];
        paths[costPathName(static_cast<CostPath>(p))] = {{"count", h.count},
                                                         {"sum", h.sum},
                                                         {"min", h.min},
                                                         {"max", h.max},
                                                         {"buckets", h.buckets}};
    }
    j["paths"] = paths;
    return j.dump() + "\n";
}

TimeSeries seriesFromJson(const std::string& text) {
    using nlohmann::json;
    TimeSeries ts;
    try {
        const json j = json::parse(text);
        if (j.at("format") != "mmsim-series/1")
            throw std::runtime_error("series JSON: unknown format");
        ts.frag_order = j.at("frag_order").get<int>();
        ts.stride = j.at("stride").get<std::uint64_t>();
        ts.step = j.at("step").get<std::vector<std::uint64_t>>();
        ts.cycle = j.at("cycle").get<std::vector<std::uint64_t>>();
        for (const json& jc : j.at("columns")) {
            SeriesColumn c;
            c.name = jc.at("name").get<std::string>();
            c.set = setFromName(jc.at("set").get<std::string>());
            c.unit = jc.at("unit").get<std::string>();
            c.group = jc.at("group").get<std::string>();
            c.nid = jc.value("nid", -1);
            c.zone = jc.value("zone", -1);
            c.order = jc.value("order", -1);
            c.mt = jc.value("mt", -1);
            std::vector<double> v;
            for (const json& x : j.at("values").at(c.name))
                v.push_back(x.is_null() ? TimeSeries::NaN : x.get<double>());
            if (v.size() != ts.step.size())
                throw std::runtime_error("series JSON: column " + c.name + " has the wrong length");
            ts.columns.push_back(std::move(c));
            ts.values.push_back(std::move(v));
        }
        for (int p = 0; p < NR_COST_PATHS; ++p) {
            const json& h = j.at("paths").at(costPathName(static_cast<CostPath>(p)));
            LatencyHistogram& l = ts.paths[static_cast<std::size_t>(p)];
            l.count = h.at("count");
            l.sum = h.at("sum");
            l.min = h.at("min");
            l.max = h.at("max");
            l.buckets = h.at("buckets").get<decltype(l.buckets)>();
        }
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("series JSON: ") + e.what());
    }
    return ts;
}

} // namespace mmsim
