"""GitHub Actions: `uses:` in workflows (`.github/workflows/*.yml`) and in
composite or Docker actions (`action.yml` anywhere).

The subject is the repository an action lives in, lower-cased as GitHub
compares it: `github/codeql-action/init@v3` is `github/codeql-action`,
since trusting a repository at a ref is the decision, whichever folder of
it a step runs. The version is the ref: a tag (`v4`, `v4.1.2`), a branch
(not comparable), or a commit SHA, read as the version its trailing
comment names (`@8e5e7e5... # v4.1.2`). `docker://` steps and job
containers are images (subject `docker://node`); local `./` actions are
the repository's own code and are not dependencies.
"""

from __future__ import annotations

import posixpath
import re

from ownership_gate.classifiers.dependency.ecosystems.base import DeferredReader

NAME = "github-actions"
SUFFIXES = (".yml", ".yaml")  # lower-case (see base.py)

_WORKFLOW = re.compile(r"(?:^|/)\.github/workflows/[^/]+\.ya?ml$")


def is_manifest(path: str) -> bool:
    return _WORKFLOW.search(path) is not None or posixpath.basename(path) in (
        "action.yml",
        "action.yaml",
    )


def is_lockfile(path: str) -> bool:
    return False


READER = DeferredReader("actions_read")
parse = READER.parse
parse_yaml = READER.parse_yaml
lowest = READER.lowest
unpinned = READER.unpinned
