"""Benchmark ownership-gate on realistic contents, side by side with git.

    python benchmarks/bench.py                 # cases (a)-(e) and the hook, on a 100,000-file repository
    python benchmarks/bench.py --case a,d      # only some cases
    python benchmarks/bench.py --runs 7        # more runs per median
    python benchmarks/bench.py --scaling       # also time growth with changed files and rules (synthetic)
    python benchmarks/bench.py --case "" --scaling   # only that
    python benchmarks/bench.py --repo PATH --range A..B   # time `check` on a range of any local repository

The repository (realistic.py, contents from contents.py) is built once with
`git fast-import` under benchmarks/.work/ (delete it to rebuild). Cases:

    a  a typical pull request: 30 files, 3 manifests, 2 new migrations, 2 Kubernetes files
    b  1,000 changed files, every one classifiable
    c  20,000 changed files, 1,500 of them classifiable (plus the `codeowners` package as a peer)
    d  the pre-commit hook (`check --staged --advisory`), one staged file of each kind
    e  a Terraform refactor: 600 files of 300 modules

The floor of a range is what git itself must do: `git diff --raw -M` of the
range plus one `git cat-file --batch` of exactly the blobs the classifiers
read (found by running the gate once with its blob reads noted). Each run
times `check`, then the floor's two commands, as whole processes, taking
turns; a ratio is the median of the runs' own ratios, so a machine that
slows down mid-benchmark moves both alike. Throughput is the size of those
blobs over the median time of `check`.

The tool is timed as users run it: installed by pip (a wheel, not an
editable install, whose import finder alone costs ~18 ms per start) into
benchmarks/.work/venv and started through its `ownership-gate` console
script. The venv is created once (with the tool's dependencies and the
`codeowners` peer); every run reinstalls the tool, without touching
dependencies, from a copy of the working tree (tracked and untracked, not
ignored files), so it measures the current source. Delete
benchmarks/.work/venv after changing dependencies. Concurrent runs wait for
each other (a lock file in benchmarks/.work/).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import realistic
import synthetic

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
VENV = WORK / "venv"
PYTHON = str(VENV / "bin" / "python")
GATE = [str(VENV / "bin" / "ownership-gate")]
RANGES = {"a": "pr", "b": "wide", "c": "range", "e": "terraform"}


def _pip(*args: str) -> None:
    proc = subprocess.run([PYTHON, "-m", "pip", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"pip {' '.join(args)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")


def install() -> None:
    """Install the working tree's ownership-gate into the benchmark venv, as a user's pip would."""
    # Built from a copy: pip builds a source directory in place, and stale
    # modules left in its build/ folder would end up in the wheel.
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        for name in filter(None, listed.decode().split("\0")):
            source, target = ROOT / name, Path(tmp) / name
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        ready = VENV / "bench-ready"
        if ready.exists():
            _pip("install", "--no-deps", "--force-reinstall", tmp)
        else:
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            _pip("install", tmp, "codeowners")
            ready.write_text("1")


# Users run ownership-gate with Python's bytecode cache (pip and pre-commit
# compile on install); a shell that sets PYTHONDONTWRITEBYTECODE would time
# recompiling every module on every run instead.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path, stdin: bytes | None = None) -> tuple[float, int, int]:
    """Run a whole process; return (seconds, peak RSS in KiB, exit code)."""
    with tempfile.TemporaryFile() as feed:
        if stdin:
            feed.write(stdin)
            feed.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdin=feed if stdin else subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        assert proc.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed ({code}): {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss, code


# Runs the gate with every blob request noted: the ids a classifier read.
# Before blob reads were batched, Git had only `blob` (one id at a time).
RECORD = """
import sys
from ownership_gate.git import repo as git
log = open(sys.argv[1], "a")
batched = getattr(git.Git, "blobs", None)
if batched is not None:
    def blobs(self, oids):
        log.write("# request\\n" + "".join(o + "\\n" for o in oids)); log.flush()
        return batched(self, oids)
    git.Git.blobs = blobs
else:
    single = git.Git.blob
    def blob(self, oid):
        log.write("# request\\n" + oid + "\\n"); log.flush()
        return single(self, oid)
    git.Git.blob = blob
