"""Only the top-level Terraform blocks that changed are worth parsing.

python-hcl2 parses about a thousand lines a second, so a large module
edited in one place would cost seconds per revision. The file is cut into
its top-level blocks (`hcl_blocks`); a block whose text is the same at both
revisions cannot carry a cost change and is skipped. When a file does not
cut cleanly, the whole file is parsed instead.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter

from ownership_gate.classifiers.hcl_blocks import blocks

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_OPENERS = re.compile(r"[(\[]")
_CLOSERS = re.compile(r"[)\]]")


def _relevant_lines(block: str, tokens: re.Pattern[str]) -> set[int]:
    """Lines whose change could change a cost: a cost key, a brace, or a multi-line value."""
    relevant = set()
    depth = 0
    for number, line in enumerate(block.splitlines()):
        bare = _STRING.sub('""', line)
        if depth > 0 or "{" in bare or "}" in bare or tokens.search(line):
            relevant.add(number)
        depth = max(0, depth + len(_OPENERS.findall(bare)) - len(_CLOSERS.findall(bare)))
    return relevant


def _touches_cost(old: str, new: str, tokens: re.Pattern[str]) -> bool:
    """Whether an edit inside one resource block reaches anything cost-bearing."""
    a, b = old.splitlines(), new.splitlines()
    hot_a, hot_b = _relevant_lines(old, tokens), _relevant_lines(new, tokens)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if any(i in hot_a for i in range(i1, i2)) or any(j in hot_b for j in range(j1, j2)):
            return True
    return False


def _header(block: str) -> str:
    return block.split("\n", 1)[0]


_MEMBER_START = re.compile(r"^  [^\s})\]]")
_SHRINK_LINES = 40


def _members(block: str) -> tuple[str, list[str], str]:
    """A block's header, its members (attributes and nested blocks at two spaces), its closing line."""
    lines = block.rstrip("\n").split("\n")
    members: list[list[str]] = []
    for line in lines[1:-1]:
        if not members or _MEMBER_START.match(line):
            members.append([line])
        else:
            members[-1].append(line)
    return lines[0], ["\n".join(m) + "\n" for m in members], lines[-1] + "\n"


def _shrink(old: str, new: str) -> tuple[str, str]:
    """The same block at two revisions, keeping only the members that differ.

    Paths inside a member do not depend on its siblings, so dropping
    identical members changes no comparison. A cut that is not valid HCL
    (a heredoc at two spaces) fails to parse and the file is read whole.
    """
    if max(old.count("\n"), new.count("\n")) < _SHRINK_LINES:
        return old, new
    (head_a, body_a, end_a), (head_b, body_b, end_b) = _members(old), _members(new)
    common = Counter(body_a) & Counter(body_b)
    kept: list[str] = []
    for header, body, end in ((head_a, body_a, end_a), (head_b, body_b, end_b)):
        left = Counter(common)
        parts = []
        for member in body:
            if left[member] > 0:
                left[member] -= 1
            else:
                parts.append(member)
        kept.append(header + "\n" + "".join(parts) + end)
    return kept[0], kept[1]


def changed_blocks(old: str, new: str, tokens: re.Pattern[str] | None = None) -> tuple[str, str] | None:
    """The blocks that differ, as two smaller documents; None to parse the files whole.

    With `tokens`, a `resource` block edited only in lines that name no cost
    key (a label, a description, an IAM scope) is dropped as well; data
    sources never cost anything.
    """
    before, after = blocks(old), blocks(new)
    if before is None or after is None:
        return None
    same = set(before) & set(after)
    before = [b for b in before if b not in same and not _header(b).startswith("data ")]
    after = [b for b in after if b not in same and not _header(b).startswith("data ")]
    if tokens is not None:
        old_by_header = {_header(b): b for b in before if _header(b).startswith("resource ")}
        new_by_header = {_header(b): b for b in after if _header(b).startswith("resource ")}
        quiet = {
            h for h in old_by_header.keys() & new_by_header.keys()
            if not _touches_cost(old_by_header[h], new_by_header[h], tokens)
        }
        before = [b for b in before if _header(b) not in quiet]
        after = [b for b in after if _header(b) not in quiet]
    old_blocks = {_header(b): b for b in before}
    new_blocks = {_header(b): b for b in after}
    for header in old_blocks.keys() & new_blocks.keys():
        if header.startswith(("resource ", "module ")):
            old_blocks[header], new_blocks[header] = _shrink(old_blocks[header], new_blocks[header])
    return "".join(old_blocks.get(_header(b), b) for b in before), "".join(new_blocks.get(_header(b), b) for b in after)
