// compileScenario(): the scenario's steps flattened into the operations a
// run executes. `repeat` contributes its body `times` times; `workload`
// contributes the operations its seeded generator makes; every other step
// is one operation. The compiled program is shared read-only by every copy
// of a Simulation (timeline checkpoints, prediction dry runs).
#include "core/simulation.h"

#include "core/gfp.h"
#include "core/json_locator.h"

#include <set>

namespace mmsim {

namespace {

// Far more than a lesson needs, and small enough (an Op is 16 bytes) to keep
// a mistyped "times" from eating the machine.
constexpr std::size_t kMaxOps = 50'000'000;

class Compiler {
  public:
    explicit Compiler(Program& p) : p_(p) {}

    void add(const Step& s) {
        const Scenario& sc = p_.scenario;
        if (s.op == "repeat") {
            const std::uint64_t times = s.args.at("times").get<std::uint64_t>();
            for (std::uint64_t t = 0; t < times; ++t) {
                for (const Step& c : s.children)
                    add(c);
                if (p_.ops.size() > kMaxOps)
                    throw sc.errorAt(s.pointer + "/times", "the scenario expands to more than " +
                                                               std::to_string(kMaxOps) +
                                                               " operations");
            }
            if (s.args.contains("label") && !p_.ops.empty())
                p_.labels.emplace_back(s.args["label"].get<std::string>(), p_.ops.size() - 1);
            return;
        }
        if (s.op == "workload") {
            WorkloadSpec spec = parseWorkload(s.args, s.pointer);
            for (std::size_t i = 0; i < spec.gfp.size(); ++i) {
                std::string err;
                if (!parseGfp(spec.gfp[i].first, sc.machine.profile, &err))
                    throw sc.errorAt(s.pointer + "/gfp/" + jsonPointerEscape(spec.gfp[i].first),
                                     err);
            }
            for (std::size_t i = 0; i < spec.cpus.size(); ++i)
                if (spec.cpus[i] >= sc.machine.cpus)
                    throw sc.errorAt(s.pointer + "/cpus/" + std::to_string(i),
                                     "cpu " + std::to_string(spec.cpus[i]) +
                                         " does not exist (the machine has " +
                                         std::to_string(sc.machine.cpus) + ")");
            if (spec.count > kMaxOps)
                throw sc.errorAt(s.pointer + "/count", "a workload of more than " +
                                                           std::to_string(kMaxOps) + " operations");
            // kmem_cache_alloc's caches: a kmalloc cache, or one an earlier
            // step creates (one destroyed since refuses its step at run time).
            const SlabPolicy policy =
                sc.machine.slab == "slab" ? SlabPolicy::Slab : SlabPolicy::Slub;
            for (const auto& [name, w] : spec.caches)
                if (!created_.count(name) && !isKmallocCacheName(policy, name))
                    throw sc.errorAt(s.pointer + "/caches/" + jsonPointerEscape(name),
                                     "no cache named '" + name +
                                         "' exists before this workload: create it with an "
                                         "earlier kmem_cache_create step, or name a kmalloc "
                                         "cache (kmalloc-64, ...)");
            const std::size_t first = p_.work.size();
            p_.nr_slots +=
                generateWorkload(spec, workloadSeed(sc.seed, spec, s.pointer, instance_++),
                                 p_.nr_slots, p_.gfp_names, p_.cache_names, p_.work);
            for (std::size_t i = first; i < p_.work.size(); ++i)
                p_.ops.push_back({Op::Work, static_cast<std::uint32_t>(i), &s});
            if (p_.ops.size() > kMaxOps)
                throw sc.errorAt(s.pointer, "the scenario expands to more than " +
                                                std::to_string(kMaxOps) + " operations");
            if (s.args.contains("label") && p_.work.size() > first)
                p_.labels.emplace_back(s.args["label"].get<std::string>(), p_.ops.size() - 1);
            return;
        }
        if (s.op == "expect" && !p_.expects.count(&s))
            p_.expects.emplace(&s, parseExpect(s.args, s.pointer));
        if (s.op == "predict" && !p_.predicts.count(&s))
            p_.predicts.emplace(&s, parsePredict(s.args, s.pointer));
        p_.ops.push_back({Op::Step, 0, &s});
        if (s.op == "kmem_cache_create" && s.args.contains("name") && s.args["name"].is_string())
            created_.insert(s.args["name"].get<std::string>());
        if (s.op == "label")
            p_.labels.emplace_back(s.args["name"].get<std::string>(), p_.ops.size() - 1);
        if (s.args.contains("label"))
            p_.labels.emplace_back(s.args["label"].get<std::string>(), p_.ops.size() - 1);
    }

  private:
    Program& p_;
    std::uint64_t instance_ = 0;
    std::set<std::string> created_; // caches kmem_cache_create steps so far create
};

} // namespace

std::shared_ptr<const Program> compileScenario(Scenario scenario) {
    auto p = std::make_shared<Program>();
    p->scenario = std::move(scenario);
    const Scenario& sc = p->scenario;
    if (sc.boot_auto) {
        p->ops.push_back({Op::AutoBoot, 0, nullptr});
    } else {
        for (const Step& s : sc.boot)
            p->ops.push_back({Op::BootStep, 0, &s});
    }
    Compiler c(*p);
    try {
        for (const Step& s : sc.steps)
            c.add(s);
    } catch (const SpecError& e) {
        throw sc.errorAt(e.pointer, e.message);
    }
    for (const std::string& g : p->gfp_names)
        p->gfp_flags.push_back(*parseGfp(g, sc.machine.profile, nullptr));
    // A prediction about the next allocation needs one after it.
    bool alloc_after = false;
    for (std::size_t i = p->ops.size(); i-- > 0;) {
        const Op& op = p->ops[i];
        if (op.kind == Op::Work && p->work[op.work].kind == WorkOp::AllocPages) alloc_after = true;
        if (op.kind == Op::Step && op.step->op == "alloc_pages") alloc_after = true;
        if (op.kind == Op::Step && op.step->op == "predict" && !alloc_after &&
            !p->predicts.at(op.step).about.empty())
            throw sc.errorAt(op.step->pointer + "/about",
                             "no allocation follows this prediction about the next allocation");
    }
    return p;
}

} // namespace mmsim