from ownership_gate.cli import main
sys.exit(main(sys.argv[2:]))
"""


class Span:
    """A range to judge, with what its floor needs: the blob ids the classifiers read."""

    def __init__(self, root: Path, base: str, head: str) -> None:
        self.root, self.base, self.head = root, base, head
        self.check = [*GATE, "check", "--base", base, "--head", head, "--format", "json"]
        self.diff = ["git", "diff", "--raw", "-z", "-M", "--no-abbrev", f"{base}...{head}"]
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "blobs"
            done = subprocess.run([PYTHON, "-c", RECORD, str(log), *self.check[1:]], cwd=root,
                                  capture_output=True, env=ENV)
            if done.returncode not in (0, 1):
                raise SystemExit(f"check failed: {done.stderr.decode()[-2000:]}")
            lines = log.read_text().splitlines() if log.exists() else []
        ids = list(dict.fromkeys(line for line in lines if not line.startswith("#")))
        self.requests = sum(line.startswith("#") for line in lines)  # round trips to git for blobs
        self.request = "".join(f"{i}\n" for i in ids).encode()
        self.blobs = len(ids)
        sizes = subprocess.run(["git", "cat-file", "--batch-check"], cwd=root, input=self.request,
                               capture_output=True, check=True).stdout.split(b"\n")
        self.bytes = sum(int(line.split()[2]) for line in sizes if line.count(b" ") == 2)
        report = json.loads(done.stdout)
        self.changed = len(report["changes"])
        self.findings = Counter(f["type"] for c in report["changes"] for f in c["findings"])


def measure(span: Span, runs: int, peer: list[str] | None = None, names: bytes = b"") -> dict[str, float]:
    timed(span.check, span.root)  # warm-up: bytecode and the policy cache, as on a developer's machine
    times: dict[str, list[float]] = {"check": [], "diff": [], "cat": [], "peer": []}
    rss = 0
    for _ in range(runs):
        elapsed, peak, _ = timed(span.check, span.root)
        times["check"].append(elapsed)
        rss = max(rss, peak)
        times["diff"].append(timed(span.diff, span.root)[0])
        times["cat"].append(timed(["git", "cat-file", "--batch"], span.root, span.request)[0])
        if peer is not None:
            times["peer"].append(timed(peer, span.root, names)[0])
    result = {name: statistics.median(values) for name, values in times.items() if values}
    floors = [d + c for d, c in zip(times["diff"], times["cat"], strict=True)]
    result["floor"] = statistics.median(floors)
    result["ratio"] = statistics.median(c / f for c, f in zip(times["check"], floors, strict=True))
    if peer is not None:
        result["peer_ratio"] = statistics.median(p / f for p, f in zip(times["peer"], floors, strict=True))
    result["rss_mb"] = rss / 1024
    result["mb_s"] = span.bytes / 1e6 / result["check"]
    return result


def _row(label: str, span: Span, r: dict[str, float]) -> str:
    found = ", ".join(f"{n} {t}" for t, n in sorted(span.findings.items()))
    return (f"| {label} | {span.changed:,} | {span.blobs:,} in {span.requests:,} ({span.bytes / 1e6:.2f} MB) | "
            f"{r['floor']:.2f} s | "
            f"{r['check']:.2f} s | {r['ratio']:.1f}x | {r['mb_s']:.1f} | {r['rss_mb']:.0f} MB | {found} |")


_HEADER = ("| case | changed | blobs read in requests | floor | check | ratio | MB/s | peak memory | findings |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---|")

PEER = """
import sys
from codeowners import CodeOwners
owners = CodeOwners(open(sys.argv[1], encoding="utf-8").read())
paths = [p for p in sys.stdin.buffer.read().decode().split("\\0") if p]
for p in paths:
    owners.of(p)
