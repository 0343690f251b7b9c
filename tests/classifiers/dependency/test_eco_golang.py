from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare
from ownership_gate.classifiers.dependency.ecosystems import golang
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError, Requirement
from tests.conftest import Repo
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, fixture, summary

BEFORE = fixture("golang/before.go.mod")
AFTER = fixture("golang/after.go.mod")


def test_parse_reads_require_blocks_single_lines_replace_and_the_go_version() -> None:
    found = {r.name: r for r in golang.parse(BEFORE, "go.mod")}
    assert found["github.com/gin-gonic/gin"] == Requirement("github.com/gin-gonic/gin", "v1.9.1", 9)
    assert found["github.com/jackc/pgx"].constraint == "v4.18.1"  # /v4 is a version, not a name
    assert found["gopkg.in/yaml"].constraint == "v2.4.0"
    assert found["github.com/google/uuid"] == Requirement("github.com/google/uuid", "v1.3.0", 22)
    # a replace that keeps the module but moves its version is the version the build uses
    assert found["github.com/sirupsen/logrus"] == Requirement(
        "github.com/sirupsen/logrus", "v1.9.3", 24
    )
    assert found["golang.org/x/net"].indirect and found["golang.org/x/sys"].indirect
    assert not found["go.uber.org/zap"].indirect
    # the go line is the requirement, the toolchain line the preferred toolchain
    assert found["golang"] == Requirement("golang", "1.21, toolchain 1.21.5", 3)
    assert "v1.0.1" not in {r.constraint for r in found.values()}  # retract is no requirement


def test_directives_that_require_nothing() -> None:
    text = (
        "module m\n\ngo 1.24\n\ngodebug default=go1.21\n\ntool golang.org/x/tools/cmd/stringer\n"
        "exclude github.com/a/b v1.0.0\nretract [v1.0.0, v1.0.5]\n"
    )
    assert golang.parse(text, "go.mod") == [Requirement("golang", "1.24", 3)]


def test_replace_to_a_fork_or_a_directory_compares_to_nothing() -> None:
    found = {r.name: r for r in golang.parse(AFTER, "go.mod")}
    redirect = found["github.com/sirupsen/logrus"]
    assert redirect == Requirement("github.com/sirupsen/logrus", "=> github.com/example/logrus-fork", 25)
    assert golang.lowest(redirect.constraint) is None
    # the fork is a source of its own, at the replacement's version
    assert found["github.com/example/logrus-fork"] == Requirement(
        "github.com/example/logrus-fork", "v1.9.3-patched", 25
    )
    assert found["github.com/stretchr/testify"].constraint == "=> ../testify"
    assert "../testify" not in found


def test_a_replace_of_a_module_not_required_is_transitive_unless_it_is_a_fork() -> None:
    text = (
        "module m\n\nreplace golang.org/x/crypto => golang.org/x/crypto v0.17.0\n"
        "replace k8s.io/api => ./staging/api\n"
        "replace github.com/a/b => github.com/fork/b v1.0.0\n"
    )
    found = {r.name: r for r in golang.parse(text, "go.mod")}
    assert found["golang.org/x/crypto"].indirect
    assert found["k8s.io/api"].indirect
    assert not found["github.com/a/b"].indirect
    assert found["github.com/fork/b"] == Requirement("github.com/fork/b", "v1.0.0", 5)


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("v1.2.3", "v1.2.4-0.20240101000000-abcdefabcdef"),  # a commit after v1.2.3
        ("v1.2.4-0.20240101000000-abcdefabcdef", "v1.2.4"),  # ... released as v1.2.4
        ("v0.0.0-20231010000000-abcdefabcdef", "v0.0.0-20240110000000-123456abcdef"),
        ("v1.5.0-rc.1.0.20240101000000-abcdefabcdef", "v1.5.0"),
    ],
)
def test_pseudo_versions_order_between_the_releases_around_them(older: str, newer: str) -> None:
    low, high = golang.lowest(older), golang.lowest(newer)
    assert low is not None and high is not None
    width = max(len(low), len(high))
    assert low + (0,) * (width - len(low)) < high + (0,) * (width - len(high))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("module m\n\nrequire (\n\tgithub.com/a/b v1.0.0\n", 3, "never closed"),
        ("module m\nrequire github.com/a/b\n", 2, "module path and a version"),
        ("module m\nrequire github.com/a/b 1.0.0\n", 2, "invalid module version"),
        ("module m\nreplace github.com/a/b github.com/c/d v1.0.0\n", 2, "'=>'"),
        ("module m\nreplace github.com/a/b => github.com/c/d\n", 2, "needs a version"),
        ('module m\nrequire "github.com/a/b v1.0.0\n', 2, "unterminated"),
        ("module m\ngo one.twenty\n", 2, "invalid Go version"),
        ("module m\n)\n", 2, "parenthesis"),
    ],
)
def test_malformed_go_mod_names_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ManifestError) as error:
        golang.parse(text, "go.mod")
    assert error.value.line == line
    assert message in str(error.value)


