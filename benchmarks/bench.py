"""Benchmark ownership-gate at monorepo scale, side by side with git and a peer.

    python benchmarks/bench.py                 # the standard table (100k files, 20k changed, 300 rules)
    python benchmarks/bench.py --scaling       # also time growth with changed files and with rules
    python benchmarks/bench.py --runs 7        # more runs per median

It builds synthetic repositories with `git fast-import` under
benchmarks/.work/ (reused between runs; delete it to rebuild) and measures
whole processes: `ownership-gate check` on the range, `git diff
--name-status -z -M` on the same range (the floor), owner lookup for the
same changed paths with the `codeowners` package against an equivalent
CODEOWNERS (a peer, matching only), `check --staged` with one staged file
(the pre-commit hook), and the peak memory of `check`.

The tool is timed as users run it: installed by pip (a wheel, not an
editable install, whose import finder alone costs ~18 ms per start) into
benchmarks/.work/venv and started through its `ownership-gate` console
script. The venv is created once (with the tool's dependencies and the
`codeowners` peer, which runs on the same Python); every run reinstalls
the tool, without touching dependencies, from a copy of the working tree
(tracked and untracked, not ignored files), so it measures the current
source. Delete benchmarks/.work/venv after changing dependencies.
Concurrent runs wait for each other (a lock file in benchmarks/.work/).
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
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
VENV = WORK / "venv"
PYTHON = str(VENV / "bin" / "python")
GATE = [str(VENV / "bin" / "ownership-gate")]

SERVICES = 100
MODULES = 20


@dataclass(frozen=True)
class Shape:
    files: int  # tracked files at base
    changed: int  # files the head commit modifies
    rules: int  # path rules in the policy

    @property
    def name(self) -> str:
        return f"f{self.files}-c{self.changed}-r{self.rules}"


def _paths(files: int) -> list[str]:
    per_module = max(files // (SERVICES * MODULES), 1)
    paths = []
    for s in range(SERVICES):
        for m in range(MODULES):
            for f in range(per_module):
                paths.append(f"services/svc{s:03}/src/module{m:02}/file{f:03}.py")
    return paths[:files]


def _manifests(version: str) -> dict[str, str]:
    bumped = version != "1.0.0"
    files = {}
    for s in range(0, SERVICES, 10):
        package = {"name": f"svc{s}", "version": version,
                   "dependencies": {"express": f"^4.18.{3 if bumped else 2}", "lodash": "^4.17.21"}}
        files[f"services/svc{s:03}/package.json"] = json.dumps(package) + "\n"
        files[f"services/svc{s:03}/requirements.txt"] = f"django==4.2.{7 if bumped else 1}\nrequests>=2.31\n"
        files[f"services/svc{s:03}/package-lock.json"] = json.dumps({"lockfileVersion": 3, "v": version}) + "\n"
    return files


def _policy(rules: int) -> str:
    lines = [
        "version: 1",
        "levels:",
        '  - {name: engineer, owners: ["@org/eng"]}',
        '  - {name: lead, owners: ["@org/leads"]}',
        '  - {name: cto, owners: ["@cto"]}',
        "rules:",
        "  - {id: vendor, level: cto, when: {type: dependency, kind: [added, removed, major]}}",
        "  - {id: schema, level: cto, when: {type: schema, kind: [destructive, risky, unknown]}}",
        "  - {id: spend, level: cto, when: {type: cost, kind: [increase]}}",
        "  - {id: cloud, level: cto, when: {type: infra, kind: [terraform, kubernetes]}}",
    ]
    for i in range(rules):
        s, m = i % SERVICES, (i // SERVICES) % MODULES
        kind = i % 6
        if kind == 0:
            pattern = f"services/svc{s:03}/src/module{m:02}/"
        elif kind == 1:
            pattern = f"/services/svc{s:03}/src/module{m:02}/file00{i % 10}.py"
        elif kind == 2:
            pattern = f"services/svc{s:03}/**/module{m:02}/*.py"
        elif kind == 3:
            pattern = f"module{m:02}/file{i % 50:03}.py"
        elif kind == 4:
            pattern = f"*.ext{i}"
        else:
            pattern = f"services/svc{s:03}/src/*/file{i % 7:03}.py"
        level = ("engineer", "lead", "cto")[i % 3]
        lines.append(f"  - {{id: r{i}, level: {level}, paths: ['{pattern}']}}")
    return "\n".join(lines) + "\n"


def _codeowners(policy_text: str) -> str:
    owners = {"engineer": "@org/eng", "lead": "@org/leads", "cto": "@cto"}
    out = []
    for line in policy_text.splitlines():
        if "paths: ['" in line:
            pattern = line.split("paths: ['")[1].split("'")[0]
            level = line.split("level: ")[1].split(",")[0]
            out.append(f"{pattern} {owners[level]}")
    return "\n".join(out) + "\n"


def _blob(content: str) -> bytes:
    data = content.encode()
    return b"data %d\n%s\n" % (len(data), data)


def build(shape: Shape) -> Path:
    root = WORK / shape.name
    if (root / ".git" / "bench-ready").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    paths = _paths(shape.files)
    changed = set(paths[:: max(len(paths) // max(shape.changed, 1), 1)][: shape.changed])
    policy = _policy(shape.rules)
    stream = bytearray()

    def commit(ref: str, message: str, files: dict[str, str], parent: bool) -> None:
        stream.extend(b"commit refs/heads/%s\n" % ref.encode())
        if not parent:
            stream.extend(b"mark :1\n")
        stream.extend(b"committer Bench <bench@example.com> 1700000000 +0000\n")
        stream.extend(_blob(message))
        if parent:
            stream.extend(b"from :1\n")
        for path, content in files.items():
            stream.extend(b"M 100644 inline %s\n" % path.encode())
            stream.extend(_blob(content))

    base_files = {p: f"# {p}\nVALUE = 1\n" for p in paths}
    base_files.update(_manifests("1.0.0"))
    base_files[".ownership-gate.yaml"] = policy
    base_files["db/migrations/0001_init.sql"] = "CREATE TABLE users (id bigint primary key);\n"
    commit("main", "base", base_files, parent=False)
    head_files = {p: f"# {p}\nVALUE = 2\n" for p in changed}
    head_files.update(_manifests("1.0.1"))
    head_files["db/migrations/0002_add.sql"] = "ALTER TABLE users ADD COLUMN nickname text;\n"
    head_files["db/migrations/0003_drop.sql"] = "ALTER TABLE users DROP COLUMN legacy;\n"
    commit("feature", "head", head_files, parent=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    (root / "CODEOWNERS.bench").write_text(_codeowners(policy), "utf-8")
    (root / ".git" / "bench-ready").write_text("1")
    return root


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
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    if stdin:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        assert proc.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed ({code}): {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss, code


def median(command: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    timed(command, cwd)  # warm-up: bytecode and the policy cache, as on a developer's machine
    results = [timed(command, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


PEER = """
import sys, time
from codeowners import CodeOwners
owners = CodeOwners(open(sys.argv[1], encoding="utf-8").read())
paths = [p for p in sys.stdin.buffer.read().decode().split("\\0") if p]
for p in paths:
    owners.of(p)
