"""YAML composed to nodes, never constructed: the one place both YAML parsers are tried.

libyaml (through ruamel.yaml.clib) composes six times faster than ruamel's
own parser; both resolve tags alike. libyaml knows YAML 1.1 syntax only, so
ruamel's own parser reads the documents libyaml rejects (`[a:b]`) and has
the last word on errors. (They differ in one more way: libyaml puts an empty
value on its key's line, ruamel on the next token's.) ruamel.yaml loads
with the first YAML file read, not when a path is named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ruamel.yaml.nodes import Node

CORE_TAG = "tag:yaml.org,2002:"


def compose_all(text: str) -> list[Node]:
    """The root node of every document; raises ruamel's YAMLError (or RecursionError)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return [node for node in YAML(typ="safe").compose_all(text) if node is not None]
    except (YAMLError, RecursionError):
        pass
    return [node for node in YAML(typ="safe", pure=True).compose_all(text) if node is not None]
