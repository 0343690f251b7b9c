"""CI runner sizes: a job moving to a bigger (pricier) machine is spend.

GitHub Actions `runs-on` (standard and larger runners, priced per minute),
CircleCI `resource_class`, GitLab SaaS runner tags (`saas-linux-large-amd64`)
and Bitbucket step `size` (`2x`). One object per job, so a new job on a
standard runner is routine and a new job on a 16-core runner is an increase.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from ownership_gate.classifiers.cost.leaves import Rule, leaves, make_leaf, read_yaml
from ownership_gate.classifiers.cost.model import CostObject, Extracted, Leaf
from ownership_gate.formats.yaml import Loader, Node, load

_GITLAB_KEYWORDS = frozenset({
    "stages", "variables", "include", "workflow", "image", "services", "before_script",
    "after_script", "cache", "spec",
})
_CIRCLE_DEFAULT = "medium"


def _job_object(kind: str, name: str, label: str, found: dict[str, Leaf], line: int | None) -> CostObject:
    return CostObject(key=("ci", kind, name), label=label, leaves=found, line=line, movable=False)


def _github(root: Node) -> list[CostObject]:
    jobs = root.get("jobs")
    objects = []
    for name, job in jobs.value.items() if jobs is not None and isinstance(jobs.value, dict) else ():
        runs_on = job.get("runs-on")
        if runs_on is None:
            continue
        if isinstance(runs_on.value, dict):  # {group: ..., labels: ...}
            runs_on = runs_on.get("labels") or Node(None, runs_on.line)
        leaf = make_leaf("runs-on", Rule("runner"), runs_on)
        objects.append(_job_object("github", name, f"jobs.{name}", {"runs-on": leaf}, job.line))
    return objects


def _sized(path: str, node: Node, default: str) -> Leaf:
    """A size whose unset value is `default`: a new job at the default size costs nothing new."""
    return make_leaf(path, Rule("size", default=default), node)


def _circleci(root: Node) -> list[CostObject]:
    objects = []
    for section in ("jobs", "executors"):
        block = root.get(section)
        for name, job in block.value.items() if block is not None and isinstance(block.value, dict) else ():
            node = job.get("resource_class") if isinstance(job.value, dict) else None
            if node is None:
                continue
            leaf = _sized("resource_class", node, _CIRCLE_DEFAULT)
            objects.append(_job_object("circleci", f"{section}.{name}", f"{section}.{name}",
                                       {"resource_class": leaf}, job.line))
    return objects


def _gitlab(root: Node) -> list[CostObject]:
    objects = []
    for name, job in root.value.items() if isinstance(root.value, dict) else ():
        if name in _GITLAB_KEYWORDS or not isinstance(job.value, dict):
            continue
        tags = job.get("tags")
        if tags is None or not isinstance(tags.value, list):
            continue
        sized = [t for t in tags.value if isinstance(t.value, str) and t.value.startswith("saas-")]
        if sized:
            leaf = _sized("tags", sized[0], "saas-linux-small-amd64")
            objects.append(_job_object("gitlab", name, name, {"tags": leaf}, job.line))
    return objects


def _bitbucket(root: Node) -> list[CostObject]:
    def rule(keys: tuple[str, ...], node: Node) -> Rule | None:
        return Rule("size", default="1x") if keys[-1] == "size" and isinstance(node.value, str) else None

    found = {leaf.path: leaf for leaf in leaves(root, rule)}
    return [CostObject(key=("ci", "bitbucket"), label="", leaves=found, movable=False)]


def _platform(path: str) -> Callable[[Node], list[CostObject]] | None:
    """The reader of the runner sizes a CI file sets, by its path; None for a CI file that sets none
    here (a Jenkinsfile, `.travis.yml`)."""
    base = posixpath.basename(path)
    if not base.endswith((".yml", ".yaml")):
        return None
    if path.startswith(".github/workflows/"):
        return _github
    if path.startswith(".circleci/"):
        return _circleci
    if base.endswith(".gitlab-ci.yml") or path.startswith(".gitlab/ci/"):
        return _gitlab
    if base == "bitbucket-pipelines.yml":
        return _bitbucket
    return None


def reads(path: str) -> bool:
    return _platform(path) is not None


def read_ci(path: str, text: str, load: Loader = load) -> Extracted:
    platform = _platform(path)
    if platform is None:
        return Extracted()
    documents = read_yaml(text, load)
    return Extracted(tuple(platform(documents[0] if documents else Node({}, None))))
