"""Run a policy's own `tests:` through the engine that judges real changes.

A path test judges a synthetic edit at that path (a rename when `old_path`
is given); a finding test injects that one finding. Only the classifiers
are replaced: which rules match, excludes, strictest-wins and the policy
file's own rule are the engine's, so a passing test means `check` agrees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ownership_gate.classifiers import REGISTRY, Context
from ownership_gate.engine.judge import Engine
from ownership_gate.model import Change, ChangeVerdict, Finding
from ownership_gate.output.quoting import quote_path
from ownership_gate.policy.model import Policy, PolicyTest
from ownership_gate.policy.select import policy_paths

_INJECTED = "policy-tests:injected"


class _InjectingEngine(Engine):
    """The engine with its classifiers swapped for the test's own finding."""

    def classify(self, change: Change, context: Context) -> list[Finding]:
        injected: list[Finding] = context.memo.get(_INJECTED, [])
        # The policy-file finding still comes from its real classifier: it
        # reads nothing but the path, and a test on the policy file must see it.
        return [*injected, *REGISTRY["policy"].classify(change, context)]


class TestResult(NamedTuple):
    number: int
    test: PolicyTest
    verdict: ChangeVerdict

    @property
    def passed(self) -> bool:
        return self.verdict.level == self.test.expect


def _finding(spec: Mapping[str, str]) -> Finding:
    return Finding(
        type=spec["type"],
        kind=spec.get("kind"),
        subject=spec.get("subject", ""),
        ecosystem=spec.get("ecosystem"),
        scope=spec.get("scope"),
        vendor=spec.get("vendor"),
        detail="injected by a policy test",
    )


def _no_blobs(oids: Sequence[str]) -> list[bytes | None]:
    return [None] * len(oids)


def run(policy: Policy) -> list[TestResult]:
    engine = _InjectingEngine(policy, policy_paths(policy))
    results = []
    for number, test in enumerate(policy.tests):
        if test.old_path is not None and test.old_path != test.path:
            change = Change(status="renamed", path=test.path, old_path=test.old_path)
        else:
            change = Change(status="modified", path=test.path)
        context = Context([change], _no_blobs, policy.classify, REGISTRY, engine.policy_paths)
        if test.finding is not None:
            context.memo[_INJECTED] = [_finding(test.finding)]
        results.append(TestResult(number, test, engine.judge(change, context)))
    return results


def describe(result: TestResult) -> str:
    test = result.test
    what = f"path {test.path!r}"
    if test.old_path is not None and test.old_path != test.path:
        what = f"rename {test.old_path!r} -> {test.path!r}"
    if test.finding is not None:
        spec = test.finding
        kind = f"/{spec['kind']}" if spec.get("kind") else ""
        subject = f" {spec['subject']}" if spec.get("subject") else ""
        about = ", ".join(f"{spec[k]}{' vendor' if k == 'vendor' else ''}" for k in ("scope", "vendor") if spec.get(k))
        what += f" with finding {spec['type']}{kind}{subject}" + (f" ({about})" if about else "")
    return what


def failure_message(policy: Policy, result: TestResult) -> str:
    fired = [f"{f.rule} ({f.level})" for f in result.verdict.findings if f.rule is not None]
    because = f"rules that fired: {', '.join(fired)}" if fired else "no rule matched, so the default level applies"
    return (
        f"{quote_path(policy.source)}:{result.test.line}: tests[{result.number}]: {describe(result)}:"
        f" expected {result.test.expect}, got {result.verdict.level} ({because})"
    )
