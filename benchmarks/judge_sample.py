"""How often the built-in policy agrees with a careful CTO, on real commits.

`labelled/sample.tsv` holds every 20th or 25th first-parent commit of five
public repositories, each labelled `cto` or `engineer` by reading its diff
against its first parent, against the split the README describes, *before*
the tool was run on it; `labelled/heldout.tsv`, `labelled/fresh.tsv`,
`labelled/fresh2.tsv` and `labelled/fresh3.tsv` are later samples of other
repositories, made the same way (pass them with `--sample`). This script runs `ownership-gate check` on each
commit and prints the false-alarm rate (engineer commits the tool sends to
the CTO) and the miss rate (CTO commits the tool lets through), with every
disagreement so a reader can judge the labels as well as the tool.

The repositories are not shipped: clone them (any clone whose history holds
the commits will do; `--no-checkout` is enough) into one folder, each as
`<owner>+<name>` or `<name>`, and pass that folder:

    python benchmarks/judge_sample.py --clones ~/clones

With `--only-cloned`, a commit whose repository has no clone there is
listed and counted in neither rate: a partial measure, for when not every
repository can be had.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).parent


class Row(NamedTuple):
    repository: str
    commit: str
    label: str
    why: str


def read_sample(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        repository, commit, label, why = line.split("\t")
        if label not in ("cto", "engineer"):
            raise SystemExit(f"{path}: label must be cto or engineer, not {label!r}")
        rows.append(Row(repository, commit, label, why))
    return rows


def clone_dir(clones: Path, repository: str) -> Path:
    found = find_clone(clones, repository)
    if found is None:
        owner, name = repository.split("/")
        raise SystemExit(f"no clone of {repository} in {clones} (expected {owner}+{name} or {name})")
    return found


def find_clone(clones: Path, repository: str) -> Path | None:
    owner, name = repository.split("/")
    return next((c for c in (clones / f"{owner}+{name}", clones / name) if c.is_dir()), None)


def judge(exe: str, policy: str, repo: Path, commit: str) -> tuple[str, list[str]]:
    """The level the tool requires for `commit` against its first parent, and why."""
    proc = subprocess.run(
        [exe, "check", "--base", f"{commit}^", "--head", commit, "--policy", policy, "--format", "json"],
        cwd=repo, capture_output=True, text=True, check=False,
    )
    if proc.returncode not in (0, 1):
        return "error", [proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"]
    doc = json.loads(proc.stdout)
    level = doc["required_level"]
    findings = [f for change in doc["changes"] for f in change["findings"] if f.get("rule") and f["level"] == level]
    reasons = sorted({f"{f['rule']}: {f['type']}/{f['kind'] or '-'} {f['subject']}" for f in findings})
    return level, reasons


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=Path, required=True, help="folder holding a clone of each repository")
    parser.add_argument("--sample", type=Path, default=HERE / "labelled" / "sample.tsv", help="the labelled sample")
    parser.add_argument("--policy", default="builtin:startup", help="policy to judge with (default: %(default)s)")
    parser.add_argument("--exe", default="ownership-gate", help="the ownership-gate command (default: %(default)s)")
    parser.add_argument("--top", default="cto", help="the label that means 'needs sign-off' (default: %(default)s)")
    parser.add_argument("--only-cloned", action="store_true",
                        help="judge the commits whose repository has a clone, and list the others")
    args = parser.parse_args(argv)

    exe = shutil.which(args.exe)
    exe = os.path.abspath(exe) if exe else None
    if exe is None:
        raise SystemExit(f"{args.exe}: not found (install ownership-gate, or pass --exe)")
    rows = read_sample(args.sample)
    uncloned = [r for r in rows if args.only_cloned and find_clone(args.clones, r.repository) is None]
    rows = [r for r in rows if r not in uncloned]
    alarms, misses, errors = [], [], []
    for row in rows:
        level, reasons = judge(exe, args.policy, clone_dir(args.clones, row.repository), row.commit)
        if level == "error":
            errors.append((row, reasons))
            continue
        says_top = level == args.top
        if says_top and row.label != args.top:
            alarms.append((row, reasons))
        elif not says_top and row.label == args.top:
            misses.append((row, reasons))

    # A commit that could not be judged counts in neither rate; it is listed, and the exit code says so.
    judged = [r for r in rows if all(r is not e for e, _ in errors)]
    top = sum(r.label == args.top for r in judged)
    routine = len(judged) - top
    for title, items in (("false alarms", alarms), ("misses", misses), ("errors", errors)):
        if items:
            print(f"{title}:")
            for row, reasons in items:
                print(f"  {row.repository} {row.commit[:10]} [{row.label}: {row.why}]")
                for reason in reasons[:4]:
                    print(f"      {reason}")
    if uncloned:
        missing = sorted({r.repository for r in uncloned})
        print(f"not judged, no clone: {len(uncloned)} commit{'' if len(uncloned) == 1 else 's'}"
              f" of {', '.join(missing)}")
    print(
        f"{len(rows)} commits, {top} labelled {args.top}, {routine} routine;"
        f" false alarms {len(alarms)}/{routine} = {100 * len(alarms) / max(routine, 1):.1f}%,"
        f" misses {len(misses)}/{top} = {100 * len(misses) / max(top, 1):.1f}%"
        + (f", {len(errors)} errors" if errors else "")
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
