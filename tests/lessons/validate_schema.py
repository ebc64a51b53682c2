#!/usr/bin/env python3
"""Validates scenarios against scenarios/scenario.schema.json (JSON Schema
draft 2020-12) with the jsonschema package (Debian: python3-jsonschema).

usage: validate_schema.py SCHEMA --valid FILE... --invalid FILE...

Every --valid file must validate; every --invalid file must be rejected
(so the validator is shown to fail on bad input). Exit 0 when all is as
expected, 1 otherwise, 2 when the validator cannot run.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_schema: the jsonschema module is missing "
          "(apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)  # the schema itself must be valid
    validator = validator_cls(schema)
    mode, valid, invalid = None, [], []
    for a in argv[2:]:
        if a in ("--valid", "--invalid"):
            mode = a
        elif mode == "--valid":
            valid.append(a)
        elif mode == "--invalid":
            invalid.append(a)
        else:
            print(f"validate_schema: {a}: say --valid or --invalid first", file=sys.stderr)
            return 2
    if not valid or not invalid:
        print("validate_schema: need at least one valid and one invalid file", file=sys.stderr)
        return 2
    failures = 0
    for path in valid:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            failures += 1
            for e in errors[:5]:
                where = "/" + "/".join(str(p) for p in e.absolute_path)
                print(f"FAIL: {path}: {where}: {e.message[:300]}")
        else:
            print(f"ok: {path}")
    for path in invalid:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except json.JSONDecodeError:
            print(f"FAIL: {path}: not JSON; an --invalid file must be JSON the schema rejects")
            failures += 1
            continue
        first = next(iter(validator.iter_errors(doc)), None)
        if first is None:
            failures += 1
            print(f"FAIL: {path}: the schema accepted a file that must be rejected")
        else:
            where = "/" + "/".join(str(p) for p in first.absolute_path)
            print(f"ok (rejected): {path}: {where}: {first.message[:200]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
