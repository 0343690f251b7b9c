"""Text-level help for Kubernetes manifests, shared by the cost and dependency readers."""

from __future__ import annotations

import re

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
