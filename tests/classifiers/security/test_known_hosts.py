"""A host the repository already named before the change set is no new outbound host, in real repositories."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from ownership_gate.classifiers import REGISTRY
from ownership_gate.classifiers.base import Context, Trees
from ownership_gate.classifiers.security import scan
from ownership_gate.git.repo import Git
from tests.classifiers.security.test_security import POLICY
from tests.conftest import Repo, kinds_and_subjects, run_json

CLIENT = 'export async function ping(): Promise<void> {\n  await fetch("https://status.vendor.io/ok");\n}\n'


def _calling(url: str) -> str:
    return CLIENT + f'\nexport async function load(): Promise<Response> {{\n  return fetch("{url}");\n}}\n'


@pytest.mark.parametrize(("named", "called", "reported"), [
    # The project's own domain, named in its README: a subdomain of it is no new host.
    ("Docs: https://docs.example-app.io", "https://api.example-app.io/v1", False),
    # A host the repository never named is new.
    ("Docs: https://docs.example-app.io", "https://api.tracker-cloud.io/v1", True),
    # On a shared hosting suffix each customer's subdomain is its own domain.
    ("Preview: https://one.vercel.app", "https://two.vercel.app/api", True),
    ("Preview: https://one.vercel.app", "https://one.vercel.app/api", False),
    # Registrable domains under a two-label public suffix.
    ("Shop: www.example.co.uk", "https://api.example.co.uk/orders", False),
    ("Shop: www.example.co.uk", "https://api.other.co.uk/orders", True),
    # Named inside a longer name is not named.
    ("Preview: https://my.vercel.app", "https://y.vercel.app/api", True),
    ("Mirror: example-app.io.mirror.net", "https://api.example-app.io/v1", True),
    # Case does not matter.
    ("Docs: https://Docs.Example-App.IO", "https://api.example-app.io/v1", False),
])
def test_a_host_the_repository_named_before_is_not_new(
    repo: Repo, capsys: pytest.CaptureFixture[str], named: str, called: str, reported: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": f"# App\n\n{named}\n", "src/api.ts": CLIENT})
    repo.commit({"src/api.ts": _calling(called)})
    code, doc = run_json(capsys, "--base", base)
    host = called.split("/")[2]
    assert kinds_and_subjects(doc, "security") == ([("host", f"src/api.ts: {host}")] if reported else [])
    assert code == (1 if reported else 0)


def test_a_host_named_by_an_unchanged_config_file_is_known(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({
        ".ownership-gate.yaml": POLICY,
        "config/services.yml": "billing:\n  url: https://billing.example-app.io\n",
        "src/api.ts": CLIENT,
    })
    repo.commit({"src/api.ts": _calling("https://api.example-app.io/v1")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_staged_changes_search_the_head_commit(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".ownership-gate.yaml": POLICY, "README.md": "# App\n\nhttps://example-app.io\n", "src/api.ts": CLIENT})
    repo.stage({"src/api.ts": _calling("https://api.example-app.io/v1")})
    code, doc = run_json(capsys, "--staged")
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0

    # Named only by what is staged with it: the head never named it, so it is new.
    repo.stage({
        "src/api.ts": _calling("https://api.tracker-cloud.io/v1"),
        "README.md": "# App\n\nhttps://example-app.io\nhttps://tracker-cloud.io\n",
    })
    code, doc = run_json(capsys, "--staged")
    assert kinds_and_subjects(doc, "security") == [("host", "src/api.ts: api.tracker-cloud.io")]
    assert code == 1


def test_a_new_package_from_a_cdn_the_repository_names_is_still_new(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({
        ".ownership-gate.yaml": POLICY,
        "README.md": "Scripts load from https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.min.js\n",
        "src/api.ts": CLIENT,
    })
    repo.commit({"src/api.ts": _calling("https://cdn.jsdelivr.net/npm/katex@0.16.45/dist/katex.min.js")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("host", "src/api.ts: cdn.jsdelivr.net/katex")]
    assert code == 1


def test_hosts_several_files_add_are_searched_for_once(repo: Repo) -> None:
    base = repo.commit({"README.md": "https://example-app.io\n", "src/a.ts": CLIENT, "src/b.ts": CLIENT})
    head = repo.commit({"src/a.ts": _calling("https://api.example-app.io/v1"),
                        "src/b.ts": _calling("https://api.tracker-cloud.io/v1")})
    git = Git(repo.root)
    searches: list[frozenset[str]] = []

    def contains(rev: str, strings: Collection[str]) -> frozenset[str] | None:
        searches.append(frozenset(strings))
        return git.contains(rev, strings)

    context = Context(git.diff(base, head), git.blobs, {}, REGISTRY, trees=Trees(base, head, files=git.files_in, contains=contains))
    found = [f.subject for change in context.changes for f in scan.findings(change, context) if f.kind == "host"]
    assert found == ["src/b.ts: api.tracker-cloud.io"]
    assert searches == [frozenset({"example-app.io", "tracker-cloud.io"})]
    git.close()


def test_a_host_stays_new_when_git_cannot_search(repo: Repo) -> None:
    base = repo.commit({"README.md": "https://example-app.io\n", "src/api.ts": CLIENT})
    head = repo.commit({"src/api.ts": _calling("https://api.example-app.io/v1")})
    git = Git(repo.root)
    changes = git.diff(base, head)
    for trees in (None, Trees(base, head, files=git.files_in), Trees("0" * 40, head, files=git.files_in, contains=git.contains)):
        context = Context(changes, git.blobs, {}, REGISTRY, trees=trees)
        found = [f.subject for change in changes for f in scan.findings(change, context) if f.kind == "host"]
        assert found == ["src/api.ts: api.example-app.io"], trees
    git.close()


def test_contains_finds_whole_names_in_text_files_of_one_revision(repo: Repo) -> None:
    old = repo.commit({
        "notes.txt": "see my.vercel.app, then Y.Vercel.App\nexample.co.uk only\n",
        "logo.png": b"\x89PNG\0binary.example.io\0",
        "deploy.sh": "curl -fsS https://hooks.partner-one.io/x-deploy\n",
    })
    repo.commit({"notes.txt": "later.example.io\n"})
    git = Git(repo.root)
    wanted = {"y.vercel.app", "vercel.app", "example.co", "example.co.uk", "binary.example.io", "partner-one.io",
              "one.io", "later.example.io"}
    assert git.contains(old, wanted) == {"y.vercel.app", "vercel.app", "example.co.uk", "partner-one.io"}
    assert git.contains("HEAD", wanted) == {"partner-one.io", "later.example.io"}
    assert git.contains(old, set()) == frozenset()
    assert git.contains("no-such-revision", {"vercel.app"}) is None
    git.close()
