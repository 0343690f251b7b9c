"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards.

One SARIF rule per policy rule (plus the built-in `policy-file` and `classifier-error` rules), each
linking to the README section that explains it; one result per finding
above the default level, always with a region (line 1 when the finding has
no line: code scanning drops results without one) and a message of whole
sentences. A result is an `error` while its sign-off is missing, a
`warning` in advisory mode and a `note` once the sign-off is given.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse

from ownership_gate import __version__
from ownership_gate.classifiers import BUILT_IN_RULES
from ownership_gate.model import ChangeVerdict, Finding, Verdict
from ownership_gate.output.common import finding_title, how_to_sign_off
from ownership_gate.output.links import rule_help_url
from ownership_gate.policy.model import Policy, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _level(verdict: Verdict) -> str:
    if verdict.passed:
        return "note"
    return "warning" if verdict.advisory else "error"


def _rules(policy: Policy) -> list[dict[str, object]]:
    entries: list[tuple[str, str, str, Rule | None]] = [(r.id, r.level, r.reason, r) for r in policy.rules]
    entries += [(rule_id, policy.top_level, reason, None) for rule_id, reason in BUILT_IN_RULES.values()]
    default = policy.rank(policy.default_level)
    rules: list[dict[str, object]] = []
    for rule_id, level, reason, rule in entries:
        ways = how_to_sign_off(policy.level(level)) if policy.rank(level) > 0 else []
        help_text = reason or f"Changes matching this rule are at the {level} level."
        if ways:
            help_text += "\nTo sign off, one of:\n" + "\n".join(f"- {w}" for w in ways)
        rules.append({
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": f"Needs {level} sign-off ({rule_id})"},
            "fullDescription": {"text": reason or f"Changes matching {rule_id} are at the {level} level."},
            "help": {"text": help_text},
            "helpUri": rule_help_url(rule),
            "defaultConfiguration": {"level": "error" if policy.rank(level) > default else "none"},
            "properties": {"ownershipLevel": level, "tags": ["ownership", level]},
        })
    return rules


def _result(
    change_verdict: ChangeVerdict, finding: Finding, index: dict[str, int], level: str
) -> dict[str, object]:
    path = change_verdict.change.path
    tag = f"{finding.type}/{finding.kind}" if finding.kind else finding.type
    where = f", line {finding.line}" if finding.line else ""
    what = f"{finding.detail} ({tag}{where})" if finding.detail else finding_title(finding)
    message = f"{_sentence(what)} Needs {finding.level} sign-off under rule {finding.rule}."
    location: dict[str, object] = {
        "artifactLocation": {"uri": urllib.parse.quote(path), "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": finding.line or 1},
    }
    identity = "\0".join((str(finding.rule), path, finding.type, finding.kind or "", finding.subject))
    return {
        "ruleId": finding.rule,
        "ruleIndex": index[str(finding.rule)],
        "level": level,
        "message": {"text": message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"ownershipGateFinding/v1": hashlib.sha256(identity.encode()).hexdigest()},
        "properties": {
            "ownershipLevel": finding.level,
            "findingType": finding.type,
            "findingKind": finding.kind,
            "subject": finding.subject,
            "changeStatus": change_verdict.change.status,
        },
    }


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def document(verdict: Verdict, policy: Policy) -> dict[str, object]:
    rules = _rules(policy)
    index = {str(rule["id"]): n for n, rule in enumerate(rules)}
    default = policy.rank(verdict.default_level)
    level = _level(verdict)
    results = [
        _result(cv, f, index, level)
        for cv in verdict.changes
        for f in cv.findings
        if f.rule in index and f.level is not None and policy.rank(f.level) > default
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ownership-gate",
                "version": __version__,
                "rules": rules,
            }},
            "results": results,
            "properties": {
                "base": verdict.base,
                "head": verdict.head,
                "policy": verdict.policy_source,
                "requiredLevel": verdict.required_level,
                "needsSignoff": verdict.needs_signoff,
                "satisfied": verdict.passed,
                "evidence": [e.to_json() for e in verdict.signoff.evidence],
            },
        }],
    }


def render(verdict: Verdict, policy: Policy, color: bool = False) -> str:
    return json.dumps(document(verdict, policy), indent=2, ensure_ascii=False) + "\n"
