"""Cloud command lines in scripts that grant access: a firewall rule, an IAM binding or policy, a key.

Operations scripts and Makefiles set up cloud access with the providers'
command-line tools as often as Terraform does (`gcloud compute
firewall-rules create ... --source-tags web`). Such a command is read as
one logical line (a `\\`-continued line joined with the next) with its
layout ignored; one the new revision runs that the old did not, or runs
with other arguments, is a `setting`. A grant that is gone closes access,
and is none.
"""

from __future__ import annotations

import re
from collections import Counter

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.model import Finding

# Shell and PowerShell scripts (and the Jinja templates a playbook renders them from), Makefiles.
SCRIPT = patterns.compile(r"\.(?:sh|bash|zsh|ps1)(?:\.j2)?$|(?:^|/)(?:Makefile|GNUmakefile|makefile|[^/]+\.mk)$")

_ACCESS_COMMAND = patterns.compile(
    r"(?i)\bgcloud\s+(?:(?:alpha|beta)\s+)?(?:compute\s+firewall-rules\s+(?:create|update)"
    r"|(?:[\w-]+\s+){1,4}add-iam-policy-binding|iam\s+service-accounts\s+keys\s+create)\b"
    r"|\baws\s+(?:ec2\s+authorize-security-group-(?:ingress|egress)"
    r"|iam\s+(?:attach-[\w-]+-policy|put-[\w-]+-policy|create-access-key|create-login-profile"
    r"|update-assume-role-policy)|s3api\s+put-bucket-(?:policy|acl)|s3api\s+delete-public-access-block)\b"
    r"|\baz\s+(?:role\s+assignment\s+create|network\s+nsg\s+rule\s+(?:create|update))\b"
    r"|\bkubectl\s+create\s+(?:cluster)?rolebinding\b"
)
_TOOLS = ("gcloud", "aws", "az", "kubectl")
# SSH told to trust whatever host key the server shows: anyone in the middle is let in as the server.
ANY_HOST_KEY = patterns.compile(r"\bStrictHostKeyChecking[\s=]+no\b|\bUserKnownHostsFile[\s=]+/dev/null\b")
_CONTINUED = patterns.compile(r"[\\`]\s*\n\s*")
_SPACES = patterns.compile(r"\s+")
_COMMENT = patterns.compile(r"^\s*#")


def commands(text: str) -> Counter[str]:
    """The access-granting commands of a script, each as one logical line with single spaces."""
    return _logical(text, _ACCESS_COMMAND)


def findings(path: str, old_text: str, new_text: str) -> list[Finding]:
    if old_text == new_text:
        return []
    found = []
    if any(tool in new_text for tool in _TOOLS):
        fresh = commands(new_text) - commands(old_text)
        found += [finding("setting", path, f"a cloud command that grants access is new or changed: {command[:160]}")
                  for command in sorted(fresh)]
    if "Known" in new_text or "HostKey" in new_text:
        trusting = _logical(new_text, ANY_HOST_KEY) - _logical(old_text, ANY_HOST_KEY)
        found += [finding("setting", path, f"a command now trusts any SSH host key: {command[:160]}")
                  for command in sorted(trusting)]
    return found


def _logical(text: str, wanted: re.Pattern[str]) -> Counter[str]:
    """The script's logical lines (a `\\`-continued line joined with the next) that `wanted` finds, each with
    single spaces; comments left out."""
    found: Counter[str] = Counter()
    for line in _CONTINUED.sub(" ", text).splitlines():
        if not _COMMENT.match(line) and wanted.search(line):
            found[_SPACES.sub(" ", line.strip().lstrip("@-").strip())] += 1
    return found
