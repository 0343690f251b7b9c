"""Known vulnerabilities a scanner is told to accept: a suppression or an ignore list changed.

A vulnerability scanner's ignore file says which known vulnerabilities
production may keep shipping with. Adding one, or moving its expiry later
(or dropping the expiry), accepts a known risk, so it is a `setting`
finding naming what is accepted and until when; removing one, or ending it
sooner, only tightens the scan and says nothing. Each file is read with its
format's parser:

- OWASP Dependency-Check suppressions (`dependency-check-suppressions.xml`,
  any `*suppress*.xml` whose root is `<suppressions>`): each `<suppress>`
  by the vulnerabilities it names (`cve`, `vulnerabilityName`, `cwe`,
  `cvssBelow`; none is every vulnerability) and the packages it covers
  (`packageUrl`, `gav`, `cpe`, `filePath`, `sha1`), until its `until`;
- Trivy: `.trivyignore` (an id a line, `exp:` its expiry) and
  `.trivyignore.yaml` (`id`, `paths`, `purls`, `expired_at`);
- Snyk's `.snyk` (`ignore`: an id, its paths, `expires`);
- Grype's `.grype.yaml` (`ignore`: each rule as written);
- OSV-Scanner's `osv-scanner.toml` (`IgnoredVulns` until `ignoreUntil`,
  packages `PackageOverrides` ignore);
- cargo-audit's `audit.toml` and cargo-deny's `deny.toml`
  (`advisories.ignore`);
- better-npm-audit's `.nsprc` (an advisory a key, `expiry`) and
  audit-ci's `audit-ci.json` (`allowlist`);
- bundler-audit's `.bundler-audit.yml` (`ignore`) and Safety's
  `.safety-policy.yml` (`security.ignore-vulnerabilities`, `expires`);
- Brakeman's `config/brakeman.ignore` (`ignored_warnings`: each warning by
  its fingerprint, shown with its type and file).

A file that does not read is a finding too: what it accepts cannot be told.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.security.expiry import day, later
from ownership_gate.classifiers.security.files import SUPPRESSIONS
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.model import Change, Finding

# What is accepted -> until when (an ISO date, or None for no end).
Accepted = dict[str, "str | None"]


def findings(change: Change, context: Context) -> list[Finding]:
    old_data, new_data = context.old(change), context.new(change)
    if old_data == new_data or new_data is None:
        return []  # unchanged, or deleted: nothing is accepted any more
    try:
        new = _accepted(change.path, new_data)
    except ManifestError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        return [finding("setting", change.path, (
            f"the vulnerability suppressions do not read{where}: {exc}; which known vulnerabilities production"
            " accepts cannot be told"), exc.line)]
    try:
        old = _accepted(change.source_path, old_data) if old_data is not None else {}
    except ManifestError:
        old = {}  # the file now reads: everything it accepts is judged as new
    found = []
    for what, until in new.items():
        if what not in old:
            shown = f" until {until}" if until else ""
            found.append(finding("setting", change.path, f"a known vulnerability is accepted: {what}{shown}",
                                 new=until or "no end"))
        elif later(until, old[what]):
            found.append(finding("setting", change.path, (
                f"accepting a known vulnerability for longer: {what} until {until or 'no end'}"
                f" (was {old[what]})"), old=old[what], new=until or "no end"))
    return found


def _accepted(path: str, data: bytes) -> Accepted:
    match = SUPPRESSIONS.search(path)
    text = text_of(data, lossy=True)
    if text is None:
        raise ManifestError("binary content where a list of suppressions was expected")
    if match is None or not text.strip():
        return {}
    kind = match.lastgroup
    if kind == "xml":
        # Only Dependency-Check's own: Checkstyle's suppressions are `<suppressions>` too, with a DTD.
        return _dependency_check(text) if _DEPENDENCY_CHECK in text else {}
    if kind == "trivy":
        return _trivy_lines(text)
    from ownership_gate.classifiers.dependency.ecosystems.manifests import load_json, load_toml

    if kind in ("osv", "cargo"):
        return (_osv if kind == "osv" else _cargo)(load_toml(text))
    if kind in ("nsprc", "audit_ci", "brakeman"):
        document = load_json(text)
        if not isinstance(document, dict):
            raise ManifestError("a JSON object was expected")
        if kind == "brakeman":
            return _brakeman(document)
        return _nsprc(document) if kind == "nsprc" else _ids(document.get("allowlist"))
    from ownership_gate.classifiers.dependency.ecosystems.manifests import load_yaml
    from ownership_gate.formats.yaml import load, plain

    roots = [plain(root) for root in load_yaml(text, load)]
    document = roots[0] if roots and isinstance(roots[0], dict) else {}
    readers = {"trivy_yaml": _trivy_yaml, "snyk": _snyk, "grype": _grype, "bundler": _bundler, "safety": _safety}
    return readers[kind or ""](document)


_DEPENDENCY_CHECK = "jeremylong.github.io/DependencyCheck/dependency-suppression"


def _dependency_check(text: str) -> Accepted:
    from ownership_gate.formats.xmldoc import local, parse

    root = parse(text).root
    if local(root.tag) != "suppressions":
        return {}
    accepted: Accepted = {}
    for entry in root:
        if local(entry.tag) != "suppress":
            continue
        named, covered = [], []
        for part in entry:
            tag, value = local(part.tag), (part.text or "").strip()
            if tag in ("cve", "vulnerabilityName", "cwe"):
                named.append(f"CWE-{value}" if tag == "cwe" and value.isdigit() else value)
            elif tag == "cvssBelow":
                named.append(f"every vulnerability scored below {value}")
            elif tag in ("packageUrl", "gav", "cpe", "filePath", "sha1"):
                covered.append(f"{tag} {value}")
        scope = f" in {', '.join(sorted(covered))}" if covered else ""
        for what in named or ["every vulnerability"]:
            _keep(accepted, what + scope, day(entry.get("until")))
    return accepted


def _keep(accepted: Accepted, what: str, until: str | None) -> None:
    """`what` accepted until `until`; named twice, the later end counts."""
    if what not in accepted or later(until, accepted[what]):
        accepted[what] = until


def _trivy_lines(text: str) -> Accepted:
    accepted: Accepted = {}
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            expiry = next((w[4:] for w in words[1:] if w.startswith("exp:")), None)
            _keep(accepted, words[0], day(expiry))
    return accepted


def _ids(values: object) -> Accepted:
    """A list of ids (or rules as written), none with an end."""
    return {str(v): None for v in values} if isinstance(values, list) else {}


def _trivy_yaml(document: Mapping[str, Any]) -> Accepted:
    accepted: Accepted = {}
    for section in ("vulnerabilities", "misconfigurations", "secrets", "licenses"):
        for rule in document.get(section) or []:
            if isinstance(rule, dict) and rule.get("id"):
                scope = sorted(str(p) for key in ("paths", "purls") for p in rule.get(key) or [])
                _keep(accepted, str(rule["id"]) + (f" in {', '.join(scope)}" if scope else ""),
                      day(rule.get("expired_at")))
    return accepted


def _snyk(document: Mapping[str, Any]) -> Accepted:
    accepted: Accepted = {}
    ignored = document.get("ignore")
    for vulnerability, rules in (ignored.items() if isinstance(ignored, dict) else []):
        for rule in rules if isinstance(rules, list) else [rules]:
            for path, how in (rule.items() if isinstance(rule, dict) else [("*", None)]):
                expiry = how.get("expires") if isinstance(how, dict) else None
                _keep(accepted, f"{vulnerability} in {path}", day(expiry))
    return accepted


def _grype(document: Mapping[str, Any]) -> Accepted:
    rules = document.get("ignore")
    return {_rule(rule): None for rule in rules} if isinstance(rules, list) else {}


def _rule(rule: object) -> str:
    """A rule as written, its keys in order (`vulnerability: CVE-1, package: {name: x}`)."""
    if isinstance(rule, dict):
        return "{" + ", ".join(f"{k}: {_rule(rule[k])}" for k in sorted(rule) if k != "reason") + "}"
    return str(rule)


def _osv(document: Mapping[str, Any]) -> Accepted:
    accepted: Accepted = {}
    for rule in _tables(document.get("IgnoredVulns")):
        if rule.get("id"):
            _keep(accepted, str(rule["id"]), day(rule.get("ignoreUntil")))
    for rule in _tables(document.get("PackageOverrides")):
        if rule.get("ignore") is True or (isinstance(rule.get("vulnerability"), dict)
                                          and rule["vulnerability"].get("ignore") is True):
            package = " ".join(str(rule[k]) for k in ("ecosystem", "name", "version") if rule.get(k))
            _keep(accepted, f"every vulnerability of {package or 'every package'}", day(rule.get("effectiveUntil")))
    return accepted


def _tables(value: object) -> Iterable[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _cargo(document: Mapping[str, Any]) -> Accepted:
    advisories = document.get("advisories")
    ignored = advisories.get("ignore") if isinstance(advisories, dict) else None
    accepted: Accepted = {}
    for rule in ignored if isinstance(ignored, list) else []:
        what = rule.get("id") if isinstance(rule, dict) else rule
        if what:
            _keep(accepted, str(what), None)
    return accepted


def _nsprc(document: Mapping[str, Any]) -> Accepted:
    accepted: Accepted = {}
    for advisory, how in document.items():
        if isinstance(how, dict) and how.get("active") is False:
            continue
        expiry = how.get("expiry") if isinstance(how, dict) else None
        # better-npm-audit writes an expiry as a date or as milliseconds since the epoch
        if isinstance(expiry, (int, float)) and not isinstance(expiry, bool):
            from datetime import datetime, timezone

            expiry = datetime.fromtimestamp(expiry / 1000, tz=timezone.utc).date().isoformat()
        _keep(accepted, str(advisory), day(expiry))
    return accepted


def _bundler(document: Mapping[str, Any]) -> Accepted:
    return _ids(document.get("ignore"))


def _safety(document: Mapping[str, Any]) -> Accepted:
    security = document.get("security")
    ignored = security.get("ignore-vulnerabilities") if isinstance(security, dict) else None
    accepted: Accepted = {}
    for vulnerability, how in (ignored.items() if isinstance(ignored, dict) else []):
        _keep(accepted, str(vulnerability), day(how.get("expires") if isinstance(how, dict) else None))
    return accepted


def _brakeman(document: Mapping[str, Any]) -> Accepted:
    """Each ignored warning by its fingerprint (what Brakeman matches), shown with its type and file."""
    accepted: Accepted = {}
    for warning in document.get("ignored_warnings") or []:
        if isinstance(warning, dict) and warning.get("fingerprint"):
            what = f"{warning.get('warning_type') or 'warning'} in {warning.get('file') or '?'}"
            _keep(accepted, f"{what} (fingerprint {str(warning['fingerprint'])[:12]})", None)
    return accepted
