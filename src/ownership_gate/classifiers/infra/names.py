"""Recognising infrastructure files by their path alone (cheap, no contents).

`kind_by_path` answers for files whose name says what they are
(`main.tf`, `Dockerfile`, `.github/workflows/ci.yml`, `Chart.yaml`).
`may_sniff` says whether a file's contents could still make it one
(a Kubernetes manifest or a CloudFormation template can have any YAML or
JSON name); `infra_detect` reads those.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Container, Mapping

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.fixture_dirs import NOT_PRODUCTION, in_test_dir

TYPE = "infra"  # the finding type of every infrastructure file

SNIFF_EXTENSIONS = (".yaml", ".yml", ".json", ".tpl", ".template")

# JSON files that are never infrastructure, so their (often large) contents
# are not read at all.
_NOT_INFRA_JSON = patterns.compile(
    r"^(package(-lock)?|composer|tsconfig(\..*)?|jsconfig|bower|lerna|nx|angular|deno|"
    r"\.?eslintrc|\.?babelrc|\.?prettierrc|renovate|manifest|firebase|vercel|"
    r"launch|settings|extensions|cspell|turbo|project|appsettings(\..*)?)\.json$"
    r"|\.(lock|map|min)\.json$|\.ipynb$",
    re.I,
)

_CHART_DIR_NAMES = frozenset({"charts", "chart", "helm", "helm-charts", "helmcharts"})
_VALUES = patterns.compile(r"^values(?:[-._][\w.-]+)?\.ya?ml$")
_COMPOSE = patterns.compile(r"^(?:docker-)?compose(?:[-._][\w.-]+)?\.ya?ml$")
_PULUMI = patterns.compile(r"^Pulumi(?:\.[\w-]+)?\.ya?ml$")
_SERVERLESS = patterns.compile(r"^serverless(?:[-.][\w-]+)?\.(?:ya?ml|json|ts)$")
_DOCKERFILE = patterns.compile(r"^(?:Dockerfile|Containerfile)(?:[-.][\w.-]+)?$|\.(?:dockerfile|Dockerfile)$")
_JENKINS = patterns.compile(r"^Jenkinsfile(?:[-.][\w.-]+)?$|\.(?:jenkinsfile|Jenkinsfile)$")
_TERRAFORM = patterns.compile(r"\.(?:tf|tfvars|tf\.json|tfvars\.json|tftest\.hcl)$")
_YAML = patterns.compile(r"\.ya?ml$")
_TEMPLATE_EXTENSIONS = (".yaml", ".yml", ".tpl", ".txt", ".json")
_ANSIBLE_ROLE_DIRS = frozenset({"tasks", "handlers", "defaults", "vars", "meta"})

_CI_NAMES = frozenset({
    ".gitlab-ci.yml", ".gitlab-ci.yaml", "bitbucket-pipelines.yml", ".travis.yml",
    ".drone.yml", ".woodpecker.yml", "appveyor.yml", ".appveyor.yml", ".cirrus.yml",
    "buildspec.yml", "buildspec.yaml", "cloudbuild.yaml", "cloudbuild.yml", "cloudbuild.json",
    "codemagic.yaml", ".gitpod.yml",
})
_CI_DIRS = (".circleci/", ".buildkite/", ".azure-pipelines/", ".gitlab/ci/", ".woodpecker/")
# The manifests of platforms that run the application (Heroku, Fly.io, Render, Railway): what production
# runs on and how it starts. Heroku's `app.json` is recognised by its content (Expo uses the name too).
PLATFORM_NAMES = frozenset({
    "Procfile", "heroku.yml", "fly.toml", "render.yaml", "railway.json", "railway.toml",
    "Dockerrun.aws.json", "boxfile.yml",  # Elastic Beanstalk's Docker platform; Nanobox
})
# Files a container may run when it starts or is health-checked: extensionless executables, shell
# scripts, and scripts named for it. Claimed by name alone; `start_files` reads the Dockerfiles above them.
_SHELL_ENDINGS = (".sh", ".bash", ".zsh", ".ash", ".ksh")
_SCRIPT_ENDINGS = (".py", ".rb", ".js", ".mjs", ".cjs", ".ts", ".pl", ".php")
_START_WORDS = ("entrypoint", "health", "start", "boot", "init", "run")
_WORD = patterns.compile(r"[^a-z0-9]+")
# Elastic Beanstalk's configuration files: packages, commands and settings of the environments it runs.
_ELASTIC_BEANSTALK = patterns.compile(r"(?:^|/)\.ebextensions/[^/]+\.config$")


# A Cloud Foundry application manifest (`manifest.yml`, `manifest-api.yml`, `manifest_api_prod.yml`, and the
# Jinja template a pipeline renders it from, `manifest.yml.j2`).
_CLOUD_FOUNDRY = patterns.compile(r"(?i)^(?:[\w.-]*[-_.])?manifest(?:[-_.][\w.-]*)?\.ya?ml(?:\.j2)?$")


def cloud_foundry_manifest(path: str) -> bool:
    """Whether `path` is named as a Cloud Foundry manifest of production (its contents decide the rest)."""
    named = bool(_CLOUD_FOUNDRY.match(path.rpartition("/")[2]))
    return named and not in_test_dir(path) and not NOT_PRODUCTION.search(path)


def chart_root(path: str) -> str | None:
    """The chart directory a path sits in, judged from directory names only."""
    parts = path.split("/")
    for i in range(len(parts) - 2, -1, -1):
        name = parts[i].lower()
        if name in _CHART_DIR_NAMES or name.endswith(("-chart", "-helm", "_chart")):
            # `charts/web/values.yaml`: the chart is the directory below `charts`.
            return "/".join(parts[: i + 2]) if name == "charts" and i + 2 < len(parts) else "/".join(parts[: i + 1])
    return None


def is_values_file(path: str) -> bool:
    return bool(_VALUES.match(posixpath.basename(path)))


def is_chart_template(path: str) -> bool:
    """`<chart>/templates/...`: the path says so when a chart directory name is above it."""
    parts = path.split("/")
    if "templates" not in parts[:-1] or not parts[-1].endswith(_TEMPLATE_EXTENSIONS):
        return False
    return chart_root(path) is not None


def _is_ci(path: str, base: str) -> bool:
    if path.startswith(".github/workflows/") and _YAML.search(base) and path.count("/") == 2:
        return True
    if path.startswith(".github/actions/") and base in ("action.yml", "action.yaml"):
        return True
    if base in _CI_NAMES or base.endswith(".gitlab-ci.yml") or _JENKINS.search(base):
        return True
    if base.startswith("azure-pipelines") and _YAML.search(base):
        return True
    return path.startswith(_CI_DIRS) and bool(_YAML.search(base))


def _is_ansible(path: str, base: str) -> bool:
    if base == "ansible.cfg" or (base.startswith("playbook") and _YAML.search(base)):
        return True
    parts = path.split("/")
    if "roles" in parts[:-3] and _YAML.search(base):
        role_dir = parts[parts.index("roles") + 2] if parts.index("roles") + 2 < len(parts) else ""
        if role_dir in _ANSIBLE_ROLE_DIRS:
            return True
    dirs = parts[:-1]
    if ("group_vars" in dirs or "host_vars" in dirs or "playbooks" in dirs) and (
        _YAML.search(base) or "." not in base
    ):
        return True
    if base in ("inventory", "inventory.ini", "inventory.yml", "inventory.yaml"):
        return True
    in_inventory = "inventory" in dirs or "inventories" in dirs
    return in_inventory and ("." not in base or base.endswith((".ini", ".yml", ".yaml")))


# Every name `kind_by_path` can answer for has no dot, one of these endings or
# one of these beginnings; tests/engine/test_claims_batch.py holds the two together.
_KIND_ENDINGS = (
    ".tf", ".tfvars", ".json", ".hcl", ".yaml", ".yml", ".tpl", ".txt", ".ini", ".cfg", ".lock", ".toml",
    ".helmignore", ".dockerfile", ".Dockerfile", ".jenkinsfile", ".Jenkinsfile", ".config",
)
_KIND_BEGINNINGS = ("Dockerfile", "Containerfile", "Jenkinsfile", "serverless")


def may_name_a_kind(name: str) -> bool:
    """False when no path ending in file `name` has an infra kind: most source files."""
    return "." not in name or name.endswith(_KIND_ENDINGS) or name.startswith(_KIND_BEGINNINGS)


# infra and cost both ask for every path of a change, one right after the other.
@functools.lru_cache(maxsize=4096)
def kind_by_path(path: str) -> str | None:
    """The infra kind a path names on its own, or None."""
    base = posixpath.basename(path)
    return named_kind(path, base) if may_name_a_kind(base) else None


def named_kind(path: str, base: str) -> str | None:
    """`kind_by_path` without the fast reject by name (the tests hold the two together)."""
    if _TERRAFORM.search(base) or base in (".terraform.lock.hcl", "terragrunt.hcl"):
        return "terraform"
    if _DOCKERFILE.search(base) or base in ("docker-bake.hcl", "docker-bake.json"):
        return "docker"
    if _COMPOSE.match(base):
        return "compose"
    if _is_ci(path, base):
        return "ci"
    if base in ("Chart.yaml", "Chart.yml", "Chart.lock", ".helmignore", "values.schema.json"):
        return "helm"
    if base == "_helpers.tpl" or (is_chart_template(path) and not base.startswith(".")):
        return "helm"
    if is_values_file(path) and chart_root(path) is not None:
        return "helm"
    if base in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        return "kustomize"
    if base in PLATFORM_NAMES or _ELASTIC_BEANSTALK.search(path):
        return "platform"
    if _PULUMI.match(base):
        return "pulumi"
    if _SERVERLESS.match(base):
        return "serverless"
    if _is_ansible(path, base):
        return "ansible"
    return None


def may_start_an_image(name: str) -> bool:
    """Could a Dockerfile run file `name` when its container starts (`init`, `entrypoint.sh`,
    `healthcheck.py`)? `__init__.py` and the many other source files are not asked about, and neither
    are the capitalised files a project keeps at its top (`Gemfile`, `Makefile`, `LICENSE`): scripts
    are named in lower case."""
    if "." not in name:
        return not name[:1].isupper()
    if name.endswith(_SHELL_ENDINGS):
        return True
    if name.startswith("__") or not name.endswith(_SCRIPT_ENDINGS):
        return False
    stem = name.rpartition(".")[0].lower()
    return any(word.startswith(_START_WORDS) for word in _WORD.split(stem))


def may_sniff(path: str) -> bool:
    """Could this file's contents make it infrastructure (YAML, JSON, templates)?"""
    base = posixpath.basename(path)
    if not base.endswith(SNIFF_EXTENSIONS):
        return False
    return not (base.endswith(".json") and _NOT_INFRA_JSON.search(base))


def claimed_by_kind(by_name: Mapping[str, list[str]], kinds: Container[str] | None = None) -> set[str]:
    """Paths whose contents may be infrastructure (`may_sniff`) or whose path names a kind
    (of `kinds`, when given); asked once per file name, then per path only for the names
    that can name a kind."""
    found: set[str] = set()
    for name, group in by_name.items():
        if may_sniff(name):
            found.update(group)
        elif may_name_a_kind(name):
            found.update(p for p in group if (kind := kind_by_path(p)) is not None and (kinds is None or kind in kinds))
    return found
