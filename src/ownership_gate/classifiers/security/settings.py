"""Security settings in the lines a change adds and removes: configuration assignments, headers and
directives anywhere, a framework's middleware stack judged whole, and every setting of a mail or web server."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.security.catalog import (
    ASSIGNMENT,
    COMMENT,
    DSL_SETTING,
    MIDDLEWARE_LINE,
    SETTING_LINE,
)
from ownership_gate.classifiers.security.files import CONFIG_PATH
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.classifiers.security.lines import IMPORT, LONGEST, LineDiff, normal
from ownership_gate.classifiers.security.secret_names import hidden, is_setting, redacted
from ownership_gate.model import Finding

# Whether a line this file adds (`"removed"`: another file removes it) or removes (`"added"`) moved there.
Moved = Callable[[str, str], bool]


def _shown(line: str) -> str:
    """A changed line as a finding shows it: laid out anew, a secret's value hidden, cut short."""
    return redacted(normal(line))[:120]


@lru_cache(maxsize=1 << 16)  # asked of every changed line, for its own file and where the change set moved it
def sets_a_header(line: str) -> bool:
    """The line states a security header or directive (`Content-Security-Policy`, `csrf_token()`, ...)."""
    return bool(SETTING_LINE.search(line)) and not COMMENT.match(line)


def settings(path: str, diff: LineDiff, moved: Moved) -> list[Finding]:
    """Security settings added, changed or removed; one moved within the file, its value kept, is none, and
    so is a header or directive line `moved` says another file of the change set removes or adds
    (`moved("removed", line)` for one added here): a form moved to another template keeps its token."""
    found: list[Finding] = []
    is_config = bool(CONFIG_PATH.search(path))
    if is_config and path.endswith(".py"):
        compared = _python_settings(path, diff)
        if compared is not None:
            found, is_config = compared, False  # its assignments are read whole; the lines below are not
    before: dict[str, str] = {}
    if is_config:
        for line in diff.removed:
            key, value = _assignment(line)
            if key is not None:
                before[key] = value
    kept = {_setting_part(line) for line in diff.removed} & {_setting_part(line) for _, line in diff.added}
    # A setting written the very way a line the file keeps already writes it, inside new code (a new API path
    # given the CORS headers every other path has), extends what the file sets to that code; it sets nothing new.
    extends = _extends_kept(diff, lambda line: bool(SETTING_LINE.search(line)))
    # A middleware stack is judged whole: the same middleware in the same order (however quoted or wrapped) is
    # no change, and one moved ahead of another, or into another group, is one.
    stack_changed = _names_middleware(diff) and _middleware(diff.old_text) != _middleware(diff.new_text)
    seen: set[str] = set()
    for number, line in diff.added:
        if COMMENT.match(line):
            continue
        key, value = _assignment(line) if is_config else (None, "")
        if key is not None:
            old = before.pop(key, None)
            seen.add(key)
            if old == value:
                continue  # moved, same value
            old, new = hidden(key, old), hidden(key, value)
            shown = old if old is not None else "(not set)"
            found.append(finding("setting", f"{path}: {key}", f"{key}: {shown} -> {new}", number, old, new))
        elif stack_changed and MIDDLEWARE_LINE.search(line) and not IMPORT.search(line):
            text = _shown(line)  # moved within the file too: the order of a stack is what runs
            found.append(finding("setting", path, f"security middleware added or moved: {text}", number))
        elif SETTING_LINE.search(line) and _setting_part(line) not in kept and not moved("removed", line) and (
            not _only_a_token(line)
        ) and not extends(number, line):
            text = _shown(line)
            found.append(finding("setting", path, f"security setting added or changed: {text}", number))
    for key, value in before.items():
        if key not in seen:
            old = hidden(key, value)
            found.append(finding("setting", f"{path}: {key}", f"{key}: {old} -> (removed)", None, old, None))
    added_lines = {normal(line) for _, line in diff.added}
    for line in diff.removed:
        if stack_changed and MIDDLEWARE_LINE.search(line) and not COMMENT.match(line) and not IMPORT.search(line):
            if normal(line) not in added_lines:  # moved ones are reported where they went
                found.append(finding("setting", path, f"security middleware removed: {_shown(line)}"))
                break
            continue
        if not is_config and sets_a_header(line) and _setting_part(line) not in kept and not moved("added", line):
            text = _shown(line)
            found.append(finding("setting", path, f"security setting removed: {text}"))
            break
    return found


