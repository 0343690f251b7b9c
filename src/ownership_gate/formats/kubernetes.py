"""Help for Kubernetes manifests: text-level, shared by the cost and dependency readers, and the objects of
parsed documents, shared by the security readers (RBAC, External Secrets)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ownership_gate.formats.yaml import Node

# Kinds that run nothing and cost nothing; CRDs are often hundreds of kilobytes
# of schema that a YAML parser needs seconds to compose.
BULK_KINDS = frozenset({"CustomResourceDefinition", "ConfigMap", "Secret"})
_BULK_KIND = re.compile(r"(?m)^kind:[ \t]*['\"]?(?:CustomResourceDefinition|ConfigMap|Secret)\b")
_TOP_KIND = re.compile(r"(?m)^kind:[ \t]*['\"]?([A-Za-z]+)")
_DOC_SPLIT = re.compile(r"(?m)^(---(?:[ \t].*)?\n)")


def blank_bulk_documents(text: str) -> str:
    """Empty the documents whose kinds are all in BULK_KINDS, keeping every line number true."""
    if not _BULK_KIND.search(text):
        return text
    parts = _DOC_SPLIT.split(text)  # documents at even indexes, their separators between
    for index in range(0, len(parts), 2):
        kinds = _TOP_KIND.findall(parts[index])
        if kinds and all(kind in BULK_KINDS for kind in kinds):
            parts[index] = "\n" * parts[index].count("\n")
    return "".join(parts)


def named_objects(roots: Iterable[Node]) -> Iterator[tuple[str, str, str, Node]]:
    """(kind, namespace, name, object) for each object of a file's documents that has a kind and a name,
    a `List`'s items included (`kubectl get -o yaml` writes one); the namespace is "" where none is given."""
    pending = list(roots)
    while pending:
        root = pending.pop(0)
        kind = root.text("kind")
        if kind == "List":
            pending.extend(root.sequence("items"))
            continue
        metadata = root.get("metadata")
        name = metadata.text("name") if metadata is not None else None
        if kind is None or metadata is None or name is None:
            continue
        yield kind, metadata.text("namespace") or "", name, root
