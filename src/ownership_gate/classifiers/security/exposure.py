"""Who can reach a deployment: its IP allow lists and its web application firewall, in a deployment's YAML.

A Kubernetes ingress and the Helm values that configure one say which
networks may reach the service (`allowlist:` of named ranges or groups,
`nginx.ingress.kubernetes.io/whitelist-source-range`) and whether requests
pass a web application firewall first (`modsecurity_enabled: true`,
`nginx.ingress.kubernetes.io/enable-modsecurity`). Each such key, wherever
it sits in the file, is compared by its value (a ModSecurity snippet's rules are
read line by line instead, settings.py): a range added or dropped, a
group named, the firewall turned off or its rules changed is a `setting`;
the same value moved within the file, reordered keys or another comment are
none. A file YAML cannot read (a Helm template) is left to the line readers, and
a new file's settings come with what it deploys.
"""

from __future__ import annotations

from collections.abc import Iterator

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.formats.yaml import Node, YamlError, load, plain, render
from ownership_gate.model import Finding

# A key that says which addresses may reach the service, or whether a firewall screens them.
EXPOSURE_KEY = patterns.compile(
    r"(?i)(?:^|[/._-])(?:allow_?list|white_?list|ip_?allow\w*|(?:allowlist|whitelist)?-?source-range|source_?ranges?"
    r"|(?:enable[-_])?modsecurity\w*|waf(?:_\w+)?)$"
)
# The text must name one before anything is parsed.
_MENTIONED = patterns.compile(r"(?i)allow_?list|white_?list|ip_?allow|source[-_]?range|modsecurity|\bwaf")
# Values are shown up to this many characters.
_SHOWN = 100


def findings(path: str, old_text: str, new_text: str) -> list[Finding]:
    """Each allow list or firewall setting of the file whose value changed, was added or was removed. A file
    new to the repository is a new deployment (or a new example of one), judged as such by what it deploys."""
    if not old_text.strip() or old_text == new_text or not any(_MENTIONED.search(t) for t in (old_text, new_text)):
        return []
    try:
        old, new = _settings(old_text), _settings(new_text)
    except YamlError:
        return []
    found: list[Finding] = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        change = _change(before, after)
        if change is None:
            continue  # the same value, or the same entries in another order
        was, now = (_shown(node) for node in (before, after))
        line = after.line if after is not None else None
        found.append(finding("setting", f"{path}: {key}", f"who can reach the service: {key} {change}", line, was, now))
    return found


def _change(before: Node | None, after: Node | None) -> str | None:
    """What changed in words: the entries an allow list gained and lost, or its value before and after;
    None when the value is the same, or a list holds the same entries in another order."""
    old = plain(before) if before is not None else None
    new = plain(after) if after is not None else None
    if before is not None and after is not None and old == new:
        return None
    if isinstance(old, dict) and isinstance(new, dict):
        gained = [f"{k}: {new[k]}" for k in new if k not in old or old[k] != new[k]]
        lost = [f"{k}: {old[k]}" for k in old if k not in new or old[k] != new[k]]
    elif isinstance(old, list) and isinstance(new, list):
        gained = [str(v) for v in new if v not in old]
        lost = [str(v) for v in old if v not in new]
    else:
        return f"{_shown(before)} -> {_shown(after)}"
    parts = [f"{word} {_clipped(', '.join(items))}" for word, items in (("gains", gained), ("loses", lost)) if items]
    return "; ".join(parts) or None


def _settings(text: str) -> dict[str, Node]:
    """Every allow list or firewall key of every document, by its path of keys (`generic-service.allowlist`)."""
    if not text.strip():
        return {}
    found: dict[str, Node] = {}
    for number, root in enumerate(load(text).roots):
        for key, node in _walk(root, "" if number == 0 else f"[{number}]"):
            found.setdefault(key, node)
    return found


def _walk(node: Node, at: str) -> Iterator[tuple[str, Node]]:
    if isinstance(node.value, dict):
        for key, child in node.value.items():
            where = f"{at}.{key}" if at else key
            if EXPOSURE_KEY.search(key) and "snippet" not in key.lower():  # a snippet's rules: settings.py reads them
                yield where, child
            else:
                yield from _walk(child, where)
    elif isinstance(node.value, list):
        for index, child in enumerate(node.value):
            yield from _walk(child, f"{at}[{index}]")


def _shown(node: Node | None) -> str:
    return "(not set)" if node is None else _clipped(render(node))


def _clipped(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