def test_every_kind_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"go.mod": BEFORE}, {"go.mod": AFTER})
    assert summary(found) == {
        ("minor", "github.com/gin-gonic/gin", "v1.9.1", "v1.10.0"),
        ("major", "github.com/jackc/pgx", "v4.18.1", "v5.5.0"),
        ("major", "gopkg.in/yaml", "v2.4.0", "v3.0.1"),
        ("added", "github.com/stripe/stripe-go", None, "v76.8.0"),
        ("removed", "go.uber.org/zap", "v1.24.0", None),
        ("patch", "github.com/google/uuid", "v1.3.0", "v1.3.1"),
        ("minor", "golang", "1.21, toolchain 1.21.5", "1.22, toolchain 1.22.1"),
        ("changed", "github.com/sirupsen/logrus", "v1.9.3", "=> github.com/example/logrus-fork"),
        ("added", "github.com/example/logrus-fork", None, "v1.9.3-patched"),
        ("changed", "github.com/stretchr/testify", "v1.8.4", "=> ../testify"),
        ("lockfile", "golang.org/x/net", "v0.17.0", "v0.21.0"),
        ("lockfile", "golang.org/x/sys", "v0.0.0-20231010000000-abcdefabcdef",
         "v0.0.0-20240110000000-123456abcdef"),
        ("lockfile", "golang.org/x/text", None, "v0.14.0"),
    }
    assert {f["ecosystem"] for f in found} == {"golang"}
    lines = {f["subject"]: f["line"] for f in found}
    assert lines["github.com/gin-gonic/gin"] == 9 and lines["golang"] == 3
    assert by_subject(found)["github.com/stripe/stripe-go"]["level"] == "cto"
    assert by_subject(found)["golang.org/x/text"]["level"] is None  # transitive: routine


def test_reordering_and_reformatting_changes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    reordered = fixture("golang/reordered.go.mod")
    assert dependency_findings(repo, capsys, {"go.mod": BEFORE}, {"go.mod": reordered}) == []


def test_go_sum_alone_is_one_lockfile_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {"go.mod": BEFORE, "go.sum": fixture("golang/before.go.sum")}
    found = dependency_findings(repo, capsys, before, {"go.sum": fixture("golang/after.go.sum")})
    assert summary(found) == {("lockfile", "go.sum", None, None)}


