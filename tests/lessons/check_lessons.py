#!/usr/bin/env python3
"""The lesson library's acceptance test (issue 7).

usage: check_lessons.py MMSIM_CLI SCENARIO...

For every scenario:
  - `mmsim-cli check` exits 0: it loads, runs to its end headless and every
    expect (and every predict's computed answer) holds;
  - that run takes less than 2 seconds of wall time (a coarse bound from the
    issue's acceptance criteria, not a benchmark: the figure is printed);
  - it is a lesson: a title, a description, at least one predict and one
    expect step, and a note on most of its operation steps.
Exit 0 when every scenario passes, 1 otherwise.
"""
import json
import subprocess
import sys
import time

TIME_LIMIT_S = 2.0
# Steps that are not operations of the machine: they need no note.
CONTROL_OPS = {"expect", "predict", "label", "checkpoint", "memblock_dump"}


def walk_steps(steps):
    """Every step, with the bodies of repeat blocks."""
    for s in steps:
        yield s
        if s.get("op") == "repeat" and isinstance(s.get("steps"), list):
            yield from walk_steps(s["steps"])


def lesson_problems(doc):
    problems = []
    if not doc.get("title", "").strip():
        problems.append("no title")
    if not doc.get("description", "").strip():
        problems.append("no description")
    boot = doc.get("boot", "auto")
    steps = list(walk_steps(doc.get("steps", [])))
    ops = [s.get("op") for s in steps]
    if "predict" not in ops:
        problems.append("no predict step")
    if "expect" not in ops:
        problems.append("no expect step")
    # A note on most operation steps: of the steps after boot, and of an
    # explicit boot too unless it is a long replay (an imported log).
    def noted_share(lst):
        ops_ = [x for x in lst if x.get("op") not in CONTROL_OPS]
        return ops_, [x for x in ops_ if str(x.get("note", "")).strip()]
    for what, lst in (("steps", steps), ("boot", boot if isinstance(boot, list) else [])):
        if what == "boot" and len(lst) > 30:
            continue
        ops_, noted = noted_share(lst)
        if ops_ and len(noted) * 2 < len(ops_):
            problems.append(f"notes on only {len(noted)} of {len(ops_)} operation steps in {what}")
    return problems


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cli, paths = argv[1], argv[2:]
    failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        t0 = time.monotonic()
        r = subprocess.run([cli, "check", path], capture_output=True, text=True)
        elapsed = time.monotonic() - t0
        problems = []
        if r.returncode != 0:
            problems.append(f"mmsim-cli check exit {r.returncode}: {(r.stderr or r.stdout).strip()[:2000]}")
        if elapsed >= TIME_LIMIT_S:
            problems.append(f"took {elapsed:.2f} s, the limit is {TIME_LIMIT_S} s")
        problems += lesson_problems(doc)
        if problems:
            failed += 1
            print(f"FAIL: {path} ({elapsed:.2f} s)")
            for p in problems:
                print(f"  - {p}")
        else:
            print(f"ok: {path} ({elapsed:.2f} s)")
    print(f"{len(paths) - failed} of {len(paths)} scenarios pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
