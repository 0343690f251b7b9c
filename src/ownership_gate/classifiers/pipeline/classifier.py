"""`pipeline` findings: what a CI pipeline change does, not that one was touched.

GitHub Actions workflows (`.github/workflows/*.yml`), GitLab CI files
(`.gitlab-ci.yml`, `*.gitlab-ci.yml`, `.gitlab/ci/*.yml`), CircleCI
configs (`.circleci/*.yml`), Woodpecker and Drone pipelines
(`.woodpecker.yml`, `.woodpecker/*.yml`, `.drone.yml`), Google Cloud
Build configs (`cloudbuild.yaml`, `cloudbuild/*.yaml`) and Azure Pipelines
files (`azure-pipelines*.yml`, `azure-pipelines/`, `.azure-pipelines/`,
`.azuredevops/`; see azure.py) are compared old against new, and only
changes that move a one-way door are findings.
Makefiles (`Makefile`, `GNUmakefile`, `*.mk`) are read for their targets
that ship (see makefile.py), and a `Jenkinsfile` for its lines that ship
(see jenkins.py): only `deploy` applies to them.

- `trigger`: a workflow starts on `pull_request_target` or `workflow_run`,
  which run with the repository's secrets on input an outsider controls;
- `permissions`: a job's token gets more than it had (a scope from none or
  read to write, a block removed), `id-token: write` or GitLab `id_tokens`
  (cloud credentials by OIDC) included;
- `secret`: the pipeline reads a secret (or a CircleCI context, an Azure variable group, key vault secret or
  service connection) it did not read before, and (GitHub)
  no workflow of the repository read before the change;
- `deploy`: a job that ships (has an `environment`, is named or staged for
  deploy/publish/release, or runs a publishing or deploying command or
  action) is added, removed or changed, or the triggers of a workflow that
  ships change; a GitHub job moved unchanged from one workflow of the change
  set to another, where what it can reach is the same, is none (moves.py);
- `action`: a third-party action (not `actions/*` or `github/*`), an
  outside GitLab include (remote, another project, a template, a component),
  a third-party CircleCI orb (not `circleci/*`), Woodpecker or Drone
  plugin, or Azure template repository (at its ref) runs for the first
  time (GitHub: from a repository, `owner/repo`, no workflow of the
  repository ran an action of before the change);
- `unpinned`: an action every step of a GitHub workflow ran at a full commit
  SHA (`actions/checkout@b4ffde6...`) is now run at a tag or branch
  (`@v4`), which its owner, or whoever takes the tag over, can move to
  other code that then runs with the job's token and secrets;
- `review`: the steps with which a GitHub workflow or GitLab pipeline
  approves or merges pull (merge) requests by itself (`gh pr review
  --approve`, `gh pr merge --auto`, `glab mr approve`, an auto-approve or
  auto-merge action) are added, removed or changed: they decide what a
  review gate lets through;
- `unparsed`: the new file is not valid YAML, so none of the above can be
  ruled out.

A version bump of an action or orb, a toolchain version or build image tag, a matrix or a test step
is none of these: the dependency classifier reports action versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context, text_of
from ownership_gate.classifiers.pipeline.findings import INHERIT, platform
from ownership_gate.classifiers.pipeline.findings import TYPE as TYPE
from ownership_gate.model import Change, Finding

KINDS: tuple[str, ...] = (
    "trigger", "permissions", "secret", "deploy", "action", "unpinned", "review", "checkout", "unparsed",
)
SETTINGS: Mapping[str, str] = {}


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> AbstractSet[str]:
    return {p for p in paths.all if platform(p) is not None}


def classify(change: Change, context: Context) -> list[Finding]:
    from ownership_gate.classifiers.pipeline import compare, moves

    kind = platform(change.path) or (platform(change.old_path) if change.old_path else None)
    if kind is None:
        return []
    # A copy is a pipeline more, running beside the one it was copied from: all of it is new to CI.
    copied = change.status == "copied"
    old_text = text_of(context.old(change)) if platform(change.source_path) == kind and not copied else None
    new_text = text_of(context.new(change)) if platform(change.path) == kind else None
    if kind == "jenkins":
        from ownership_gate.classifiers.pipeline import jenkins

        return jenkins.findings(change.path, old_text, new_text)
    moved = moves.moved(change, context) if kind == "github" else moves.NOT_MOVED
    found = compare.findings(kind, change.path, old_text, new_text, moved)
    if kind == "github" and any(f.kind in ("secret", "action") for f in found):
        found = _not_held_before(found, change.path, context)
    return found


_WORKFLOWS = ".github/workflows"


def _not_held_before(found: list[Finding], path: str, context: Context) -> list[Finding]:
    """`found` without the secrets and actions the repository's workflows already used before the change
    set: a secret CI already holds, or an action from a repository (`owner/repo`) CI already runs code
    of, is no new decision. A workflow that passed every secret on (`secrets: inherit`) held them all;
    passing every secret on is itself judged each time."""
    secrets, repositories = _held_before(context)
    every = INHERIT in secrets
    prefix = f"{path}: "
    kept = []
    for f in found:
        name = f.subject.removeprefix(prefix)
        if f.kind == "secret" and name != INHERIT and (every or name in secrets):
            continue
        if f.kind == "action" and _repository(name) in repositories:
            continue
        kept.append(f)
    return kept


def _held_before(context: Context) -> tuple[frozenset[str], frozenset[str]]:
    """The secrets every GitHub workflow read, and the repositories of the outside actions they ran,
    before the change set (none when the old tree cannot be listed; a workflow that did not parse adds none)."""
    memo: dict[str, tuple[frozenset[str], frozenset[str]]] = context.memo.setdefault("pipeline:held", {})
    if "github" not in memo:
        from ownership_gate.classifiers.pipeline import compare

        secrets: set[str] = set()
        repositories: set[str] = set()
        for name in sorted(context.old_names(_WORKFLOWS) or ()):
            path = f"{_WORKFLOWS}/{name}"
            if platform(path) != "github":
                continue
            try:
                pipeline = compare.read("github", text_of(context.old_file(path)))
            except compare.Unreadable:
                continue
            if pipeline is not None:
                secrets |= pipeline.secrets
                repositories |= {_repository(action) for action in pipeline.outside}
        memo["github"] = (frozenset(secrets), frozenset(repositories))
    return memo["github"]


def _repository(action: str) -> str:
    """`owner/repo` of an action (`owner/repo/path/to/action`); a `docker://` image as it is."""
    return action if action.startswith("docker://") else "/".join(action.split("/")[:2])
