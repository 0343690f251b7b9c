"""A 100,000-file repository of realistic contents, with one branch per benchmark case.

`main` holds services' source files next to Terraform modules, Kubernetes
objects, Helm charts, migrations of six frameworks and the manifests of
every ecosystem (see contents.py). Each case is a branch off `main`:

    pr         a typical pull request: 30 files, 3 manifests, 2 new migrations, 2 Kubernetes files
    wide       1,000 changed files, every one of them classifiable
    range      20,000 changed files, 1,500 of them classifiable, the rest source
    terraform  a Terraform refactor: 600 files of 300 modules (main.tf, variables.tf)

Everything is generated from fixed seeds, so a rebuild is byte for byte the same.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import contents
import synthetic

FILES = 100_000
# kind -> how many of them `main` holds
BASE = {
    "terraform": 500, "terraform-variables": 500, "terraform-versions": 500, "tfvars": 200,
    "kubernetes": 600, "hpa": 600, "helm-values": 300, "chart": 300,
    **{kind: 200 for kind in contents.MIGRATIONS},
    **{kind: 300 for kind in contents.MANIFESTS if kind not in ("chart", "workflow")}, "workflow": 100,
}
# kind -> how many the `wide` case changes (new migrations: added after the base's)
WIDE = {
    "terraform": 150, "terraform-variables": 50, "terraform-versions": 50, "tfvars": 50,
    "kubernetes": 150, "hpa": 50, "helm-values": 100, "chart": 30,
    **{kind: 16 for kind in contents.MIGRATIONS}, "sql": 20,
    **{kind: 25 for kind in contents.MANIFESTS if kind not in ("chart", "workflow")}, "workflow": 20,
}
CASES = ("pr", "wide", "range", "terraform")


def _content(kind: str, n: int) -> tuple[str, str]:
    path, generate, _ = contents.KINDS[kind]
    return path(n), generate(random.Random(f"{kind}:{n}"), n)


def _edited(kind: str, n: int) -> tuple[str, str]:
    """The n-th file of a kind as a pull request leaves it: edited, or a new one added."""
    path, _, edit = contents.KINDS[kind]
    if edit is None:
        return _content(kind, BASE[kind] + n)
    text = _content(kind, n)[1]
    return path(n), edit(text)


def base_files() -> dict[str, str]:
    files = dict(_content(kind, n) for kind, count in BASE.items() for n in range(count))
    files.update(_content("source", n) for n in range(FILES - len(files) - 1))
    files[".ownership-gate.yaml"] = policy(300)
    return files


def head_files(case: str) -> dict[str, str]:
    if case == "pr":
        kinds = ["package.json", "requirements.txt", "go.mod", "sql", "django", "kubernetes", "hpa"]
        files = dict(_edited(kind, 1) for kind in kinds)
        files.update(_edited("source", n * 997) for n in range(23))
        return files
    if case == "terraform":
        return dict(_edited(kind, n) for kind in ("terraform", "terraform-variables") for n in range(300))
    scale = 1.5 if case == "range" else 1.0
    files = dict(_edited(kind, n) for kind, count in WIDE.items() for n in range(int(count * scale)))
    if case == "range":
        files.update(_edited("source", n * 4) for n in range(20_000 - len(files)))
    return files


def policy(rules: int) -> str:
    lines = [
        "version: 1",
        "levels:",
        '  - {name: engineer, owners: ["@org/eng"]}',
        '  - {name: lead, owners: ["@org/leads"]}',
        '  - {name: cto, owners: ["@cto"]}',
        "rules:",
        "  - {id: vendor, level: cto, when: {type: dependency, kind: [added, removed, major, unparsed]}}",
        "  - {id: schema, level: cto, when: {type: schema, kind: [destructive, risky, unknown]}}",
        "  - {id: spend, level: cto, when: {type: cost, kind: [increase, change]}}",
        "  - {id: cloud, level: lead, when: {type: infra}}",
    ]
    for i in range(rules):
        level = ("engineer", "lead", "cto")[i % 3]
        pattern = (f"services/svc{i:04}/", f"services/svc{i:04}/src/*.py", f"deploy/k8s/svc{i:04}/",
                   f"infra/modules/m{i:04}/", f"**/module_{i:05}.py", f"*.ext{i}")[i % 6]
        lines.append(f"  - {{id: r{i}, level: {level}, paths: ['{pattern}']}}")
    return "\n".join(lines) + "\n"


def build(work: Path) -> Path:
    root = work / "realistic"
    if (root / ".git" / "bench-ready").exists():
        return root
    cases = ((case, case, head_files(case)) for case in CASES)  # made one at a time, as the stream is written
    synthetic.fast_import(root, itertools.chain([("main", "main", base_files())], cases))
    (root / ".git" / "bench-ready").write_text("1")
    return root


def hook_kinds() -> list[str]:
    """One staged file of each kind, for the pre-commit hook's case."""
    return [k for k in contents.KINDS if k != "terraform-versions"]


def staged_edit(kind: str) -> tuple[str, str]:
    return _edited(kind, 1)
