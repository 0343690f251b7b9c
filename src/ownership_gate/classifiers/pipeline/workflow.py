"""What a CI pipeline file does, read into the few facts that decide who owns a change to it.

A pipeline is reduced to its jobs, and each job to what it can reach: the
triggers that start it, the token permissions it holds, the secrets it
reads, whether it ships (publishes, releases, deploys), and the outside
actions or templates it runs. Toolchain versions, matrices and test steps
are left out on purpose: changing them is daily work.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.dependency.ecosystems.images import parse_image
from ownership_gate.classifiers.pipeline.findings import INHERIT

# Triggers that run with the repository's secrets on input an outsider controls.
PRIVILEGED_TRIGGERS = frozenset({"pull_request_target", "workflow_run"})
# Triggers whose runs hold the repository's secrets and write token whatever code they check out: the two above,
# and the events a comment or another repository sends (a ChatOps `/test` command, `repository_dispatch`).
SECRET_HOLDING_TRIGGERS = PRIVILEGED_TRIGGERS | {"repository_dispatch", "issue_comment"}
# A checkout's `ref` or `repository` naming a pull request's own code (its head branch, commit or fork), or
# what an event's sender chose (`client_payload`): code the repository's reviewers have not merged.
_UNTRUSTED_REF = patterns.compile(
    r"github\.event\.pull_request\.head\.|github\.head_ref\b|github\.event\.workflow_run\.head_"
    r"|github\.event\.client_payload\b|github\.event\.issue\.pull_request\b|refs/pull/"
)

# GitHub token scopes, and the order of their levels.
SCOPES = (
    "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues",
    "models", "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses",
)
LEVELS = {"none": 0, "read": 1, "write": 2}
# No `permissions` block: the job gets the repository's default, which may be write-all.
DEFAULT = "default"

_SECRET = patterns.compile(r"secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")
# Names of a job that tests (`e2e`, `End-to-end tests`, `smoke-test`, `integration-tests`).
_TESTING_NAME = patterns.compile(
    r"(?i)(?:^|[^a-z])(?:tests?|testing|e2e|end-to-end|smoke|integration|acceptance|regression)(?:$|[^a-z])"
)
# Words in a job's id, name or stage that say it ships something (`deploy`, `set-automatic-deploys`).
SHIPPING_NAME = patterns.compile(
    r"(?i)(?:^|[^a-z])(deploy|deployment|publish|release|rollout|promote|ship|prod|production)s?(?:$|[^a-z])"
)
# Commands that publish packages or images, or change a running environment.
SHIPPING_COMMAND = patterns.compile(
    r"(?i)\b(?:npm|yarn|pnpm)\s+publish\b|\btwine\s+upload\b|\bpoetry\s+publish\b|\buv\s+publish\b"
    r"|\bcargo\s+publish\b|\bgem\s+push\b|\bmvn\b[^\n]*\bdeploy\b|\bgradle\w*\b[^\n]*\bpublish"
    r"|\bdocker\s+(?:image\s+)?push\b|\bdocker\s+buildx\s+build\b[^\n]*--push\b|\bcrane\s+push\b"
    r"|\bkubectl\s+(?:apply|rollout|set\s+image|delete)\b|\bhelm\s+(?:upgrade|install|push)\b"
    r"|\b(?:terraform|tofu)\s+(?:apply|destroy)\b|\bterragrunt\b[^\n]*\s(?:apply|destroy)\b|\bpulumi\s+up\b|\bcdk\s+deploy\b|\bsls\s+deploy\b|\bserverless\s+deploy\b"
    r"|\bgcloud\b[^\n]*\b(?:deploy|rolling-action)\b|\baws\s+(?:ecs\s+update-service|s3\s+sync|lambda\s+update-function-code|cloudformation\s+deploy)\b"
    r"|\baz\s+\w+[^\n]*\bdeploy\b|\bfly(?:ctl)?\s+deploy\b|\bvercel\b[^\n]*--prod\b|\bnetlify\s+deploy\b"
    r"|\bgh\s+release\s+create\b|\bskaffold\s+(?:run|deploy)\b|\bargocd\s+app\s+sync\b"
    r"|\bhelmfile\b[^\n]*\b(?:sync|apply|deploy)\b"
    # A task runner's target named for shipping (`make docker-release`, `npm run deploy:prod`, `just publish`).
    r"|\b(?:make|just|task|rake|mage|(?:npm|pnpm|yarn|bun)(?:\s+run)?)\s+(?:-\S+\s+|\w+=\S*\s+)*(?![\w:.-]*=)[\w:.-]*(?<![a-z])"
    r"(?:deploy|publish|release|push)(?![a-z])[\w:.-]*"
)
# Commands that only change a Kubernetes cluster, and those that create a throwaway one on the CI machine
# (kind, minikube, k3d, ctlptl) or the actions that do: a job deploying to the cluster it just created tests
# its manifests, it ships nothing.
_CLUSTER_COMMAND = patterns.compile(
    r"(?i)\bkubectl\s+(?:apply|rollout|set\s+image|delete)\b|\bhelm\s+(?:upgrade|install)\b"
    r"|\bskaffold\s+(?:run|deploy)\b|\bhelmfile\b[^\n]*\b(?:sync|apply|deploy)\b"
)
_LOCAL_CLUSTER = patterns.compile(
    r"(?i)\bkind\s+create\s+cluster\b|\bminikube\s+start\b|\bk3d\s+cluster\s+create\b|\bctlptl\s+create\b"
)
_LOCAL_CLUSTER_ACTION = patterns.compile(
    r"(?i)^(?:helm/kind-action|engineerd/setup-kind|medyagh/setup-minikube|manusa/actions-setup-minikube"
    r"|AbsaOSS/k3d-action|nolar/setup-k3d-k3s)\b"
)


def ships_by_command(runs: str, uses: Iterable[str] = ()) -> bool:
    """Whether a job's commands publish or deploy something: a command of `SHIPPING_COMMAND`, unless every
    one only changes a Kubernetes cluster and the job creates its own throwaway cluster first (`kind create
    cluster` then `skaffold run`)."""
    shipping = [m.group(0) for m in SHIPPING_COMMAND.finditer(runs)]
    if not shipping:
        return False
    local = bool(_LOCAL_CLUSTER.search(runs)) or any(_LOCAL_CLUSTER_ACTION.match(_action_name(u)) for u in uses)
    return not (local and all(_CLUSTER_COMMAND.match(command) for command in shipping))


# Docker's build-and-push action and its drop-in replacements (`depot/build-push-action`): with `push: true`
# the image they build is published.
_BUILD_PUSH = patterns.compile(r"(?i)^[\w.-]+/build-push-action(?:@|$)")
# Actions whose only purpose is to publish or deploy.
_SHIPPING_ACTION = patterns.compile(
    r"(?i)^(?:pypa/gh-action-pypi-publish|softprops/action-gh-release|actions/create-release|ncipollo/release-action"
    r"|google-github-actions/deploy-\w+|google-github-actions/get-gke-credentials|aws-actions/amazon-ecs-deploy-\w+"
    r"|azure/webapps-deploy|azure/k8s-deploy|azure/functions-action|peaceiris/actions-gh-pages"
    r"|actions/deploy-pages|cloudflare/wrangler-action|amondnet/vercel-action|superfly/flyctl-actions)\b"
)
_FIRST_PARTY_OWNERS = frozenset({"actions", "github"})
# Keys of a job that only pick tool versions: changing them is routine even in a job that ships.
_VERSION_KEY = patterns.compile(r"(?i)(?:^|[-_])version$")
# Keys that only bound how long a job or step may run before it is stopped (GitHub's `timeout-minutes`,
# GitLab's `timeout`, Buildkite's `timeout_in_minutes`, CircleCI's `no_output_timeout`): what it runs and
# where it ships stay the same.
_TIMING_KEYS = frozenset({"timeout-minutes", "timeout", "timeout_in_minutes", "no_output_timeout",
                          # and how a matrix's jobs run beside each other (`strategy: fail-fast`, `max-parallel`)
                          "fail-fast", "max-parallel",
                          # and the times a schedule starts a run (`schedule: [{cron: '30 9 * * MON-FRI'}]`):
                          # a schedule added, or one more entry, still changes when the workflow runs
                          "cron"})
# A GitHub-hosted runner image by its version (`ubuntu-22.04`, `windows-2022`, `macos-14`, `ubuntu-latest`): the
# toolchain a job runs on moved, not what it runs or where it ships.
_RUNNER_VERSION = patterns.compile(r"^((?:ubuntu|windows|macos)(?:-[a-z]+)?)-(?:latest|\d+(?:\.\d+)?)(?=$|-)")

GITLAB_RESERVED = frozenset({
    "stages", "variables", "include", "default", "workflow", "image", "services", "before_script",
    "after_script", "cache", "pages",
})


class Job(NamedTuple):
    name: str
    permissions: Mapping[str, int] | str  # scope -> level, or DEFAULT
    ships: bool
    environment: str | None
    shape: str  # the job with version pins left out, to tell a real change from a bump
    oidc: bool = False
    # Seconds the cloud credentials its steps request last, the longest for each action (`_lifetimes`).
    lifetimes: Mapping[str, int] = MappingProxyType({})
    # Its steps that approve or merge pull requests by themselves (`reviewing`).
    reviews: frozenset[str] = frozenset()
    # What decides whether it runs (a GitHub job's `needs` and `if`), and its shape without them (`only_gated`).
    needs: frozenset[str] = frozenset()
    condition: str = ""
    ungated: str = ""
    # Its shape with only the steps that may ship or reach outside (`consequential`); "" when it has none, so
    # where it ships cannot be told from its steps (`inert_change`).
    frame: str = ""


# Steps that approve or merge a pull request by themselves: CI satisfying a review gate for people.
_REVIEW_COMMAND = patterns.compile(
    r"\bgh\s+pr\s+(?:review\b[^\n]*?(?:--approve\b|\s-a\b)|merge\b[^\n]*)|\bglab\s+mr\s+(?:approve|merge)\b[^\n]*"
)
_REVIEW_ACTION = patterns.compile(
    r"(?i)^[\w.-]+/[\w./-]*(?:auto-?approve|auto-?merge|approve-pull-request|merge-dependabot)[\w./-]*$"
)


def reviewing(steps: list[Mapping[str, Any]]) -> frozenset[str]:
    """What in `steps` approves or merges pull (merge) requests: the command (`gh pr review --approve
    "$PR_URL"`, `gh pr merge --auto --squash`, GitLab's `glab mr approve`), or the action without its
    version (`hmarr/auto-approve-action`). A GitLab job's script is one step of `run` lines."""
    found: set[str] = set()
    for step in steps:
        uses = step.get("uses")
        if isinstance(uses, str) and _REVIEW_ACTION.match(_action_name(uses)):
            found.add(_action_name(uses))
        found.update(" ".join(m.split()) for m in _REVIEW_COMMAND.findall(str(step.get("run", ""))))
    return frozenset(found)


class Pipeline(NamedTuple):
    """One pipeline file, as far as ownership cares."""

    platform: str  # github | gitlab | circleci | woodpecker | cloudbuild | make
    triggers: frozenset[str] = frozenset()
    trigger_shape: str = ""
    jobs: Mapping[str, Job] = MappingProxyType({})
    secrets: frozenset[str] = frozenset()
    outside: frozenset[str] = frozenset()  # third-party actions, remote templates
    pinned: frozenset[str] = frozenset()  # actions every step runs at a full commit SHA (`owner/repo@<sha>`)
    unpinned: frozenset[str] = frozenset()  # actions some step runs at a tag or branch an owner can move
    # Jobs that check out a pull request's own code (`untrusted_checkout`), when a trigger holds secrets.
    untrusted: Mapping[str, str] = MappingProxyType({})  # job -> the `ref: ...` it checks out
    # Each event a GitHub workflow runs on, and the shape of its filters (`push` -> its branches).
    trigger_parts: Mapping[str, str] = MappingProxyType({})
    # Third-party actions run only by jobs that hold nothing: they ship nothing, read no secret and are granted no
    # write access. A workflow's own default token is left to the repository's settings.
    sheltered: frozenset[str] = frozenset()

    @property
    def ships(self) -> bool:
        return any(job.ships for job in self.jobs.values())


def secrets_in(text: str) -> frozenset[str]:
    """Every `secrets.NAME` (or `secrets['NAME']`) a workflow reads, GITHUB_TOKEN aside."""
    names = {a or b for a, b in _SECRET.findall(text)}
    names.discard("GITHUB_TOKEN")
    if re.search(r"(?m)^\s*secrets\s*:\s*inherit\b", text):
        names.add(INHERIT)
    return frozenset(names)


def github(document: Mapping[Any, Any], text: str) -> Pipeline:
    on = document.get("on", document.get(True))
    triggers = _triggers(on)
    top = _permissions(document) if "permissions" in document else DEFAULT
    jobs: dict[str, Job] = {}
    outside: set[str] = set()
    exposed: set[str] = set()  # third-party actions run by a job that ships, reads a secret or may write
    every_use: list[str] = []
    untrusted: dict[str, str] = {}
    raw_jobs = document.get("jobs")
    for job_id, job in (raw_jobs.items() if isinstance(raw_jobs, Mapping) else ()):
        if not isinstance(job, Mapping):
            continue
        permissions = _permissions(job) if "permissions" in job else top
        steps = [s for s in job.get("steps") or () if isinstance(s, Mapping)]
        uses = [str(s["uses"]) for s in steps if isinstance(s.get("uses"), str)]
        if isinstance(job.get("uses"), str):
            uses.append(str(job["uses"]))
        theirs = {_action_name(u) for u in uses if _third_party(u)}
        outside.update(theirs)
        every_use += uses
        if triggers & SECRET_HOLDING_TRIGGERS:
            checkout = next(filter(None, map(untrusted_checkout, steps)), None)
            if checkout is not None:
                untrusted[str(job_id)] = checkout
        runs = "\n".join(str(s.get("run", "")) for s in steps)
        called = job.get("uses")  # a reusable workflow, which the job runs whole
        given = job.get("with")
        # A reusable workflow handed an environment (`with: {environment: production}`) deploys to it.
        environment = _environment(job.get("environment")) or (
            _environment(given.get("environment")) if isinstance(called, str) and isinstance(given, Mapping) else None
        )
        name = f"{job_id} {job.get('name', '')}"
        pushes = any(
            isinstance(s.get("with"), Mapping) and _may_push(s["with"].get("push"))
            and _BUILD_PUSH.match(str(s.get("uses", ""))) for s in steps
        )
        # A job named for testing (`e2e`, `End-to-end tests`) takes an environment for the credentials it tests a
        # deployment with: it ships only by what it runs.
        tests = environment is not None and _TESTING_NAME.search(name) is not None and called is None
        ships = bool(
            (environment and not tests) or SHIPPING_NAME.search(name) or ships_by_command(runs, uses) or pushes
            or any(_SHIPPING_ACTION.match(u) for u in uses)
            or (isinstance(called, str) and SHIPPING_NAME.search(_workflow_name(called)) is not None)
            or any(map(_named_to_ship, steps))
        )
        oidc = isinstance(permissions, Mapping) and permissions.get("id-token", 0) == LEVELS["write"]
        if ships or _holds_credentials(job, steps) or _may_write(permissions):
            exposed.update(theirs)
        # Its token's permissions are judged on their own (`compare._permissions`): narrowed, nothing ships anew.
        shape = _shape({key: value for key, value in job.items() if key != "permissions"})
        needs = job.get("needs")
        ungated = _shape({key: value for key, value in job.items() if key not in ("permissions", "needs", "if")})
        jobs[str(job_id)] = Job(
            str(job_id), permissions, ships, environment, shape, oidc, _lifetimes(steps), reviewing(steps),
            frozenset(map(str, needs if isinstance(needs, list) else [needs] if needs else [])),
            _condition(job.get("if")), ungated, framed(job, ("steps",), steps),
        )
    remote = [u for u in every_use if "@" in u and not u.startswith(("./", "../", "docker://"))]
    pinned = {_action_name(u) for u in remote if _COMMIT.fullmatch(u.rpartition("@")[2])}
    unpinned = {_action_name(u) for u in remote if not _COMMIT.fullmatch(u.rpartition("@")[2])}
    return Pipeline("github", triggers, _shape(on), jobs, secrets_in(text), frozenset(outside),
                    frozenset(pinned - unpinned), frozenset(unpinned), MappingProxyType(untrusted),
                    MappingProxyType(_trigger_parts(on)), frozenset(outside - exposed))


_EXPRESSION = patterns.compile(r"^\$\{\{(.*)\}\}$", re.S)


def _condition(value: object) -> str:
    """A job's `if`, its `${{ }}` taken off and its spaces collapsed: `${{ a && b }}` and `a && b` are one."""
    text = str(value).strip() if value is not None else ""
    match = _EXPRESSION.match(text)
    return " ".join((match.group(1) if match else text).split())


# Command-line tools that reach a cloud, a cluster, another machine, a registry or the forge itself.
_REACHING_COMMAND = patterns.compile(
    r"(?i)(?<![\w.-])(?:aws|gcloud|gsutil|az|kubectl|helm|cf|oc|scp|ssh|sftp|rsync|heroku|firebase|wrangler|flyctl"
    r"|terraform|terragrunt|tofu|pulumi|cdk|sam|sls|serverless|crane|skopeo|gh|glab|vault|eval)\s"
    r"|\bdocker\s+(?:login|logout|tag|trust)\b|\bgit\s+(?:push|tag)\b"
    # what every later step of the job runs with (`echo "DOCKER_CONTENT_TRUST=0" >> $GITHUB_ENV`)
    r"|\bGITHUB_(?:ENV|PATH)\b"
    # and the repository's own scripts named for it (`./scripts/upload.sh`, `make sync-assets`)
    r"|(?<![a-z])(?:upload|sync|push)(?![a-z])"
)


def consequential(step: Any) -> bool:
    """Whether a step (a GitHub or CircleCI step, or one line of a GitLab script) may ship something or reach
    outside the CI machine: it is named for shipping, runs a shipping or reaching command, reads a secret,
    sets the environment of the steps after it (`$GITHUB_ENV`), creates the throwaway cluster the job deploys
    to, or runs an action that counts (`_consequential_action`). A test, a lint, a tool set up or an echo is
    not."""
    if isinstance(step, Mapping):
        uses = step.get("uses")
        if isinstance(uses, str) and _consequential_action(uses, step.get("with")):
            return True
        if any("/" in name for name in _step_names(step)):  # a CircleCI orb's command
            return True
        step = {key: value for key, value in step.items() if key != "uses"}  # GitHub's own, read by its inputs
    text = repr(step)
    return bool(SHIPPING_NAME.search(text) or SHIPPING_COMMAND.search(text) or _SECRET.search(text)
                or _REACHING_COMMAND.search(text) or _LOCAL_CLUSTER.search(text))


# Inputs of a set-up action that say where packages are published, under which scope, and with what credentials
# (`actions/setup-node` `registry-url` and `scope`, `actions/setup-java` `server-id`).
_PUBLISHING_INPUT = patterns.compile(r"(?i)registry|server|scope|token|password|username|credential")


def _consequential_action(uses: str, inputs: object) -> bool:
    """An action whose step counts: code other than GitHub's own simple actions (a third party's, the
    repository's own, `actions/github-script` with the job's token), a publishing action, a checkout of another
    branch, commit or repository than the run's own (`with: {ref: ...}`: in a job that ships, what ships), and
    a set-up action told where packages are published (`registry-url`, `scope`)."""
    name = _action_name(uses)
    given = inputs if isinstance(inputs, Mapping) else {}
    return bool(
        _third_party(uses) or uses.startswith(("./", "../")) or _SHIPPING_ACTION.match(name)
        or name == "actions/github-script"
        or (name.startswith("actions/checkout") and ("ref" in given or "repository" in given))
        or any(_PUBLISHING_INPUT.search(str(key)) for key in given)
    )


def framed(job: Mapping[Any, Any], keys: Iterable[str], steps: list[Any]) -> str:
    """The shape of `job` with `keys` (where its steps are) replaced by only its `consequential` steps, and
    its token's permissions left out (judged on their own); "" when no step is consequential."""
    kept = [step for step in steps if consequential(step)]
    if not kept:
        return ""
    return _shape({**{k: v for k, v in job.items() if k not in keys and k != "permissions"}, "steps": kept})


def inert_change(before: Job, after: Job) -> bool:
    """A job that ships, changed only in steps that neither ship nor reach outside (a test step added, an echo
    fixed, a lint run): it ships what it shipped, where and with what it did. A step that creates a throwaway
    cluster to deploy to is consequential: without it the job deploys wherever its credentials point."""
    return before.ships and after.ships and bool(before.frame) and before.frame == after.frame


def only_gated(before: Job, after: Job) -> bool:
    """A job changed only to wait for more jobs (`needs` gained one) and to run under its old condition and more
    (`if: A` -> `if: A && B`, a deploy now held until the regression tests pass): it ships what it shipped, when
    it did or less often. A condition added where there was none may run it when it did not run (`always()`)."""
    if not after.ungated or before.ungated != after.ungated or not before.needs <= after.needs:
        return False
    return after.condition == before.condition or (
        bool(before.condition) and after.condition.startswith(f"{before.condition} &&"))


def _workflow_name(uses: str) -> str:
    """A reusable workflow's file name without its extension: `org/repo/.github/workflows/release.yml@v1`
    and `./.github/workflows/deploy-prod.yaml` -> `release`, `deploy-prod`."""
    return posixpath.basename(uses.partition("@")[0]).rpartition(".")[0]


def untrusted_checkout(step: Mapping[Any, Any]) -> str | None:
    """The `ref` or `repository` of an `actions/checkout` step that fetches a pull request's own code
    (`ref: ${{ github.event.pull_request.head.sha }}`), else None."""
    if not _action_name(str(step.get("uses", ""))).lower().startswith("actions/checkout"):
        return None
    settings = step.get("with")
    if not isinstance(settings, Mapping):
        return None
    for key in ("ref", "repository"):
        value = settings.get(key)
        if isinstance(value, str) and _UNTRUSTED_REF.search(value):
            return f"{key}: {' '.join(value.split())}"
    return None


# A full commit SHA: the only reference to an action its owner cannot move.
_COMMIT = patterns.compile(r"[0-9a-f]{40}")


_GITLAB_SCRIPTS = ("before_script", "script", "after_script")


def gitlab(document: Mapping[Any, Any], text: str) -> Pipeline:
    jobs: dict[str, Job] = {}
    outside = {_include_name(item) for item in _as_list(document.get("include"))} - {None}
    secrets: set[str] = set()
    for job_id, job in document.items():
        if not isinstance(job_id, str) or job_id in GITLAB_RESERVED or not isinstance(job, Mapping):
            continue
        if not any(key in job for key in ("script", "trigger", "extends", "stage", "environment")):
            continue
        lines = [line for key in _GITLAB_SCRIPTS for line in _as_list(job.get(key))]
        script = "\n".join(map(str, lines))
        environment = _environment(job.get("environment"))
        stage = str(job.get("stage", ""))
        ships = bool(
            environment or SHIPPING_NAME.search(job_id) or SHIPPING_NAME.search(stage)
            or ships_by_command(script)
        )
        if isinstance(job.get("secrets"), Mapping):
            secrets.update(f"{job_id}: {name}" for name in job["secrets"])
        oidc = bool(job.get("id_tokens"))
        jobs[job_id] = Job(job_id, DEFAULT, ships, environment, _shape(job), oidc, reviews=reviewing([{"run": script}]),
                           frame=framed(job, _GITLAB_SCRIPTS, lines))
    return Pipeline("gitlab", frozenset(), "", jobs, frozenset(secrets), frozenset(n for n in outside if n))


def circleci(document: Mapping[Any, Any], text: str) -> Pipeline:
    """A CircleCI config: its jobs, the contexts (groups of secrets) its workflows hand them, its orbs, and when
    its workflows run each job (filters, approvals and the jobs each waits for)."""
    orbs = document.get("orbs")
    outside = {
        str(ref).partition("@")[0].lower() for ref in (orbs.values() if isinstance(orbs, Mapping) else ())
        if isinstance(ref, str) and not ref.lower().startswith(_FIRST_PARTY_ORBS)
    }
    jobs: dict[str, Job] = {}
    raw_jobs = document.get("jobs")
    commands = document.get("commands")
    for job_id, job in (raw_jobs.items() if isinstance(raw_jobs, Mapping) else ()):
        if not isinstance(job, Mapping):
            continue
        steps = _circleci_steps(_as_list(job.get("steps")), commands if isinstance(commands, Mapping) else {})
        runs = "\n".join(_circleci_command(step) for step in steps)
        orb_steps = [name for step in steps for name in _step_names(step) if "/" in name]
        ships = bool(
            SHIPPING_NAME.search(str(job_id)) or ships_by_command(runs)
            or any(_SHIPPING_ORB.search(name) for name in orb_steps)
        )
        jobs[str(job_id)] = Job(str(job_id), DEFAULT, ships, None, _shape({**job, "steps": steps}),
                                frame=framed(job, ("steps",), steps))
    contexts: set[str] = set()
    when: dict[str, Any] = {}
    workflows = document.get("workflows")
    for name, workflow in (workflows.items() if isinstance(workflows, Mapping) else ()):
        if not isinstance(workflow, Mapping):
            continue
        entries = []
        for entry in _as_list(workflow.get("jobs")):
            job_name, settings = (next(iter(entry.items())) if isinstance(entry, Mapping) and len(entry) == 1
                                  else (entry, None))
            settings = settings if isinstance(settings, Mapping) else {}
            contexts.update(f"context {c}" for c in _as_list(settings.get("context")))
            if str(job_name) not in jobs:  # a job an orb defines, used as it is
                ships = bool(SHIPPING_NAME.search(str(job_name)) or _SHIPPING_ORB.search(str(job_name)))
                jobs[str(job_name)] = Job(str(job_name), DEFAULT, ships, None, _shape(settings))
            # What a job waits for is part of when it runs: `requires` dropped lets a deploy go out without the
            # tests, the approval or the staging deploy it waited on.
            entries.append((str(job_name), settings.get("filters"), settings.get("type"), settings.get("requires")))
        when[str(name)] = (workflow.get("triggers"), entries)
    return Pipeline("circleci", frozenset(), _shape(when), jobs, frozenset(contexts), frozenset(outside))


def cloudbuild(document: Mapping[Any, Any], text: str) -> Pipeline:
    """A Google Cloud Build config. Its steps share one workspace, each preparing what the next runs, so the
    build is one job (`build`): it ships when a step is named for it or runs a publishing or deploying
    command (its builder image's tool, or its `entrypoint`, with its `args`, or its `script`), or when the
    build pushes images or publishes packages once its steps are done (`images`; `artifacts` other than
    `objects`, which only keeps files in a bucket). The secrets it hands
    its steps are `availableSecrets` and the older `secrets` with `secretEnv`. A builder image's tag is a
    toolchain version."""
    steps = [s for s in _as_list(document.get("steps")) if isinstance(s, Mapping)]
    if not steps:
        return Pipeline("cloudbuild")
    artifacts = document.get("artifacts")
    ships = bool(document.get("images")) or (
        isinstance(artifacts, Mapping) and any(artifacts.get(key) for key in _PUBLISHED_ARTIFACTS))
    for step in steps:
        tool = str(step.get("entrypoint") or str(_untagged(step.get("name", ""))).rsplit("/", 1)[-1])
        command = " ".join([tool, *(str(a) for a in _as_list(step.get("args")))])
        runs = f"{command}\n{step.get('script') or ''}"
        ships = ships or bool(SHIPPING_NAME.search(str(step.get("id") or "")) or ships_by_command(runs))
    build = {**{key: value for key, value in document.items() if key != "steps"},
             "steps": [{**step, "name": _untagged(step.get("name", ""))} for step in steps],
             "images": [_untagged(image) for image in _as_list(document.get("images"))]}
    job = Job("build", DEFAULT, ships, None, _shape(build))
    return Pipeline("cloudbuild", frozenset(), "", {"build": job}, frozenset(_cloudbuild_secrets(document)))


# What a Cloud Build config's `artifacts` publishes to a registry; `objects` only keeps files in a bucket.
_PUBLISHED_ARTIFACTS = ("mavenArtifacts", "pythonPackages", "npmPackages", "goModules")


def _cloudbuild_secrets(document: Mapping[Any, Any]) -> set[str]:
    """The names under which a Cloud Build config hands secrets to its steps."""
    found: set[str] = set()
    available = document.get("availableSecrets")
    if isinstance(available, Mapping):
        for entry in _as_list(available.get("secretManager")):
            if isinstance(entry, Mapping) and entry.get("env"):
                found.add(f"{entry['env']} ({entry.get('versionName', '')})".replace(" ()", ""))
        for entry in _as_list(available.get("inline")):
            if isinstance(entry, Mapping) and isinstance(entry.get("envMap"), Mapping):
                found.update(str(key) for key in entry["envMap"])
    for entry in _as_list(document.get("secrets")):
        if isinstance(entry, Mapping) and isinstance(entry.get("secretEnv"), Mapping):
            found.update(str(key) for key in entry["secretEnv"])
    return found


def woodpecker(documents: list[Mapping[Any, Any]], text: str) -> Pipeline:
    """A Woodpecker or Drone pipeline: its steps, the secrets they read and the plugins they run.

    Steps are read from `steps` (a list or a mapping), an older file's `pipeline` mapping, or the
    first Drone format's `build`, `publish` and `deploy` sections, whose every plugin ships. A file
    may hold several pipelines, one per YAML document.
    """
    jobs: dict[str, Job] = {}
    secrets: set[str] = set()
    outside: set[str] = set()
    when: dict[str, Any] = {}
    for number, document in enumerate(documents):
        prefix = f"{document.get('name')}: " if len(documents) > 1 and document.get("name") else ""
        prefix = prefix or (f"{number + 1}: " if len(documents) > 1 else "")
        when[prefix] = (document.get("when"), document.get("trigger"), document.get("branches"))
        for name, step, shipping_section in _woodpecker_steps(document):
            image = str(step.get("image", ""))
            settings = step.get("settings")
            # A plugin is configured by its settings; a step that runs commands in an image (`node:14` running
            # `npm test`, settings or not) runs the repository's own commands.
            configured = isinstance(settings, Mapping) and not step.get("commands") and not step.get("script")
            plugin = _untagged(image) if configured or shipping_section else None
            if isinstance(plugin, str) and plugin and not plugin.lower().startswith(_FIRST_PARTY_PLUGINS):
                outside.add(plugin.lower())
            commands = "\n".join(str(c) for key in ("commands", "script") for c in _as_list(step.get(key)))
            ships = bool(
                shipping_section or SHIPPING_NAME.search(name) or ships_by_command(commands)
                or (isinstance(plugin, str) and _SHIPPING_PLUGIN.search(plugin) and not _dry_run(settings))
            )
            secrets.update(_woodpecker_secrets(step))
            jobs[prefix + name] = Job(prefix + name, DEFAULT, ships, None, _shape(step))
    return Pipeline("woodpecker", frozenset(), _shape(when), jobs, frozenset(secrets), frozenset(outside))


# Plugins the CI projects themselves publish; any other image a step configures is a third party's code.
_FIRST_PARTY_PLUGINS = ("plugins/", "woodpeckerci/", "drone/", "drone-plugins/")
# Plugins that push an image or a package, upload a release, or deploy.
_SHIPPING_PLUGIN = patterns.compile(
    r"(?i)(?:^|[/-])(?:docker|docker-buildx|buildx|kaniko|ecr|gcr|acr|s3|s3-sync|github-release|gitea-release"
    r"|release|npm|pypi|helm|kube|kubernetes|heroku|ssh|scp|rsync|ansible|cloudfoundry|gh-pages|surge|netlify"
    r"|firebase|codedeploy|ecs|lambda|cloudrun|cloud-run|deploy\w*|publish\w*)$"
)


def _woodpecker_steps(document: Mapping[Any, Any]) -> list[tuple[str, Mapping[Any, Any], bool]]:
    """(name, step, whether its section ships) for every step of one pipeline document."""
    found: list[tuple[str, Mapping[Any, Any], bool]] = []
    for section in ("steps", "pipeline", "build", "publish", "deploy"):
        value = document.get(section)
        shipping = section in ("publish", "deploy")
        if section == "build" and isinstance(value, Mapping) and ("image" in value or "commands" in value):
            value = {"build": value}  # the first Drone format's single build step
        if isinstance(value, Mapping):
            found += [(str(n), step, shipping) for n, step in value.items() if isinstance(step, Mapping)]
        elif isinstance(value, list):
            found += [(str(step.get("name", n)), step, shipping) for n, step in enumerate(value)
                      if isinstance(step, Mapping)]
    return found


def _woodpecker_secrets(step: Mapping[Any, Any]) -> set[str]:
    """A step's `secrets: [name, {source: name}]` and every `from_secret: name` in its settings or environment."""
    names = {str(item.get("source", item.get("target", ""))) if isinstance(item, Mapping) else str(item)
             for item in _as_list(step.get("secrets"))}
    names |= set(_from_secret(step.get("settings"))) | set(_from_secret(step.get("environment")))
    return names - {""}


def _from_secret(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        if "from_secret" in value:
            yield str(value["from_secret"])
        for item in value.values():
            yield from _from_secret(item)
    elif isinstance(value, list):
        for item in value:
            yield from _from_secret(item)


def _dry_run(settings: Any) -> bool:
    return isinstance(settings, Mapping) and str(settings.get("dry_run", "")).lower() == "true"


# Orbs CircleCI itself publishes; any other namespace is a third party's code.
_FIRST_PARTY_ORBS = ("circleci/",)
# An orb's job or command that pushes an image or a package, or deploys.
_SHIPPING_ORB = patterns.compile(r"(?i)(?:^|[^a-z])(?:push|deploy|publish|release)")


def _step_names(step: Any) -> list[str]:
    return [str(k) for k in step] if isinstance(step, Mapping) else [str(step)]


# How deep a config's own commands may call one another before the rest is taken as written.
_COMMAND_DEPTH = 8


def _circleci_steps(steps: list[Any], commands: Mapping[Any, Any], depth: int = 0) -> list[Any]:
    """A job's steps as CircleCI runs them: a step that calls one of the config's own `commands:` is
    followed by that command's steps (their `<< parameters.x >>` left as written), so a change to a
    command that deploys is a change to the jobs that call it."""
    expanded: list[Any] = []
    for step in steps:
        names = _step_names(step)
        command = commands.get(names[0]) if len(names) == 1 and depth < _COMMAND_DEPTH else None
        if isinstance(command, Mapping):
            if isinstance(step, Mapping):
                expanded.append(step)  # the call, with the parameters it passes
            expanded += _circleci_steps(_as_list(command.get("steps")), commands, depth + 1)
        else:
            expanded.append(step)
    return expanded


def _circleci_command(step: Any) -> str:
    if not isinstance(step, Mapping):
        return ""
    run = step.get("run")
    if isinstance(run, Mapping):
        run = run.get("command")
    return "" if run is None else str(run)


# Actions that hand a job cloud credentials, the input that says how long they last, and its default.
_CREDENTIAL_ACTIONS = (
    ("aws-actions/configure-aws-credentials", "role-duration-seconds", 3600),
    ("google-github-actions/auth", "access_token_lifetime", 3600),
)
_SECONDS = patterns.compile(r"^\s*(\d+)\s*s?\s*$")


def _lifetimes(steps: list[Mapping[Any, Any]]) -> Mapping[str, int]:
    """How long the cloud credentials the steps request last, in seconds, the longest for each action: an AWS
    role session (`role-duration-seconds`, an hour unless set), a Google access token (`access_token_lifetime`,
    `3600s`). A lifetime computed at run time (`${{ ... }}`) is left out."""
    longest: dict[str, int] = {}
    for step in steps:
        uses = _action_name(str(step.get("uses", "")))
        given = step.get("with")
        inputs: Mapping[Any, Any] = given if isinstance(given, Mapping) else {}
        for action, key, default in _CREDENTIAL_ACTIONS:
            match = _SECONDS.match(str(inputs.get(key, default))) if uses == action else None
            if match is not None:
                longest[action] = max(longest.get(action, 0), int(match.group(1)))
    return MappingProxyType(longest)


def _triggers(on: Any) -> frozenset[str]:
    if isinstance(on, str):
        return frozenset({on})
    if isinstance(on, list):
        return frozenset(str(t) for t in on)
    if isinstance(on, Mapping):
        return frozenset(str(t) for t in on)
    return frozenset()


def _trigger_parts(on: Any) -> dict[str, str]:
    """Each event of `on` and the shape of its filters; `on: [push]` is `push` without filters."""
    if isinstance(on, Mapping):
        return {str(event): _shape(filters) for event, filters in on.items()}
    return {str(event): _shape(None) for event in _triggers(on)}


def _permissions(holder: Mapping[Any, Any]) -> Mapping[str, int]:
    value = holder.get("permissions")
    if isinstance(value, str):
        level = {"read-all": LEVELS["read"], "write-all": LEVELS["write"]}.get(value.strip().lower(), LEVELS["none"])
        return dict.fromkeys(SCOPES, level)
    granted = dict.fromkeys(SCOPES, LEVELS["none"])
    if isinstance(value, Mapping):
        for scope, level in value.items():
            granted[str(scope)] = LEVELS.get(str(level).strip().lower(), LEVELS["write"])
    return granted


def _environment(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("name")
    return None if value in (None, "") else str(value)


def _action_name(uses: str) -> str:
    """An action without its version: `owner/repo` of `owner/repo@v4`, the image of `docker://image:tag`."""
    if uses.startswith("docker://"):
        return f"docker://{str(_untagged(uses[len('docker://'):])).partition('@')[0]}".lower()
    return uses.partition("@")[0].lower()


# A step's input that hands it a credential (`fossa-api-key`, `token`, `password`), written in or from a secret.
_CREDENTIAL_INPUT = patterns.compile(r"(?i)key|token|password|secret|credential")


# What a step named for shipping may still only report: test results, coverage, release notes, a draft.
_REPORTING = patterns.compile(r"(?i)test|report|coverage|result|notes?\b|draft|changelog|docs?\b|storybook|preview")


def _named_to_ship(step: Mapping[str, Any]) -> bool:
    """An action's step named for shipping (`Publish Database Schema`, `Deploy to production`), or running an
    action whose path is (`acme/build-action/publish-db-migrations`), unless it only reports (`Publish test
    results`). What an action does is hidden in it; a step that runs commands is judged by them
    (`ships_by_command`), not by its name (`Publish Telescope assets` running `php artisan telescope:publish`)."""
    if not isinstance(step.get("uses"), str):
        return False
    name = str(step.get("name") or "")
    uses = str(step["uses"]).partition("@")[0]
    action = uses.split("/", 2)[2] if uses.count("/") >= 2 else ""  # the path in an action's repository
    return any(SHIPPING_NAME.search(text) and not _REPORTING.search(text) for text in (name, action) if text)


def _holds_credentials(job: Mapping[Any, Any], steps: list[Mapping[str, Any]]) -> bool:
    """A job that reads a secret, the run's own token included (`${{ secrets.GITHUB_TOKEN }}`, `github.token`),
    hands the reusable workflow it calls secrets (`secrets: inherit`), or hands a step a credential as an
    input."""
    text = repr(job)
    return bool("secrets" in job or _SECRET.search(text) or "github.token" in text or any(
        isinstance(step.get("with"), Mapping) and any(_CREDENTIAL_INPUT.search(str(key)) for key in step["with"])
        for step in steps))


def _may_write(permissions: Mapping[str, int] | str) -> bool:
    """A job's token is granted write access to some scope (the repository's default left to its settings)."""
    return isinstance(permissions, Mapping) and LEVELS["write"] in permissions.values()


def _may_push(value: object) -> bool:
    """A build-and-push step's `push`: `true`, or an expression that is true on some runs
    (`${{ github.event_name != 'pull_request' }}`)."""
    text = str(value).strip().lower() if value is not None else ""
    return text == "true" or "${{" in text


def _third_party(uses: str) -> bool:
    if uses.startswith(("./", "../")):
        return False
    if uses.startswith("docker://"):
        return True
    owner = uses.partition("/")[0].lower()
    return owner not in _FIRST_PARTY_OWNERS


def _include_name(item: Any) -> str | None:
    """A GitLab include from outside this repository (remote, another project, a template, a component)."""
    if isinstance(item, str):
        return None if item.startswith("/") or not item.startswith(("http://", "https://")) else item
    if isinstance(item, Mapping):
        for key in ("remote", "template", "component"):
            if key in item:
                return f"{key}: {item[key]}"
        if "project" in item:
            return f"project: {item['project']}"
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _shape(value: Any) -> str:
    """A canonical text of `value` with version pins and version keys left out."""
    return repr(_strip_versions(value))


def _strip_versions(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted(
            (str(k), _untagged(v) if k == "image" else _unversioned(v) if k in ("tag", "tags") else
             _RUNNER_VERSION.sub(r"\1-<version>", v) if k == "runs-on" and isinstance(v, str) else _strip_versions(v))
            for k, v in value.items() if not _VERSION_KEY.search(str(k)) and str(k) not in _TIMING_KEYS
        ))
    if isinstance(value, list):
        return tuple(_strip_versions(v) for v in value)
    if isinstance(value, str):
        if re.fullmatch(r"[\w.-]+/[\w./-]+@\S+", value):
            return _WORKFLOW_FILE.sub(r"\1.yml", value.partition("@")[0])
        if value.startswith("./"):
            value = _WORKFLOW_FILE.sub(r"\1.yml", value)
        return _RELEASE_NUMBER.sub("<version>", value)  # `release_name: gateway-1.4.10`, `VERSION="1.4.10"`
    return value


# A reusable workflow's file ending, `.yaml` or `.yml`: GitHub reads either, and a repository renaming its workflow
# files from one to the other (`deploy.yaml` -> `deploy.yml`) calls the same workflow.
_WORKFLOW_FILE = patterns.compile(r"(?<=/\.github/workflows/)([^/@]+)\.ya?ml$")
# A three-part release number in a string (`gateway-1.4.10`, `v2.1.0-rc.4`): a release bumped, not a step changed.
_RELEASE_NUMBER = patterns.compile(r"(?<![\w.])v?\d+\.\d+\.\d+(?:-[\w.]+)?(?![\w.])")


# A release's version number (`0.8`, `v2.1.0-rc.4`): bumping the one an image or package is published under is routine.
_VERSION_NUMBER = patterns.compile(r"v?\d+(?:\.\d+)*(?:[-+][\w.]+)?")


def _unversioned(tags: Any) -> Any:
    """Published tags with version numbers left out: `[0.8, latest]` -> `('latest',)`."""
    if isinstance(tags, str) and "," in tags:
        tags = [part.strip() for part in tags.split(",")]
    if isinstance(tags, list):
        return tuple(_strip_versions(t) for t in tags if not _VERSION_NUMBER.fullmatch(str(t)))
    return None if _VERSION_NUMBER.fullmatch(str(tags)) else _strip_versions(tags)


def _untagged(image: Any) -> Any:
    """A container image without its tag or digest (`cimg/node:20.11` -> `cimg/node`): a toolchain
    version. Read the way the dependency classifier reads images, so both name it alike."""
    if isinstance(image, Mapping):
        return _strip_versions({**image, "name": _untagged(image.get("name"))})
    if not isinstance(image, str):
        return _strip_versions(image)
    parsed = parse_image(image)
    return parsed.repository if parsed is not None else image


def widened(
    old: Mapping[str, int] | str, new: Mapping[str, int] | str, read_only_default: bool = False
) -> list[tuple[str, str]]:
    """The scopes `new` grants beyond `old`: (scope, "scope: old -> new"). The repository's default token
    (`old` is DEFAULT) may write to every scope but id-token, which it never holds; with `read_only_default`
    it is taken to read them only."""
    if new == DEFAULT:
        if old == DEFAULT:
            return []
        return [("permissions", "permissions block removed: the repository's default applies")]
    if old == DEFAULT:
        level = LEVELS["read"] if read_only_default else LEVELS["write"]
        old = dict.fromkeys(SCOPES, level) | {"id-token": LEVELS["none"]}
    assert isinstance(old, Mapping) and isinstance(new, Mapping)
    label = {v: k for k, v in LEVELS.items()}
    return [
        (scope, f"{scope}: {label[old.get(scope, 0)]} -> {label[level]}")
        for scope, level in sorted(new.items()) if level > old.get(scope, 0)
    ]


def write_grants(permissions: Mapping[str, int] | str) -> list[tuple[str, str]]:
    if not isinstance(permissions, Mapping):
        return []
    return [(scope, f"{scope}: write") for scope, level in sorted(permissions.items()) if level == LEVELS["write"]]


def names(items: Iterable[str]) -> str:
    ordered = sorted(items)
    return ", ".join(ordered[:5]) + (f" and {len(ordered) - 5} more" if len(ordered) > 5 else "")
