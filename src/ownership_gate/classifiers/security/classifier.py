"""`security` findings: security settings and code, recognised by what they say, not the folder they sit in.

Kinds:

- `setting`: a security setting changed (transport and TLS, sessions and
  cookies, CORS, CSP and other security headers, CSRF, allowed hosts,
  secret keys, password and token rules, certificate checks), in a
  configuration file (Django settings, Rails `config/`, `next.config.*`,
  ...) or as a header or middleware anywhere in application code; the
  finding names the setting and its old and new value; any setting of a
  mail server (Postfix `main.cf`, ...); in `.env.example` and its siblings,
  a secret or a security setting added or removed (env_example.py); a cloud
  command in a script or Makefile that grants access (`gcloud compute
  firewall-rules create`, `aws iam attach-role-policy`, `az role assignment
  create`, ...) new or run with other arguments (cloud_commands.py); in a
  deployment's YAML (manifests, Helm values and templates; not in files
  named for another environment), security headers, firewall rules and a
  pod's security context, and secrets or security settings its `env`
  hands containers (settings.py, deployment_env.py), and the IP allow lists
  and web application firewall of its ingress (exposure.py); a vulnerability
  scanner told to accept a known vulnerability: a new suppression or ignore
  entry, or one whose expiry moves later (Dependency-Check, Trivy, Snyk,
  Grype, OSV-Scanner, cargo-audit and cargo-deny, better-npm-audit,
  audit-ci, bundler-audit, Safety, Brakeman; suppressions.py); an External Secrets
  Operator ExternalSecret that is new, reads from another store or pulls
  a key it did not, and a SecretStore that is new or authenticates or is
  shared otherwise (external_secrets.py);
- `access`: authentication or authorisation code changed: a line that checks
  or grants access (`authorize(...)`, `can(user, ...)`, `has_perm`,
  `before_action :authenticate_user!`, `@PreAuthorize`, `permission_classes`,
  admin checks) was added or removed, or a file named for authentication or
  authorisation (`auth/`, `oauth`, `permissions`, `AuthenticationExtension.ts`,
  ...), or the `middleware.ts` every request passes through, changed beyond
  imports, comments, blank lines, layout, linter rewrites and what its
  errors say. A check moved from
  one file to another in the same change set cancels out; one moved within
  a file does not, since the order of checks decides what runs. A query
  that stops keeping to the requesting user's records (`user=request.user`,
  `current_user.invoices.find`) is one too;
  An SSH public key new to the change set (ssh_keys.py) grants a login, and
  an entry added to a plain-text allow list (`web_whitelist`) lets one more in
  (allowlists.py), as a service added to a setting that lists the callers a
  service trusts (`TRUSTED_S2S_SERVICE_NAMES`) does (callers.py).
  A Kubernetes RoleBinding or ClusterRoleBinding that is new, names another
  role or gains a subject, and a Role or ClusterRole that allows more, is
  one too (rbac.py); so is a person, team or group given access in a data
  file (YAML, JSON, Terraform): an entry naming who (`username`, `email`,
  `github_team`, `sso_group_name`, ...) and what they get (`groups`,
  `roles`, `level`, `permission_set`, an SSH key, ...) that is new, gains
  something or is kept past the day it was to end (grants.py); and so are
  the branch protection, teams, collaborators and inherited settings the
  GitHub Settings app applies from `.github/settings.yml`
  (repository_settings.py);
- `credential`: a private key, cloud key or API token is committed in the
  clear (in any file, or as a key file such as `id_rsa` or `*.pem`);
- `encrypted`: an encrypted secrets file (Ansible Vault, SOPS, a
  SealedSecret; any YAML file, by its content) changed, appeared or went:
  which secrets production holds changed, unreadably; so did CI's when an
  encrypted variable (`secure:`) of `.travis.yml` or `appveyor.yml` is
  added, replaced or removed (encrypted.py);
- `host`: application code calls a host it did not call before (a new
  `https://...` string literal; documentation hosts and `example.com` are
  ignored). A host the repository already names before the change set, or
  whose registrable domain (by the Public Suffix List) it names, is not new:
  `example.co.uk` named makes `api.example.co.uk` known, while `one.vercel.app`
  does not make `two.vercel.app` known.

Tests, fixtures, docs, translations and vendored code are not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ownership_gate.classifiers.base import ChangedPaths, Context, text_of
from ownership_gate.classifiers.security.callers import may_list_callers
from ownership_gate.classifiers.security.cloud_commands import SCRIPT
from ownership_gate.classifiers.security.files import (
    NOT_APPLICATION,
    NOT_DEPLOYMENT,
    NOT_PRODUCTION,
    SUPPRESSIONS,
    is_allow_list,
    is_yaml,
    may_grant_a_login,
    may_hold_access_list,
    reads_path,
)
from ownership_gate.classifiers.security.findings import TYPE as TYPE
from ownership_gate.model import Change, Finding

KINDS: tuple[str, ...] = ("setting", "access", "credential", "host", "encrypted")
SETTINGS: Mapping[str, str] = {}


def claims(paths: ChangedPaths, settings: Mapping[str, Any]) -> AbstractSet[str]:
    return {p for p in paths.all if reads_path(p) or (
        (is_yaml(p) or may_grant_a_login(p) or is_allow_list(p)) and not NOT_DEPLOYMENT.search(p)) or (
        (SCRIPT.search(p) or p.endswith(".tpl") or SUPPRESSIONS.search(p) or may_hold_access_list(p))
        and not NOT_APPLICATION.search(p))}


def _texts(change: Change, context: Context) -> tuple[str, str]:
    """Both revisions of a changed file as text ("" for a side that does not exist)."""
    old, new = (text_of(data, lossy=True) or "" for data in (context.old(change), context.new(change)))
    return old, new


def _directives(change: Change, old: str, new: str) -> list[Finding]:
    """Security headers and directives in a deployment's YAML file (see `settings.directives`)."""
    if old == new or not new:
        return []
    from ownership_gate.classifiers.security.catalog import SETTING_LINE
    from ownership_gate.classifiers.security.settings import POD_SECURITY_ANYWHERE, directives

    if not any(pattern.search(text) for pattern in (SETTING_LINE, POD_SECURITY_ANYWHERE) for text in (new, old)):
        return []
    from ownership_gate.classifiers.security.scan import diff_lines

    return directives(change.path, diff_lines(old, new))


