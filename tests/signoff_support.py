"""Policies, SSH keys and signed commits shared by the sign-off tests."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import Repo

CTO = "cto@acme.example"

POLICY = """\
version: 1
levels:
  - name: engineer
    owners: ["@acme/engineering"]
  - name: cto
    owners: ["@acme-cto"]
    signoff:
      trailer: CTO-Approved-by
      signers: ["{cto}"]
      github_reviewers: ["acme-cto", "@acme/cto"]
      labels: ["cto-approved"]
default_level: engineer
rules:
  - id: cloud-setup
    level: cto
    paths: ["terraform/"]
    reason: Cloud setup is a one-way door.
""".replace("{cto}", CTO)

SIGNED_POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
    owners: ["@acme-cto"]
    signoff:
      trailer: CTO-Approved-by
      signers: ["{cto}"]
      require_signed_commit: true
      allowed_signers: .github/allowed_signers
default_level: engineer
rules:
  - id: cloud-setup
    level: cto
    paths: ["terraform/"]
    reason: Cloud setup is a one-way door.
""".replace("{cto}", CTO)

THREE_LEVELS = """\
version: 1
levels:
  - name: engineer
  - name: lead
    signoff:
      trailer: Lead-Approved-by
      signers: ["lead@acme.example"]
  - name: cto
    signoff:
      trailer: CTO-Approved-by
      signers: ["{cto}"]
default_level: engineer
rules:
  - id: cloud-setup
    level: cto
    paths: ["terraform/"]
  - id: api-surface
    level: lead
    paths: ["api/"]
""".replace("{cto}", CTO)

TF = 'resource "null_resource" "queue" {}\n'


def commit_as(
    repo: Repo, message: str, email: str = CTO, *, files: dict[str, str] | None = None,
    committer: str | None = None, args: tuple[str, ...] = (),
) -> str:
    """Commit `files` (or nothing) as `email`, author and committer (or as `committer`); the sha.

    Exactly what anyone can do: a commit's emails are whatever its writer sets.
    """
    for path, content in (files or {}).items():
        repo.write(path, content)
    env = {**os.environ, "GIT_AUTHOR_NAME": email.split("@")[0], "GIT_AUTHOR_EMAIL": email,
           "GIT_COMMITTER_NAME": (committer or email).split("@")[0], "GIT_COMMITTER_EMAIL": committer or email}
    for command in (("add", "-A"), (*args, "commit", "-q", "--allow-empty", "-m", message)):
        proc = subprocess.run(("git", *command), cwd=repo.root, env=env, capture_output=True, check=False)
        assert proc.returncode == 0, proc.stderr.decode()
    return repo.git("rev-parse", "HEAD")


def trailer_message(subject: str, value: str, key: str = "CTO-Approved-by") -> str:
    return f"{subject}\n\nReviewed the cloud setup.\n\n{key}: {value}\n"


@dataclass(frozen=True)
class Key:
    private: Path
    public: str  # "ssh-ed25519 AAAA... comment"

    def allowed(self, principal: str) -> str:
        return f'{principal} namespaces="git" {self.public}\n'


def ssh_key(directory: Path, name: str) -> Key:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    subprocess.run(
        ("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)), check=True
    )
    return Key(path, (directory / f"{name}.pub").read_text().strip())


def signed_commit(repo: Repo, files: dict[str, str], message: str, key: Key | None, email: str = CTO) -> str:
    """Commit `files` as `email`; signed with `key` (an SSH key), or unsigned when key is None."""
    if key is None:
        return commit_as(repo, message, email, files=files)
    config = ("-c", "gpg.format=ssh", "-c", f"user.signingkey={key.private}", "-c", "commit.gpgSign=true")
    return commit_as(repo, message, email, files=files, args=config)