def _python_settings(path: str, diff: LineDiff) -> list[Finding] | None:
    """The security settings of a Python configuration file added, changed or removed, compared by value
    (`python_settings`); None when either side is no Python `ast` reads."""
    from ownership_gate.classifiers.security import python_settings

    old, new = python_settings.settings(diff.old_text), python_settings.settings(diff.new_text)
    if old is None or new is None:
        return None
    found = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if (before and before.value) == (after and after.value):
            continue  # the same value, wherever it now stands
        if not is_setting(name.partition("#")[0].rpartition(".")[2]):
            continue
        setting = name.partition("#")[0]
        was, now = hidden(setting, python_settings.shown(before)), hidden(setting, python_settings.shown(after))
        detail = f"{name}: {was if was is not None else '(not set)'} -> {now if now is not None else '(removed)'}"
        found.append(finding("setting", f"{path}: {name}", detail, after.line if after else None, was, now))
    return found


# A form or page given the anti-forgery token it sends back (`{{ csrf_token() }}`, `csrf_field()`,
# `csrfToken()`, a template's macro that writes the token's field, `{{ csrfProtection(csrf) }}`): protection
# used, not a setting changed. A form that loses its token still counts.
_TOKEN = patterns.compile(r"(?i)\bcsrf_?(?:token|field)\s*\(|(?:(?<=\{\{)|(?<=\{\{ ))csrf\w*\s*\(")


def _only_a_token(line: str) -> bool:
    """Every security directive the added line names is an anti-forgery token put in a form or page."""
    return all(_TOKEN.match(line, match.start()) for match in SETTING_LINE.finditer(line))


def _names_middleware(diff: LineDiff) -> bool:
    """Whether a changed line could name a middleware at all (most files never do: nothing to compare)."""
    return any("iddleware" in line or "app.Use" in line for line in (*diff.removed, *(text for _, text in diff.added)))


def _middleware(text: str) -> list[str]:
    """The security middleware a file names, in order, quotes, spaces and parentheses aside."""
    return [_UNWRAPPED.sub("", match.group(0)).replace("'", '"')
            for line in text.splitlines() if ("iddleware" in line or "app.Use" in line) and len(line) <= LONGEST
            if not COMMENT.match(line) and not IMPORT.search(line)
            for match in MIDDLEWARE_LINE.finditer(line)]


_UNWRAPPED = patterns.compile(r"[\s()]")


def _extends_kept(diff: LineDiff, sets: Callable[[str], bool]) -> Callable[[int, str], bool]:
    """Whether an added line (its number, its text) writes a setting (`sets`) the very way a line of the old
    file that the change left in place writes it, inside new code: the lines around it were added too (a new
    API path with the CORS headers the other paths have). One put into code the file had (the same header
    given to one more service's block) is a change."""
    if not diff.old_text or not any(sets(line) for _, line in diff.added):
        return lambda number, line: False
    gone = Counter(diff.removed)
    kept: set[str] = set()
    for line in diff.old_text.splitlines():
        if gone[line] > 0:
            gone[line] -= 1
        elif sets(line) and not COMMENT.match(line):
            kept.add(_setting_part(line))
    added = {number for number, _ in diff.added}
    lines = diff.new_text.splitlines()

    def neighbours(number: int) -> list[int]:
        found = []
        for step in (-1, 1):
            index = number - 1 + step
            while 0 <= index < len(lines) and not lines[index].strip():
                index += step
            if 0 <= index < len(lines):
                found.append(index + 1)
        return found

    def extends(number: int, line: str) -> bool:
        return _setting_part(line) in kept and all(n in added for n in neighbours(number))

    return extends


@lru_cache(maxsize=1 << 16)
def _setting_part(line: str) -> str:
    """A line from its first security header or directive on: what comes before it (`<iframe srcdoc=""`
    becoming `<iframe src="about:blank"`) does not change the setting."""
    match = SETTING_LINE.search(line)
    return normal(line[match.start():] if match else line)


