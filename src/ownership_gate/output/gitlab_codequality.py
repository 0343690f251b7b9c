"""`--format gitlab-codequality`: GitLab's Code Quality report, so findings show in the merge request.

A JSON array with one issue per finding above the default level, the
fields GitLab's Code Quality report format asks for: `description`,
`check_name` (the policy rule), `fingerprint`, `severity` and
`location.path` with `location.lines.begin`. The severity is `major`
while the sign-off is missing, `minor` in advisory mode and `info` once
it is given. A fingerprint is stable across runs (it leaves out the line,
so moving a finding does not make it new) and unique in the report,
since GitLab shows only the first issue of each fingerprint.
"""

from __future__ import annotations

import hashlib
import json

from ownership_gate.model import Verdict
from ownership_gate.output.common import finding_title
from ownership_gate.policy.model import Policy


def _severity(verdict: Verdict) -> str:
    if verdict.passed:
        return "info"
    return "minor" if verdict.advisory else "major"


def issues(verdict: Verdict, policy: Policy) -> list[dict[str, object]]:
    default = policy.rank(verdict.default_level)
    severity = _severity(verdict)
    seen: dict[str, int] = {}
    found: list[dict[str, object]] = []
    for change_verdict in verdict.changes:
        path = change_verdict.change.path
        for finding in change_verdict.findings:
            if finding.rule is None or finding.level is None or policy.rank(finding.level) <= default:
                continue
            identity = "\0".join((finding.rule, path, finding.type, finding.kind or "", finding.subject))
            digest = hashlib.sha256(identity.encode()).hexdigest()
            seen[digest] = seen.get(digest, 0) + 1
            if seen[digest] > 1:  # the same finding twice in one file: still one issue each
                digest = hashlib.sha256(f"{identity}\0{seen[digest]}".encode()).hexdigest()
            what = f"{finding_title(finding)}: {finding.detail}" if finding.detail else finding_title(finding)
            reason = f" {finding.reason}" if finding.reason else ""
            found.append({
                "description": f"Needs {finding.level} sign-off (rule {finding.rule}): {what}.{reason}",
                "check_name": f"ownership-gate/{finding.rule}",
                "fingerprint": digest,
                "severity": severity,
                "location": {"path": path, "lines": {"begin": finding.line or 1}},
            })
    return found


def render(verdict: Verdict, policy: Policy, color: bool = False) -> str:
    return json.dumps(issues(verdict, policy), indent=2, ensure_ascii=False) + "\n"