def test_go_sum_next_to_a_changed_go_mod_says_nothing_more(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {"go.mod": BEFORE, "go.sum": fixture("golang/before.go.sum")}
    after = {"go.mod": BEFORE.replace("uuid v1.3.0", "uuid v1.3.1"),
             "go.sum": fixture("golang/after.go.sum")}
    found = dependency_findings(repo, capsys, before, after)
    assert summary(found) == {("patch", "github.com/google/uuid", "v1.3.0", "v1.3.1")}


def test_a_broken_go_mod_is_unparsed_with_its_line(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = BEFORE.replace("github.com/google/uuid v1.3.0", "github.com/google/uuid")
    found = dependency_findings(repo, capsys, {"go.mod": BEFORE}, {"services/api/go.mod": broken,
                                                                  "go.mod": broken})
    assert {(f["kind"], f["subject"], f["line"]) for f in found} == {
        ("unparsed", "go.mod", 22), ("unparsed", "services/api/go.mod", 22),
    }
    assert all(f["level"] == "cto" for f in found)


def test_invalid_utf8_is_unparsed_not_a_traceback(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    found = dependency_findings(repo, capsys, {"go.mod": BEFORE},
                                {"go.mod": BEFORE.encode() + b"\n// \xff\xfe\n"})
    assert [(f["kind"], f["subject"]) for f in found] == [("unparsed", "go.mod")]
    assert "UTF-8" in found[0]["detail"]


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("go 1.21\ntoolchain go1.23.0\n", "go 1.23\n", "minor"),  # the go line decides
        ("go 1.22.0\ntoolchain go1.22.1\n", "go 1.22.0\ntoolchain go1.22.5\n", "patch"),
        ("go 1.22.0\n", "go 1.22.0\ntoolchain go1.22.5\n", "patch"),
        ("go 1.22\n", "go 1.22.0\n", None),  # `go mod tidy` spelling
        ("go 1.22.0\ntoolchain go1.22.0\n", "go 1.22.0\n", None),
        ("go 1.22.0\n", "go 1.21\n", "changed"),
    ],
)
def test_go_and_toolchain_lines(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str | None
) -> None:
    head = "module m\n\n"
    found = dependency_findings(repo, capsys, {"go.mod": head + before}, {"go.mod": head + after})
    assert [(f["kind"], f["subject"]) for f in found] == ([(kind, "golang")] if kind else [])


_REQUIRES = [
    ("github.com/gin-gonic/gin", "v1.9.1", False),
    ("github.com/jackc/pgx/v5", "v5.5.0", False),
    ("golang.org/x/net", "v0.17.0", True),
    ("golang.org/x/sys", "v0.0.0-20231010000000-abcdefabcdef", True),
    ("gopkg.in/yaml.v3", "v3.0.1", False),
    ("github.com/google/uuid", "v1.3.0", False),
]


def _go_mod(order: list[int], blocks: list[bool], quoted: list[bool]) -> str:
    lines = ["module example.com/m", "", "go 1.22.0", ""]
    for index, in_block, quote in zip(order, blocks, quoted, strict=True):
        path, version, indirect = _REQUIRES[index]
        written = f'"{path}"' if quote else path
        comment = " // indirect" if indirect else ""
        if in_block:
            lines += ["require (", f"\t{written} {version}{comment}", ")"]
        else:
            lines.append(f"require {written} {version}{comment}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(
    order=st.permutations(range(len(_REQUIRES))),
    blocks=st.lists(st.booleans(), min_size=len(_REQUIRES), max_size=len(_REQUIRES)),
    quoted=st.lists(st.booleans(), min_size=len(_REQUIRES), max_size=len(_REQUIRES)),
)
def test_any_order_or_layout_of_the_same_requirements_compares_equal(
    order: list[int], blocks: list[bool], quoted: list[bool]
) -> None:
    reference = golang.parse(_go_mod(list(range(len(_REQUIRES))), [True] * 6, [False] * 6), "go.mod")
    shuffled = golang.parse(_go_mod(order, blocks, quoted), "go.mod")
    assert compare(reference, shuffled, golang) == []
    assert {(r.name, r.constraint, r.indirect) for r in shuffled} == {
        (r.name, r.constraint, r.indirect) for r in reference
    }


def test_a_forks_version_steps_like_any_module(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # from infracost: the fork of heimdalr/dag moved to a newer commit
    text = (
        "module m\n\nrequire github.com/heimdalr/dag v1.3.1\n\n"
        "replace github.com/heimdalr/dag => github.com/aliscott/dag {}\n"
    )
    found = dependency_findings(
        repo, capsys,
        {"go.mod": text.format("v1.3.2-0.20231107171416-9b8b8f8a1b5c")},
        {"go.mod": text.format("v1.3.2-0.20231110120000-0123456789ab")},
    )
    assert [(f["kind"], f["subject"]) for f in found] == [("patch", "github.com/aliscott/dag")]
