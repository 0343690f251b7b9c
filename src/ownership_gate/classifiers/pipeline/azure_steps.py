"""What a step of an Azure Pipelines job does: ships, reaches outside the CI machine, or neither.

A step is a script (`script`, `bash`, `pwsh`, `powershell`), a task
(`task: AzureCLI@2` with its `inputs`), a template (`template:
steps/deploy.yml@templates` with its `parameters`), a checkout, or a
pipeline artifact published or downloaded. Tasks are known by name, their
publisher's prefix and version left out, and by the input that says what
they are told to do (`command: push`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.pipeline.workflow import _REPORTING, SHIPPING_NAME, _environment, consequential

_SCRIPT_STEPS = ("script", "bash", "powershell", "pwsh")
# A task's inputs that hold a script it runs (`Bash@3`'s `script`, `AzureCLI@2`'s `inlineScript`,
# `AzurePowerShell@5`'s `Inline`), read lower-cased.
_SCRIPT_INPUTS = ("script", "inlinescript", "inline")
# Tasks whose purpose is to run a script: they count by what the script does.
_SCRIPT_TASKS = frozenset({"cmdline", "bash", "powershell", "shellscript", "batchscript", "pythonscript"})
# Tasks that ship whatever their inputs: they deploy an application, a template, a database or files.
_DEPLOYING_TASKS = frozenset({
    "azurewebapp", "azurefunctionapp", "azurermwebappdeployment", "azurewebappcontainer",
    "azurefunctionappcontainer", "azureresourcemanagertemplatedeployment", "azureresourcegroupdeployment",
    "sqlazuredacpacdeployment", "azuremysqldeployment", "azurestaticwebapp", "azurecontainerapps",
    "azurefilecopy", "azureappservicemanage", "servicefabricdeploy", "iiswebappdeploymentonmachinegroup",
    "githubrelease",
})
# Tasks that ship when one input says so: (input, its values that ship), names and values lower-cased.
_DEPLOYING_INPUTS: Mapping[str, tuple[str, frozenset[str]]] = {
    "kubernetesmanifest": ("action", frozenset({"deploy", "promote", "delete", "patch", "scale"})),
    "kubernetes": ("command", frozenset({"apply", "delete", "set", "patch", "replace", "rollout", "scale"})),
    "helmdeploy": ("command", frozenset({"upgrade", "install", "rollback", "uninstall", "delete", "push", "save"})),
    "nugetcommand": ("command", frozenset({"push"})),
    "dotnetcorecli": ("command", frozenset({"push"})),
    "npm": ("command", frozenset({"publish"})),
    "universalpackages": ("command", frozenset({"publish"})),
}
# Terraform's tasks (Microsoft DevLabs' `TerraformTaskV4`, `TerraformTask`, `TerraformCLI`): `apply` or `destroy`.
_TERRAFORM_TASK = patterns.compile(r"^terraform(?:taskv?\d*|cli)$")
# Tasks that only set up a tool, cache files or report test results: inert in a job that ships.
_INERT_TASKS = frozenset({"publishtestresults", "publishcodecoverageresults", "cache"})
_INSTALLER_TASK = patterns.compile(r"^use[a-z]|tool$|installer$")
# The commands of a task that builds, tests or fetches packages, no more (`DotNetCoreCLI` builds when not told).
_INERT_COMMANDS: Mapping[str, tuple[frozenset[str], str]] = {
    "dotnetcorecli": (frozenset({"build", "test", "restore"}), "build"),
    "npm": (frozenset({"install", "ci"}), "install"),
    "nugetcommand": (frozenset({"restore"}), "restore"),
}
# What a step may do besides shipping and reaching out: set what later steps run with, or hold the run's token.
SETS_LATER_STEPS = patterns.compile(r"##vso\[task\.(?:setvariable|prependpath)|System\.AccessToken")
# A step template named for pushing an image, a chart or a package (`push-to-helm-chart-repo.yaml`).
_PUSHING = patterns.compile(r"(?i)(?:^|[^a-z])push")


def task(step: Mapping[Any, Any]) -> tuple[str, int, Mapping[str, Any]]:
    """A task step's name (lower-cased, without its publisher's prefix), major version and inputs (their
    names lower-cased): `AzureCLI@2` -> `azurecli`, 2."""
    name, _, major = str(step.get("task", "")).partition("@")
    given = step.get("inputs")
    inputs = {str(key).lower(): value for key, value in given.items()} if isinstance(given, Mapping) else {}
    major = major.strip().partition(".")[0]
    return name.rsplit(".", 1)[-1].strip().lower(), int(major) if major.isdigit() else 0, inputs


def script(step: Mapping[Any, Any]) -> str:
    """The commands a step runs: a script step's, or a task's inline script."""
    texts = [step[key] for key in _SCRIPT_STEPS if key in step]
    if "task" in step:
        inputs = task(step)[2]
        texts += [inputs[key] for key in _SCRIPT_INPUTS if key in inputs]
    return "\n".join(str(text) for text in texts if text is not None)


def deploys(step: Mapping[Any, Any]) -> bool:
    """A deploying task: one that deploys whatever it is given, or one told to (`command: push`)."""
    if "task" not in step:
        return False
    name, major, inputs = task(step)
    if name in _DEPLOYING_TASKS:
        return True
    if _TERRAFORM_TASK.match(name):
        return str(inputs.get("command", "")).strip().lower() in ("apply", "destroy")
    if name == "docker":  # `buildAndPush` is what `Docker@2` does when not told
        command = str(inputs.get("command", "buildAndPush" if major >= 2 else "build")).replace(" ", "").lower()
        return command in ("push", "buildandpush")
    if name == "dockercompose":
        return "push" in str(inputs.get("action", "")).lower()
    if name == "maven":
        return "deploy" in str(inputs.get("goals", "")).lower()
    if name == "gradle":
        return "publish" in str(inputs.get("tasks", "")).lower()
    if name in _DEPLOYING_INPUTS:
        key, values = _DEPLOYING_INPUTS[name]
        return str(inputs.get(key, "")).strip().lower() in values
    return False


def named_to_ship(step: Mapping[Any, Any]) -> bool:
    """A step template whose path is named for shipping or pushing, as a CircleCI orb's command is
    (`templates/deploy-app.yml@templates`, `docker/docker-push-azure.yaml@templates`), unless it only reports
    (`publish-test-results.yml`)."""
    path = step.get("template")
    if not isinstance(path, str) or _REPORTING.search(path):
        return False
    return bool(SHIPPING_NAME.search(path) or _PUSHING.search(path))


def handed_environment(step: Mapping[Any, Any]) -> bool:
    """A step template handed an environment to act on (`parameters: {environment: prod}`), as a reusable
    GitHub workflow is: the template deploys there."""
    given = step.get("parameters")
    return "template" in step and isinstance(given, Mapping) and _environment(given.get("environment")) is not None


def counts(step: Any) -> bool:
    """Whether a step may ship something or reach outside the CI machine (`consequential`), read the Azure
    way: a template (code this file does not hold) always; a checkout of another repository or one that keeps
    its credentials for the steps after it; a task unless it only sets up a tool, builds, tests or reports
    (`UseDotNet@2`, `DotNetCoreCLI@2` with `command: test`, `PublishTestResults@2`), and a script task by its
    script. Pipeline artifacts published or downloaded stay in the run. A script counts as `consequential`
    says, and when it hands later steps variables or holds the run's token (`System.AccessToken`)."""
    if not isinstance(step, Mapping):
        return consequential(step)
    if "template" in step:
        return True
    if "checkout" in step:
        persisted = str(step.get("persistCredentials", "")).lower() == "true"
        return persisted or str(step["checkout"]).lower() not in ("self", "none")
    if "publish" in step or "download" in step:
        return False
    if "task" in step:
        name, _, inputs = task(step)
        if name not in _SCRIPT_TASKS:
            return not _inert_task(name, inputs)
        step = {key: value for key, value in step.items() if key != "task"}  # `Bash@3` runs what its inputs say
    return consequential(step) or bool(SETS_LATER_STEPS.search(repr(step)))


def _inert_task(name: str, inputs: Mapping[str, Any]) -> bool:
    if name in _INERT_TASKS or _INSTALLER_TASK.search(name):
        return True
    if name in _INERT_COMMANDS:
        commands, default = _INERT_COMMANDS[name]
        return str(inputs.get("command", default)).strip().lower() in commands
    return False

