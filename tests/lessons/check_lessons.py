#!/usr/bin/env python3
"""The lesson library's acceptance test (issue 7).

usage: check_lessons.py [--time-limit S] MMSIM_CLI SCENARIO_OR_DOC...

For every scenario:
  - `mmsim-cli check` exits 0: it loads, runs to its end headless and every
    expect (and every predict's computed answer) holds;
  - that run takes less than 2 seconds of wall time (a coarse bound from the
    issue's acceptance criteria, not a benchmark: the figure is printed);
  - it is a lesson: a title, a description, at least one predict and one
    expect step, and a note on most of its operation steps.
A Markdown file (a guide) is searched for ```json blocks holding a whole
scenario ("format": "mmsim-scenario/1"); each must pass `mmsim-cli check`
too, so the examples of the documentation keep working.
--time-limit changes the 2 s bound (sanitizer builds run several times
slower; the bound of the issue is about normal builds).
Exit 0 when every scenario passes, 1 otherwise.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
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
    global TIME_LIMIT_S
    args = argv[1:]
    if len(args) >= 2 and args[0] == "--time-limit":
        TIME_LIMIT_S = float(args[1])
        args = args[2:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cli, paths = args[0], args[1:]
    failed = 0
    tmpdir = tempfile.mkdtemp(prefix="mmsim-lessons-")
    expanded = []
    for path in paths:
        if not path.endswith(".md"):
            expanded.append((path, path, True))
            continue
        text = open(path, encoding="utf-8").read()
        blocks = [b for b in re.findall(r"```json\n(.*?)```", text, re.S) if "mmsim-scenario/1" in b]
        if not blocks:
            print(f"FAIL: {path}: no scenario example found")
            failed += 1
        for i, b in enumerate(blocks):
            example = os.path.join(tmpdir, f"{os.path.basename(path)}.{i}.json")
            with open(example, "w", encoding="utf-8") as f:
                f.write(b)
            expanded.append((f"{path} (example {i + 1})", example, False))
    for label, path, is_lesson in expanded:
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
        if is_lesson:
            problems += lesson_problems(doc)
        if problems:
            failed += 1
            print(f"FAIL: {label} ({elapsed:.2f} s)")
            for p in problems:
                print(f"  - {p}")
        else:
            print(f"ok: {label} ({elapsed:.2f} s)")
    print(f"{len(expanded) - failed} of {len(expanded)} scenarios pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
