"""A cache of validated policies, so the pre-commit hook skips YAML parsing.

Validating a policy means composing YAML and walking every node; on a
300-rule policy that is most of the hook's time. A valid policy is stored
as JSON (never pickle: the cache must not be able to run code) under the
user's cache directory. Its key is the policy text, where it came from,
the ownership-gate version and the classifier registry, so any change to
one of those is a miss. An entry is found by a checksum of its key and
holds the key whole, which must match: two keys sharing a checksum are
two misses, never the wrong policy (and the hook does not load OpenSSL
for a cryptographic hash). Broken policies are never cached.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ownership_gate import __version__
from ownership_gate.paths import patterns
from ownership_gate.policy.model import Level, Policy, PolicyTest, Rule, Signoff, When

FORMAT = 5


def cache_dir() -> Path | None:
    if os.environ.get("OWNERSHIP_GATE_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ownership-gate" / "policies"


def _registry_signature() -> str:
    from ownership_gate.classifiers import REGISTRY

    return repr(sorted((t, c.KINDS, sorted(c.SETTINGS.items())) for t, c in REGISTRY.items()))


def key(text: str, display: str, repo_path: str | None) -> str:
    """Everything a validated policy depends on."""
    return "\0".join((str(FORMAT), __version__, _registry_signature(), display, repo_path or "", text))


def entry_name(key: str) -> str:
    """The file an entry for `key` lives in."""
    return f"{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}-{len(key)}.json"


def _encode(value: Any) -> Any:
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a record: an object of its fields
        return _encode(value._asdict())
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _tuple(value: Any) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def _frozen(value: Any) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


def _signoff(raw: dict[str, Any]) -> Signoff:
    return Signoff(
        trailer=raw["trailer"], signers=tuple(raw["signers"]),
        signature=raw["signature"], allowed_signers=raw["allowed_signers"],
        github_reviewers=tuple(raw["github_reviewers"]), labels=tuple(raw["labels"]), line=int(raw["line"]),
        gitlab_approvers=tuple(raw["gitlab_approvers"]),
    )


def _patterns(policy: Policy) -> set[str]:
    found = {p for rule in policy.rules for p in (*(rule.paths or ()), *rule.exclude)}
    found.update(p for settings in policy.classify.values() for v in settings.values()
                 if isinstance(v, tuple) for p in v)
    return found


def dump(policy: Policy, key: str = "") -> str:
    translations = {}
    for pattern in _patterns(policy):
        with contextlib.suppress(patterns.PatternError):  # cost keys are no patterns
            translations[pattern] = patterns.translate(pattern)
    return json.dumps({"key": key, "policy": _encode(policy), "patterns": translations})


def load(data: str, key: str = "") -> Policy:
    """The policy of a cache entry; a KeyError when the entry is for another key."""
    document = json.loads(data)
    if document["key"] != key:
        raise KeyError("a cache entry for another policy")
    patterns.TRANSLATED.update(document["patterns"])
    raw = document["policy"]
    levels = tuple(
        Level(
            name=lv["name"], rank=lv["rank"], description=lv["description"], owners=tuple(lv["owners"]),
            signoff=None if lv["signoff"] is None else _signoff(lv["signoff"]),
            line=lv["line"],
        )
        for lv in raw["levels"]
    )
    rules = tuple(
        Rule(
            id=r["id"], level=r["level"], reason=r["reason"], paths=_tuple(r["paths"]),
            exclude=tuple(r["exclude"]), line=r["line"],
            when=None if r["when"] is None else When(
                types=frozenset(r["when"]["types"]),
                kinds=_frozen(r["when"]["kinds"]),
                subjects=_tuple(r["when"]["subjects"]),
                scopes=_frozen(r["when"]["scopes"]),
                ecosystems=_frozen(r["when"]["ecosystems"]),
                vendor=r["when"]["vendor"],
            ),
        )
        for r in raw["rules"]
    )
    classify = {t: {k: (tuple(v) if isinstance(v, list) else v) for k, v in s.items()}
                for t, s in raw["classify"].items()}
    tests = tuple(PolicyTest(**t) for t in raw["tests"])
    return Policy(
        source=raw["source"], levels=levels, default_level=raw["default_level"], rules=rules,
        classify=classify, tests=tests, path=raw["path"],
    )


def get(key: str) -> Policy | None:
    directory = cache_dir()
    if directory is None:
        return None
    try:
        return load((directory / entry_name(key)).read_text("utf-8"), key)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, another policy's, or not ours: parse the YAML instead


def put(key: str, policy: Policy) -> None:
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        name = entry_name(key)
        temporary = directory / f".{name}.{os.getpid()}.tmp"
        temporary.write_text(dump(policy, key), "utf-8")
        os.replace(temporary, directory / name)
    except OSError:
        pass  # a read-only home is no reason to fail a check
