"""Azure Pipelines YAML (Azure DevOps), read into the facts a `Pipeline` holds.

A pipeline's jobs are Azure's jobs, its stages flattened: `stages: -
stage: Prod  jobs: - job: Migrate` is the job `Prod/Migrate`, a
`deployment:` job the same; a file without stages has its `jobs:`, or
its `steps:` as one job, `Job`. A job or stage that is only a template
(`- template: deploy.yml@templates` with `parameters:`) is one job named
for the template; the template's own file is not read. Items inserted by
template expressions (`- ${{ if ... }}:`, `- ${{ each env in ... }}:`) are
read as written, once. What a job runs with is part of it: its stage's
settings, the pipeline's variables and pool, and the run's parameters it
(or the expression that inserts it) reads.

A job ships when it is a `deployment:` job (its `environment:` is its
environment), when its stage's or its own name or display name is named
for shipping, when it runs a shipping command (its scripts, and the inline
script of a task), a deploying task (`AzureWebApp@1`, `HelmDeploy@0` with
`command: upgrade`, `Docker@2` pushing, ...) or a step template whose path
is named for shipping or pushing, or that is handed an `environment`; a
template job ships by its path, its stage's name or an `environment`
parameter. The secrets it reads are its variable
groups, the key vault secrets `AzureKeyVault` tasks fetch and the service
connections its tasks and templates are given; outside code is a
repository resource (`resources.repositories`) whose templates it uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.pipeline.azure_steps import (
    SETS_LATER_STEPS,
    counts,
    deploys,
    handed_environment,
    named_to_ship,
    script,
    task,
)
from ownership_gate.classifiers.pipeline.workflow import (
    _RUNNER_VERSION,
    _TESTING_NAME,
    DEFAULT,
    SHIPPING_NAME,
    Job,
    Pipeline,
    _as_list,
    _environment,
    _shape,
    reviewing,
    ships_by_command,
)

# A job without stages or jobs around its steps: Azure names it `Job`.
IMPLICIT = "Job"

# Inputs and template parameters that name a service connection: the credentials a task reaches Azure, a
# cluster, a registry or another forge with.
_SERVICE_CONNECTION = patterns.compile(
    r"(?i)^(?:azureSubscription(?:Endpoint)?|azureResourceManagerConnection|connectedServiceName(?:ARM)?"
    r"|environmentServiceName\w*|backendServiceArm|kubernetesService(?:Connection|Endpoint)"
    r"|dockerRegistry(?:ServiceConnection|Endpoint)|containerRegistry|serviceConnection|\w+ServiceConnection"
    r"|gitHubConnection|publishFeedCredentials)$"
)
# A value that is only a reference (`${{ parameters.subscription }}`, `$(serviceConnection)`): the name is where
# the parameter's or variable's value is written.
_REFERENCE = patterns.compile(r"^\s*(?:\$\{\{.*\}\}|\$\(.*\)|\$\[.*\])\s*$", re.S)
# Keys that only bound how long a job or step runs, and a tool's version (`versionSpec`, `dotnetVersion`).
_TIMING = frozenset({"timeoutInMinutes", "cancelTimeoutInMinutes"})
_VERSION_NAME = patterns.compile(r"(?:^[Vv]|[-_][Vv]|(?<=[a-z0-9])V)ersion(?:Spec|ToInstall)?$")
# A task's version: its major (`AzureCLI@2`), or a marketplace task's full version (`gitversion/setup@3.0.3`).
_TASK_VERSION = patterns.compile(r"@[\d.]+$")
# Where a job waits or is skipped; the rest of it is what it runs.
_GATES = ("dependsOn", "condition")
_REPOSITORY_TYPES = frozenset({"github", "githubenterprise", "git", "bitbucket"})


# A job of the file: its name, what it runs with (`whole`: the pipeline's settings it reads, its stage's, the job,
# the template expressions that insert it), and the stages it waits on unless it says otherwise.
Entry = tuple[str, dict[str, Any], frozenset[str]]


def azure(document: Mapping[Any, Any], text: str) -> Pipeline:
    """An Azure Pipelines file: its jobs, the secrets and service connections it reads, the template
    repositories whose templates it uses, and how it is started (see the module docstring)."""
    entries = _entries(document, document)
    extends = document.get("extends")
    if isinstance(extends, Mapping) and isinstance(extends.get("template"), str):
        given = extends.get("parameters")
        body = given if isinstance(given, Mapping) else {}
        rest = {key: value for key, value in body.items() if key not in ("stages", "jobs", "steps")}
        job = {"template": extends["template"], "parameters": rest}
        entries.insert(0, (f"extends {extends['template']}", _whole(document, {}, job, ()), frozenset()))
        entries += _entries(body, document)
    jobs: dict[str, Job] = {}
    repositories = _repositories(document)
    exposed: set[str] = set()
    for name, whole, implicit in entries:
        read = jobs[name] = _job(name, whole, implicit)
        if read.ships or _credentials(whole) or SETS_LATER_STEPS.search(repr(whole)):
            exposed |= _aliases(whole)
    used = _aliases(document) & repositories.keys()
    exposed |= _aliases(extends)  # the template the whole pipeline is
    parts = _trigger_parts(document)
    return Pipeline(
        "azure", frozenset(parts), _shape(parts), jobs, frozenset(_credentials(document)),
        frozenset(repositories[alias] for alias in used), trigger_parts=parts,
        sheltered=frozenset(repositories[alias] for alias in used - exposed),
    )


def _entries(body: Mapping[Any, Any], document: Mapping[Any, Any]) -> list[Entry]:
    """Every job of a pipeline body: its stages' jobs, its own `jobs`, or its `steps` as one job. A stage
    waits on the one written before it unless it says otherwise (`dependsOn`); a job runs beside the others
    of its stage."""
    found: list[Entry] = []
    names: set[str] = set()

    def add(name: str, whole: dict[str, Any], implicit: frozenset[str]) -> None:
        unique, number = name, 1
        while unique in names:
            number += 1
            unique = f"{name} #{number}"
        names.add(unique)
        found.append((unique, whole, implicit))

    previous: frozenset[str] = frozenset()
    for number, (stage, around) in enumerate(_inserted(body.get("stages"))):
        if not isinstance(stage, Mapping):
            continue
        if "stage" not in stage and isinstance(stage.get("template"), str):
            add(str(stage["template"]), _whole(document, {}, stage, around), previous)
            previous = frozenset({str(stage["template"])})  # its own stages are not read
            continue
        stage_id = str(stage.get("stage") or f"stage{number + 1}")
        settings = {key: value for key, value in stage.items() if key != "jobs"}
        for job, within in _inserted(stage.get("jobs")):
            if isinstance(job, Mapping):
                add(f"{stage_id}/{_job_id(job)}", _whole(document, settings, job, around + within), previous)
        previous = frozenset({stage_id})
    for job, around in _inserted(body.get("jobs")):
        if isinstance(job, Mapping):
            add(_job_id(job), _whole(document, {}, job, around), frozenset())
    if body.get("steps"):
        add(IMPLICIT, _whole(document, {}, {"steps": body["steps"]}, ()), frozenset())
    return found


# A run's parameter, as a template expression or a macro reads it (`parameters.environments`, `parameters['env']`).
_PARAMETER = patterns.compile(r"\bparameters\s*(?:\.\s*([\w-]+)|\[\s*['\"]([^'\"]+)['\"]\s*\])")


def _whole(
    document: Mapping[Any, Any], stage: Mapping[Any, Any], job: Mapping[Any, Any], around: tuple[str, ...]
) -> dict[str, Any]:
    """What a job runs with: the pipeline's variables and agent pool, the run's parameters it or they read
    (a `${{ each env in parameters.environments }}` it stands in included), its stage's settings, the job,
    and the template expressions that insert it."""
    pipeline = {key: document[key] for key in ("variables", "pool") if key in document}
    read = {a or b for a, b in _PARAMETER.findall(repr((pipeline, stage, job, around)))}
    declared = document.get("parameters")
    if isinstance(declared, list):
        given: Any = [p for p in declared if isinstance(p, Mapping) and str(p.get("name")) in read]
    else:
        given = {k: v for k, v in declared.items() if str(k) in read} if isinstance(declared, Mapping) else None
    if given:
        pipeline["parameters"] = given
    whole = {"pipeline": pipeline, "stage": stage, "job": job}
    return {**whole, "inserted": list(around)} if around else whole


def _job_id(job: Mapping[Any, Any]) -> str:
    for key in ("job", "deployment"):
        if key in job:
            return str(job[key] or IMPLICIT)
    return str(job.get("template", IMPLICIT))


def _job(name: str, whole: Mapping[str, Any], implicit: frozenset[str]) -> Job:
    stage, job = whole["stage"], whole["job"]
    titles = " ".join(str(holder.get(key) or "") for holder in (stage, job)
                      for key in ("stage", "job", "deployment", "template", "displayName"))
    if "template" in job and "job" not in job and "deployment" not in job:
        given = job.get("parameters")
        environment = _environment(given.get("environment")) if isinstance(given, Mapping) else None
        ships = bool(environment or SHIPPING_NAME.search(titles))
        return Job(name, DEFAULT, ships, environment, _job_shape(whole), **_gates(whole, implicit))
    steps = _steps_in(job)
    runs = "\n".join(script(step) for step in steps)
    environment = _environment(job.get("environment")) if "deployment" in job else None
    # A job named for testing (`Acceptance Tests Staging`) hands a template the environment it tests.
    handed = not _TESTING_NAME.search(titles) and any(map(handed_environment, steps))
    ships = bool(
        "deployment" in job or SHIPPING_NAME.search(titles) or ships_by_command(runs)
        or any(map(deploys, steps)) or any(map(named_to_ship, steps)) or handed
    )
    return Job(name, DEFAULT, ships, environment, _job_shape(whole), reviews=reviewing([{"run": runs}]),
               frame=_frame(whole), **_gates(whole, implicit))


def _job_shape(whole: Mapping[Any, Any]) -> str:
    return _shape(_trimmed(whole))


def _gates(whole: Mapping[str, Any], implicit: frozenset[str]) -> dict[str, Any]:
    """What the job waits on (its stage's `dependsOn`, or the stage before it when none is written, and its
    own), its stage's and its own `condition`, and its shape without them (see `only_gated`)."""
    stage, job = whole["stage"], whole["job"]
    waits = {f"stage {s}" for s in (_waits(stage) if "dependsOn" in stage else implicit)}
    waits |= {f"job {j}" for j in _waits(job)}
    condition = "; ".join(" ".join(str(holder["condition"]).split()) for holder in (stage, job)
                          if holder.get("condition") not in (None, ""))
    ungated = {**whole, "stage": _ungated(whole["stage"]), "job": _ungated(whole["job"])}
    return {"needs": frozenset(waits), "condition": condition, "ungated": _job_shape(ungated)}