"""


def ranges(root: Path, cases: list[str], runs: int) -> None:
    print(_HEADER)
    labels = {"a": "(a) pull request", "b": "(b) 1,000 classifiable", "c": "(c) 20,000-file range",
              "e": "(e) Terraform refactor"}
    for case in cases:
        span = Span(root, "main", RANGES[case])
        peer: list[str] | None = None
        names = b""
        if case == "c":
            (root / "CODEOWNERS.bench").write_text(synthetic.codeowners(realistic.policy(300)), "utf-8")
            peer = [PYTHON, "-c", PEER, str(root / "CODEOWNERS.bench")]
            names = subprocess.run(["git", "diff", "--name-only", "-z", "main...range"], cwd=root,
                                   capture_output=True, check=True).stdout
        r = measure(span, runs, peer, names)
        print(_row(labels[case], span, r), flush=True)
        if peer is not None:
            print(f"|   `codeowners` package on (c), matching only (a peer) | | | | {r['peer']:.2f} s | "
                  f"{r['peer_ratio']:.1f}x | | | |", flush=True)


def hook(root: Path, runs: int) -> None:
    """`check --staged --advisory` with one staged file of each kind, in a worktree of `main`."""
    print("\n| staged file | `check --staged --advisory` |\n|---|---:|")
    command = [*GATE, "check", "--staged", "--advisory"]
    found: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "wt"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(tree), "main"], cwd=root, check=True)
        try:
            for kind in realistic.hook_kinds():
                path, text = realistic.staged_edit(kind)
                (tree / path).parent.mkdir(parents=True, exist_ok=True)
                (tree / path).write_text(text, "utf-8")
                subprocess.run(["git", "add", "--", path], cwd=tree, check=True)
                timed(command, tree)  # warm-up
                elapsed = statistics.median(timed(command, tree)[0] for _ in range(runs))
                found.append(elapsed)
                print(f"| {kind} (`{path}`) | {elapsed * 1000:.0f} ms |", flush=True)
                subprocess.run(["git", "reset", "-q", "--hard"], cwd=tree, check=True)
                subprocess.run(["git", "clean", "-q", "-fd"], cwd=tree, check=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=root, check=True)
    print(f"| median over kinds / slowest | {statistics.median(found) * 1000:.0f} ms / {max(found) * 1000:.0f} ms |")


def scaling(runs: int) -> None:
    print("\n| changed files | rules | check | git diff | ratio |\n|---:|---:|---:|---:|---:|")
    for shape in (synthetic.Shape(100_000, 1_000, 300), synthetic.Shape(100_000, 10_000, 300),
                  synthetic.Shape(100_000, 20_000, 300), synthetic.Shape(100_000, 100_000, 300),
                  synthetic.Shape(100_000, 20_000, 30), synthetic.Shape(100_000, 20_000, 3_000)):
        root = synthetic.build(WORK, shape)
        check = [*GATE, "check", "--base", "main", "--head", "feature", "--format", "json"]
        diff = ["git", "diff", "--name-status", "-z", "-M", "main...feature"]
        timed(check, root)
        pairs = [(timed(check, root)[0], timed(diff, root)[0]) for _ in range(runs)]
        check_s, diff_s = (statistics.median(p[i] for p in pairs) for i in (0, 1))
        ratio = statistics.median(c / d for c, d in pairs)
        print(f"| {shape.changed:,} | {shape.rules:,} | {check_s:.2f} s | {diff_s:.2f} s | {ratio:.1f}x |",
              flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--case", default="a,b,c,d,e", help="which cases, comma-separated (default: all)")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--repo", type=Path, help="time a range of this local repository instead")
    parser.add_argument("--range", dest="span", metavar="A..B", help="the range to time with --repo")
    args = parser.parse_args()
    if (args.repo is None) != (args.span is None):
        parser.error("--repo and --range go together")
    WORK.mkdir(exist_ok=True)
    # One benchmark at a time, until this process exits: runs share the venv
    # (a reinstall in the middle of another run breaks it) and would skew
    # each other's timings.
    fcntl.flock(os.open(WORK / "bench.lock", os.O_CREAT | os.O_RDWR, 0o644), fcntl.LOCK_EX)
    install()
    print(f"medians of {args.runs} runs\n")
    if args.repo is not None:
        base, _, head = args.span.partition("..")
        span = Span(args.repo.resolve(), base, head.lstrip("."))
        print(_HEADER)
        print(_row(f"`{args.span}` in {args.repo.name}", span, measure(span, args.runs)))
        return 0
    cases = [c.strip() for c in args.case.split(",") if c.strip()]
    ranged = [c for c in cases if c in RANGES]
    root = realistic.build(WORK) if ranged or "d" in cases else WORK
    if ranged:
        ranges(root, ranged, args.runs)
    if "d" in cases:
        hook(root, args.runs)
    if args.scaling:
        scaling(max(args.runs // 2, 1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