# What a pod or container may do on its node and in the cluster (Kubernetes' security context, the service
# account token mounted into it), as a manifest or a Helm values file writes it. A container's `capabilities`
# always sit inside its security context, so a top-level `capabilities:` key is an application's own data
# (the features a product turns on), not a pod's. The `securityContext:` key itself counts too: a Helm template
# that drops it (with the `include` of the chart's defaults under it) drops every setting it held. So does the
# service account a pod runs as (`serviceAccountName`): the identity its cluster and cloud permissions come
# with (IAM roles for service accounts, workload identity).
POD_SECURITY = patterns.compile(
    r"^\s*-?\s*(?:securityContext|podSecurityContext|containerSecurityContext|serviceAccountName"
    r"|privileged|allowPrivilegeEscalation|runAsUser|runAsGroup|runAsNonRoot|readOnlyRootFilesystem"
    r"|hostNetwork|hostPID|hostIPC|automountServiceAccountToken|seccompProfile|procMount)\s*:"
    r"|^[ \t]+-?\s*capabilities\s*:"
)

POD_SECURITY_ANYWHERE = patterns.compile(POD_SECURITY.pattern, re.MULTILINE)


def directives(path: str, diff: LineDiff) -> list[Finding]:
    """The security headers and directives (`SETTING_LINE`) and pod security settings (`POD_SECURITY`) a
    deployment's YAML file (Kubernetes manifests, Helm values, an ingress's annotations) adds, changes or
    removes; one moved within the file is none."""
    def sets(line: str) -> bool:
        return sets_a_header(line) or bool(POD_SECURITY.match(line))

    kept = {_setting_part(line) for line in diff.removed} & {_setting_part(line) for _, line in diff.added}
    # A new path given the headers the others already have; a container's security context is its own.
    extends = _extends_kept(diff, sets_a_header)
    # A setting is shown before the `securityContext:` key that holds it.
    for number, line in sorted(diff.added, key=lambda added: bool(_CONTEXT_KEY.match(added[1]))):
        if sets(line) and _setting_part(line) not in kept and not extends(number, line):
            return [finding("setting", path, f"security setting added or changed: {_shown(line)}", number)]
    for line in sorted(diff.removed, key=lambda removed: bool(_CONTEXT_KEY.match(removed))):
        if sets(line) and _setting_part(line) not in kept:
            return [finding("setting", path, f"security setting removed: {_shown(line)}")]
    return []


_CONTEXT_KEY = patterns.compile(r"^\s*-?\s*(?:pod|container)?[sS]ecurityContext\s*:")


def server_settings(path: str, diff: LineDiff, server: str) -> list[Finding]:
    """Any setting of a server whose every setting is a security one: a mail server's relays, trusted
    networks and aliases decide who may send mail as the domain; a web server's rules and headers what
    every request may reach and gets back. `server` names it in the detail (`mail server`)."""
    for number, line in diff.added:
        if line.strip() and not COMMENT.match(line):
            text = _shown(line)
            return [finding("setting", path, f"{server} setting added or changed: {text}", number)]
    for line in diff.removed:
        if line.strip() and not COMMENT.match(line):
            text = _shown(line)
            return [finding("setting", path, f"{server} setting removed: {text}")]
    return []


def _assignment(line: str) -> tuple[str | None, str]:
    if COMMENT.match(line):
        return None, ""
    match = _SET_CALL.match(line) or ASSIGNMENT.match(line) or DSL_SETTING.match(line)
    if not match:
        return None, ""
    key = (match.group("key") or match.group("symbol")).strip("\"'")
    if not is_setting(key) or _MODULE_RESOLUTION.search(key):
        return None, ""
    return key, match.group("value").strip()[:80]


# A release or deploy configuration's `set key: value` (Distillery's `set cookie: :secret`, `set(cookie: ...)`)
# or `set :key, value` (Capistrano): the setting is the first argument.
_SET_CALL = patterns.compile(
    r"^\s*set\s*\(?\s*(?:(?P<key>[a-z_]\w*):|:(?P<symbol>[a-z_]\w*)\s*,)\s*(?P<value>.+?)\)?\s*$"
)


# Webpack's module resolution names Node modules a browser bundle replaces (`config.resolve.fallback.tls =
# false`: no `tls` module in the browser), not a setting of the transport.
_MODULE_RESOLUTION = patterns.compile(r"(?i)(?:^|\.)resolve\.(?:fallback|alias)\.")