"""


def measure(shape: Shape, runs: int) -> dict[str, float]:
    """The three commands take turns, run after run: a machine that slows down or
    speeds up mid-benchmark (a busy neighbour, a warming CPU) moves all three alike,
    so the ratios hold even when the absolute times drift."""
    root = build(shape)
    check = [*GATE, "check", "--base", "main", "--head", "feature", "--format", "json"]
    diff = ["git", "diff", "--name-status", "-z", "-M", "main...feature"]
    names = subprocess.run(["git", "diff", "--name-only", "-z", "main...feature"], cwd=root,
                           capture_output=True, check=True).stdout
    peer = [PYTHON, "-c", PEER, str(root / "CODEOWNERS.bench")]
    timed(check, root)  # warm-up: bytecode and the policy cache, as on a developer's machine
    times: dict[str, list[float]] = {"check": [], "diff": [], "peer": []}
    rss = 0
    for _ in range(runs):
        elapsed, peak, _ = timed(check, root)
        times["check"].append(elapsed)
        rss = max(rss, peak)
        times["diff"].append(timed(diff, root)[0])
        times["peer"].append(timed(peer, root, names)[0])
    result = {name: statistics.median(values) for name, values in times.items()}
    # The ratio of each run's pair, then the median: steadier than a ratio of medians.
    result["ratio"] = statistics.median(c / d for c, d in zip(times["check"], times["diff"], strict=True))
    result["rss_mb"] = rss / 1024
    return result


def measure_staged(shape: Shape, runs: int) -> float:
    root = build(shape)
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "wt"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(worktree), "main"], cwd=root, check=True)
        try:
            target = worktree / "services/svc001/src/module01/file000.py"
            target.write_text(target.read_text() + "# edit\n")
            subprocess.run(["git", "add", str(target)], cwd=worktree, check=True)
            staged, _ = median([*GATE, "check", "--staged", "--advisory"], worktree, runs)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=root, check=True)
    return staged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaling", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    # One benchmark at a time, until this process exits: runs share the venv
    # (a reinstall in the middle of another run breaks it) and would skew
    # each other's timings.
    fcntl.flock(os.open(WORK / "bench.lock", os.O_CREAT | os.O_RDWR, 0o644), fcntl.LOCK_EX)
    install()
    standard = Shape(100_000, 20_000, 300)
    result = measure(standard, args.runs)
    staged = measure_staged(standard, args.runs)
    print(f"repository: {standard.files:,} files, {standard.changed:,} changed + manifests, "
          f"lockfiles, migrations; {standard.rules} path rules; medians of {args.runs} runs\n")
    print("| measurement | time | ratio |")
    print("|---|---:|---:|")
    print(f"| `git diff --name-status -z -M` (floor) | {result['diff']:.2f} s | 1.0x |")
    print(f"| `ownership-gate check` | {result['check']:.2f} s | {result['ratio']:.1f}x |")
    print(f"| `codeowners` package, matching only (peer) | {result['peer']:.2f} s | "
          f"{result['peer'] / result['diff']:.1f}x |")
    print(f"| `ownership-gate check --staged`, 1 file | {staged * 1000:.0f} ms | |")
    print(f"| peak memory of `check` | {result['rss_mb']:.0f} MB | |")
    if args.scaling:
        print("\n| changed files | rules | check | git diff | ratio |")
        print("|---:|---:|---:|---:|---:|")
        for shape in (Shape(100_000, 1_000, 300), Shape(100_000, 10_000, 300), Shape(100_000, 100_000, 300),
                      Shape(100_000, 20_000, 30), Shape(100_000, 20_000, 3_000)):
            r = measure(shape, max(args.runs // 2, 1))
            print(f"| {shape.changed:,} | {shape.rules:,} | {r['check']:.2f} s | {r['diff']:.2f} s | "
                  f"{r['ratio']:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
