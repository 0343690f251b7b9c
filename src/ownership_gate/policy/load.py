"""Finding and loading the policy: the repository's file, a built-in template, or the cache of validated ones."""

from __future__ import annotations

from pathlib import Path

from ownership_gate.errors import FatalError
from ownership_gate.output.quoting import quote_path
from ownership_gate.policy.model import Policy

POLICY_FILES = (".ownership-gate.yaml", ".ownership-gate.yml")
BUILTIN_PREFIX = "builtin:"
DEFAULT_TEMPLATE = "startup"


# -- locating -------------------------------------------------------------

def builtin_names() -> list[str]:
    from importlib import resources  # only when a built-in policy is asked for

    files = resources.files("ownership_gate.policies")
    return sorted(p.name.removesuffix(".yaml") for p in files.iterdir() if p.name.endswith(".yaml"))


def builtin_text(name: str) -> str:
    if name not in builtin_names():
        raise FatalError(f"no built-in policy {name!r}; choose one of: {', '.join(builtin_names())}")
    from importlib import resources

    return (resources.files("ownership_gate.policies") / f"{name}.yaml").read_text("utf-8")


def find_policy_file(root: Path) -> str | None:
    for name in POLICY_FILES:
        if (root / name).is_file():
            return name
    return None


# -- parsing --------------------------------------------------------------


def parse(text: str, filename: str, path: str | None = None) -> Policy:
    """Parse and validate policy text; raise PolicyError listing every mistake."""
    from ownership_gate.policy.parse import parse as parse_yaml

    return parse_yaml(text, filename, path)


def load_builtin(name: str = DEFAULT_TEMPLATE) -> Policy:
    return load_text(builtin_text(name), f"{BUILTIN_PREFIX}{name}", None)


def load_text(text: str, display: str, repo_path: str | None) -> Policy:
    """Parse a policy, or take it from the cache of policies already validated."""
    from ownership_gate.policy import cache

    key = cache.key(text, display, repo_path)
    cached = cache.get(key)
    if cached is not None:
        return cached
    policy = parse(text, display, repo_path)
    cache.put(key, policy)
    return policy


def load_file(file: Path, display: str, repo_path: str | None) -> Policy:
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        raise FatalError(f"policy file not found: {quote_path(display)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FatalError(f"cannot read policy file {quote_path(display)}: {exc}") from None
    return load_text(text, display, repo_path)