def _waits(holder: Mapping[Any, Any]) -> list[str]:
    return [str(item) for item in _items(holder.get("dependsOn")) if isinstance(item, (str, int))]


def _ungated(holder: Mapping[Any, Any]) -> dict[Any, Any]:
    return {key: value for key, value in holder.items() if key not in _GATES}


def _items(value: Any) -> list[Any]:
    """The items of a list, those a template expression inserts (`- ${{ if ... }}:`, `- ${{ each ... }}:`)
    spliced in where it stands."""
    return [item for item, _ in _inserted(value)]


def _inserted(value: Any, around: tuple[str, ...] = ()) -> list[tuple[Any, tuple[str, ...]]]:
    """The items of a list (see `_items`), each with the template expressions that insert it."""
    found: list[tuple[Any, tuple[str, ...]]] = []
    for item in _as_list(value):
        if isinstance(item, Mapping) and len(item) == 1 and str(next(iter(item))).lstrip().startswith("${{"):
            (expression, items), = item.items()
            found += _inserted(items, (*around, str(expression)))
        else:
            found.append((item, around))
    return found


def _steps_in(value: Any) -> list[Mapping[Any, Any]]:
    """Every step of a job: its `steps`, and a deployment's, in each hook of its `strategy`."""
    found: list[Mapping[Any, Any]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "steps":
                found += [step for step in _items(item) if isinstance(step, Mapping)]
            elif key != "parameters":
                found += _steps_in(item)
    elif isinstance(value, list):
        for item in value:
            found += _steps_in(item)
    return found


def _frame(whole: Mapping[Any, Any]) -> str:
    """The job's shape with only the steps that count (`counts`), in `steps` and in a deployment's hooks; ""
    when none does (see `inert_change`). This is `framed` with Azure's steps read the Azure way: a task is a
    mapping whose inputs the generic reading does not know."""
    def keep(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {key: [s for s in _items(item) if counts(s)] if key == "steps" else keep(item)
                    for key, item in value.items()}
        if isinstance(value, list):
            return [keep(item) for item in value]
        return value

    framed = keep(whole)
    return _job_shape(framed) if any(_lists_of_steps(framed)) else ""


def _lists_of_steps(value: Any) -> Iterable[list[Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "steps" and isinstance(item, list):
                yield item
            else:
                yield from _lists_of_steps(item)
    elif isinstance(value, list):
        for item in value:
            yield from _lists_of_steps(item)


def _trimmed(value: Any) -> Any:
    """`value` without what only picks a tool version or bounds a run's time: `timeoutInMinutes`, keys named
    for a version (`versionSpec`, `dotnetVersion`) and variables so named, a task's major version (`AzureCLI@2`
    -> `AzureCLI`), a hosted agent image's version (`vmImage: ubuntu-22.04`)."""
    if isinstance(value, Mapping):
        if set(value) <= {"name", "value", "readonly"} and _VERSION_NAME.search(str(value.get("name", ""))):
            return {"name": value["name"]}
        trimmed: dict[str, Any] = {}
        for key, item in value.items():
            key = str(key)
            if key in _TIMING or _VERSION_NAME.search(key):
                continue
            if key == "task" and isinstance(item, str):
                trimmed[key] = _TASK_VERSION.sub("", item.strip())
            elif key == "vmImage" and isinstance(item, str):
                trimmed[key] = _RUNNER_VERSION.sub(r"\1-<version>", item)
            else:
                trimmed[key] = _trimmed(item)
        return trimmed
    if isinstance(value, list):
        return [_trimmed(item) for item in value]
    return value


def _credentials(value: Any) -> set[str]:
    """The secrets `value` reads: variable groups (`group NAME`), the secrets `AzureKeyVault` tasks fetch
    (`keyvault NAME: secret`, `*` for all of them), and the service connections tasks and templates are given
    by name (`service connection NAME`; a reference such as `$(serviceConnection)` is read where its value is
    written, if in this file)."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        if len(value) == 1 and isinstance(value.get("group"), str):
            found.add(f"group {value['group']}")
        name, _, inputs = task(value) if "task" in value else ("", 0, {})
        if name == "azurekeyvault":
            vault = inputs.get("keyvaultname", "")
            wanted = [part.strip() for part in str(inputs.get("secretsfilter", "*")).split(",")]
            found.update(f"keyvault {vault}: {secret}" for secret in wanted if secret)
        if "name" in value and _SERVICE_CONNECTION.match(str(value["name"])):  # a variable, or a parameter's choices
            for key in ("value", "default", "values"):
                for choice in _as_list(value.get(key)):
                    found |= _connection(choice)
        for key, item in value.items():
            if _SERVICE_CONNECTION.match(str(key)):
                found |= _connection(item)
            else:
                found |= _credentials(item)
    elif isinstance(value, list):
        for item in value:
            found |= _credentials(item)
    return found


def _connection(value: Any) -> set[str]:
    if not isinstance(value, str) or not value.strip() or _REFERENCE.match(value):
        return set()
    return {f"service connection {value.strip()}"}


def _repositories(document: Mapping[Any, Any]) -> dict[str, str]:
    """Each repository resource of another repository, by its alias: `repository owner/name (ref)`."""
    resources = document.get("resources")
    found: dict[str, str] = {}
    for item in _items(resources.get("repositories") if isinstance(resources, Mapping) else None):
        if not isinstance(item, Mapping) or str(item.get("type", "")).lower() not in _REPOSITORY_TYPES:
            continue
        ref = str(item.get("ref") or "default branch").removeprefix("refs/heads/")
        found[str(item.get("repository"))] = f"repository {item.get('name')} ({ref})"
    return found


def _aliases(value: Any) -> set[str]:
    """The repository aliases of the templates `value` uses (`template: deploy.yml@templates`)."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "template" and isinstance(item, str) and "@" in item:
                found.add(item.rpartition("@")[2].strip())
            else:
                found |= _aliases(item)
    elif isinstance(value, list):
        for item in value:
            found |= _aliases(item)
    return found


# A trigger left out runs the pipeline for every branch (`trigger` on a push, `pr` on a pull request).
_EVERY_BRANCH = {"branches": {"include": ["*"]}}


def _trigger_parts(document: Mapping[Any, Any]) -> dict[str, str]:
    """Each way the pipeline starts and the shape of its filters: `trigger` (a push), `pr`, `schedules`, and
    the completion of another pipeline (`resources.pipelines`, `pipeline ALIAS`) or a push to another
    repository (`resources.repositories` with a `trigger`, `repository ALIAS`). `trigger: none` is none."""
    parts: dict[str, str] = {}
    for key in ("trigger", "pr"):
        value = document.get(key, _EVERY_BRANCH)
        if value is not None and str(value).strip().lower() not in ("none", "false"):
            parts[key] = _shape(_branches(value))
    if document.get("schedules"):
        parts["schedules"] = _shape(document["schedules"])
    resources = document.get("resources")
    resources = resources if isinstance(resources, Mapping) else {}
    for kind, section in (("pipeline", "pipelines"), ("repository", "repositories")):
        for item in _items(resources.get(section)):
            if not isinstance(item, Mapping):
                continue
            trigger = item.get("trigger")
            if trigger is None or str(trigger).strip().lower() in ("none", "false"):
                continue
            source = {key: item.get(key) for key in ("source", "project", "name") if key in item}
            parts[f"{kind} {item.get(kind)}"] = _shape({**source, "trigger": _branches(trigger)})
    return parts


def _branches(value: Any) -> Any:
    """A trigger's filters, a list of branches written as the `branches: include:` it stands for."""
    if isinstance(value, (list, str)):
        return {"branches": {"include": _as_list(value)}}
    return value
