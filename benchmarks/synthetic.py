"""Synthetic repositories for growth measurements: many small files, a policy of many path rules.

`build(work, shape)` makes, with `git fast-import`, a base commit of `shape.files`
Python files spread over services and modules (plus a few manifests,
lockfiles and migrations) and a `feature` branch changing `shape.changed`
of them; the policy has `shape.rules` path rules of every pattern style.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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


def codeowners(policy_text: str) -> str:
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


def fast_import(root: Path, commits: Iterable[tuple[str, str, dict[str, str]]]) -> None:
    """A new repository at `root` holding `commits` (ref, message, files), written by one
    `git fast-import`: the first is `main`'s root commit, each later one a branch on top of it.
    `main` is checked out."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream = bytearray()
    for number, (ref, message, files) in enumerate(commits):
        stream.extend(b"commit refs/heads/%s\n" % ref.encode())
        if number == 0:
            stream.extend(b"mark :1\n")
        stream.extend(b"committer Bench <bench@example.com> 1700000000 +0000\n")
        stream.extend(_blob(message))
        if number > 0:
            stream.extend(b"from :1\n")
        for path, content in files.items():
            stream.extend(b"M 100644 inline %s\n" % path.encode())
            stream.extend(_blob(content))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def build(work: Path, shape: Shape) -> Path:
    root = work / shape.name
    if (root / ".git" / "bench-ready").exists():
        return root
    paths = _paths(shape.files)
    changed = set(paths[:: max(len(paths) // max(shape.changed, 1), 1)][: shape.changed])
    policy = _policy(shape.rules)
    base_files = {p: f"# {p}\nVALUE = 1\n" for p in paths}
    base_files.update(_manifests("1.0.0"))
    base_files[".ownership-gate.yaml"] = policy
    base_files["db/migrations/0001_init.sql"] = "CREATE TABLE users (id bigint primary key);\n"
    head_files = {p: f"# {p}\nVALUE = 2\n" for p in changed}
    head_files.update(_manifests("1.0.1"))
    head_files["db/migrations/0002_add.sql"] = "ALTER TABLE users ADD COLUMN nickname text;\n"
    head_files["db/migrations/0003_drop.sql"] = "ALTER TABLE users DROP COLUMN legacy;\n"
    fast_import(root, [("main", "base", base_files), ("feature", "head", head_files)])
    (root / "CODEOWNERS.bench").write_text(codeowners(policy), "utf-8")
    (root / ".git" / "bench-ready").write_text("1")
    return root
