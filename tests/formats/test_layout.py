"""Code without its layout and comments (formats/layout.py)."""

from __future__ import annotations

import pytest

from ownership_gate.formats.layout import without_comments


@pytest.mark.parametrize(("text", "expected"), [
    ('a = "http://x"; // why\nb = 1;', 'a = "http://x"; \nb = 1;'),
    ("/**\n * Javadoc\n */\nclass A {}", " \nclass A {}"),
    ("a/**/b", "a b"),
    # What looks like a comment inside a string literal is the string's.
    ("s = '/* no */'; t = `// no`;", "s = '/* no */'; t = `// no`;"),
])
def test_comments_go_and_strings_stay(text: str, expected: str) -> None:
    assert without_comments(text) == expected