def _variables(change: Change, old: str, new: str) -> list[Finding]:
    """Secrets and security settings a deployment's containers are handed (see deployment_env.py)."""
    if old == new or not new or "name:" not in new:
        return []
    from ownership_gate.classifiers.security import deployment_env

    return deployment_env.findings(change.path, old, new)


def _exposure(change: Change, old: str, new: str) -> list[Finding]:
    """Allow lists and the web application firewall of a deployment's YAML (see exposure.py)."""
    if old == new or not new:
        return []
    from ownership_gate.classifiers.security import exposure

    return exposure.findings(change.path, old, new)


def classify(change: Change, context: Context) -> list[Finding]:
    found: list[Finding] = []
    if reads_path(change.path):
        from ownership_gate.classifiers.security import scan

        found += scan.findings(change, context)
    if change.path.endswith(".tpl") and not NOT_APPLICATION.search(change.path) and not (
            NOT_PRODUCTION.search(change.path)):
        found += _variables(change, *_texts(change, context))
    if SCRIPT.search(change.path) and not NOT_APPLICATION.search(change.path):
        from ownership_gate.classifiers.security import cloud_commands

        found += cloud_commands.findings(change.path, *_texts(change, context))
    if SUPPRESSIONS.search(change.path) and not NOT_APPLICATION.search(change.path):
        from ownership_gate.classifiers.security import suppressions

        found += suppressions.findings(change, context)
    if may_hold_access_list(change.path) and not NOT_APPLICATION.search(change.path) and not (
            NOT_PRODUCTION.search(change.path)):
        from ownership_gate.classifiers.security import grants

        found += grants.findings(change, context)
    if is_yaml(change.path) or is_yaml(change.source_path):
        from ownership_gate.classifiers.security import encrypted, external_secrets, rbac

        if not reads_path(change.path) and not NOT_DEPLOYMENT.search(change.path) and not (
                NOT_PRODUCTION.search(change.path)):
            texts = _texts(change, context)
            found += _directives(change, *texts)
            found += _variables(change, *texts)
            found += _exposure(change, *texts)

        found += encrypted.findings(change, context)
        found += rbac.findings(change, context)
        found += external_secrets.findings(change, context)
        if change.path.startswith(".github/"):
            from ownership_gate.classifiers.security import repository_settings

            if repository_settings.is_settings(change.path):
                found += repository_settings.findings(change, context)
    if may_list_callers(change.path) and not NOT_APPLICATION.search(change.path) and not (
            NOT_PRODUCTION.search(change.path)):
        from ownership_gate.classifiers.security import callers

        found += callers.findings(change.path, *_texts(change, context))
    if not NOT_DEPLOYMENT.search(change.path):
        if b"AAAA" in (context.new(change) or b""):  # every OpenSSH public key's body starts so
            from ownership_gate.classifiers.security import ssh_keys

            found += ssh_keys.findings(change, context)
        if is_allow_list(change.path) and not NOT_PRODUCTION.search(change.path):
            from ownership_gate.classifiers.security import allowlists

            found += allowlists.findings(change, context)
    return found
