"""A Jenkinsfile's lines that ship, compared: a release stage, a deploy step, the credentials a step holds.

A Jenkinsfile is a Groovy program (a declarative `pipeline { ... }` or a
scripted `node { ... }`), which no parser the tool has reads. What a CTO
cares about in one is how production is shipped: stages and steps that
deploy, release, publish, push or upload, the commands that do
(`docker push`, `kubectl apply`, `terraform apply`, the same as a
workflow's), and the credentials a step is given (`withCredentials`,
`credentials(...)`, `sshagent`, `withAWS`). Such lines are compared as a
multiset, each with its layout, quotes and comment taken away, so a stage
re-indented inside a `lock`, `'` become `"` or a line moved is no change,
and a test stage added, a lint step moved or a build tool swapped around
them is daily work. A Jenkinsfile added or deleted is judged by the same
lines: one that ships nothing (a test pipeline) is none.
"""

from __future__ import annotations

from collections import Counter

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.pipeline.findings import finding
from ownership_gate.classifiers.pipeline.workflow import SHIPPING_COMMAND
from ownership_gate.model import Finding

# Words a stage or a step that ships is named or written with (`stage('Deploy to production')`,
# `govuk.uploadArtefactToS3(...)`, `sh "make release"`), and the steps that hand a build credentials.
_SHIPS = patterns.compile(
    r"(?i)(?<![a-z])(?:deploy\w*|release\w*|publish\w*|promot\w*|rollout|upload\w*|push\w*|prod|production)(?![a-z])"
    r"|s3://|\b(?:withCredentials|credentials\s*\(|sshagent|withAWS|usernamePassword|sshUserPrivateKey"
    r"|credentialsId|withKubeConfig|withDockerRegistry|docker\.withRegistry)\b"
    r"|(?<=[a-z])(?:Deploy|Release|Publish|Promote|Upload|Push|Prod)"
)
_COMMENT = patterns.compile(r"^\s*(?://|/\*|\*)")
_TRAILING_COMMENT = patterns.compile(r"\s+//.*$")
_SPACE = patterns.compile(r"\s+")




def _shipping_lines(text: str | None) -> Counter[str]:
    found: Counter[str] = Counter()
    for line in (text or "").splitlines():
        if _COMMENT.match(line):
            continue
        line = _SPACE.sub(" ", _TRAILING_COMMENT.sub("", line)).strip().replace("'", '"')
        if line and (_SHIPS.search(line) or SHIPPING_COMMAND.search(line)):
            found[line] += 1
    return found


def findings(path: str, old_text: str | None, new_text: str | None) -> list[Finding]:
    """One `deploy` finding when the lines that ship differ between the two sides."""
    old, new = _shipping_lines(old_text), _shipping_lines(new_text)
    added, removed = new - old, old - new
    if not added and not removed:
        return []
    line = next(iter(added or removed))
    how = "added or changed" if added else "removed"
    return [finding("deploy", path, f"a line of the Jenkinsfile that ships is {how}: {line[:120]}")]
