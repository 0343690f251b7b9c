"""Code without its layout and comments (formats/layout.py)."""

from __future__ import annotations

import pytest

from ownership_gate.formats.layout import without_comments, without_strings


@pytest.mark.parametrize(("text", "expected"), [
    ('a = "http://x"; // why\nb = 1;', 'a = "http://x"; \nb = 1;'),
    ("/**\n * Javadoc\n */\nclass A {}", " \nclass A {}"),
    ("a/**/b", "a b"),
    # What looks like a comment inside a string literal is the string's.
    ("s = '/* no */'; t = `// no`;", "s = '/* no */'; t = `// no`;"),
])
def test_comments_go_and_strings_stay(text: str, expected: str) -> None:
    assert without_comments(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('LOG.error("Unexpected exception thrown", e);', "LOG.error( , e);"),
    ("logger.info('user %s', user.id)", "logger.info( , user.id)"),
    ('console.warn(`sent ${payload}`, "a \\" b")', "console.warn( ,  )"),
])
def test_strings_go_and_the_code_around_them_stays(text: str, expected: str) -> None:
    assert without_strings(text) == expected
