"""Change detection on real repositories: every kind of change git can show."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ownership_gate.cli import main
from ownership_gate.git.repo import Git
from tests.conftest import Repo, levels_by_path, run_json

# Folder rules, so these tests judge paths alone (the built-in policies judge content).
FOLDERS = """\
version: 1
levels: [{name: engineer}, {name: cto}]
rules:
  - {id: cloud-folders, level: cto, paths: ["terraform/", "infra/"]}
"""


def test_rename_out_of_a_cto_folder_is_judged_on_the_old_path(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": FOLDERS, "terraform/variables.tf.bak": "# notes\n" * 20})
    (repo.root / "notes").mkdir()
    repo.git("mv", "terraform/variables.tf.bak", "notes/variables.bak")
    repo.commit()
    code, doc = run_json(capsys, "--base", base)
    (change,) = doc["changes"]
    assert change["status"] == "renamed"
    assert change["old_path"] == "terraform/variables.tf.bak"
    assert change["path"] == "notes/variables.bak"
    assert change["level"] == "cto"
    assert code == 1


def test_copy_reports_both_paths(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    body = "".join(f"line {i}\n" for i in range(50))
    base = repo.commit({"lib/a.py": body})
    repo.commit({"lib/a.py": body + "extra\n", "lib/b.py": body})
    _, doc = run_json(capsys, "--base", base)
    statuses = {c["path"]: (c["status"], c["old_path"]) for c in doc["changes"]}
    assert statuses == {"lib/a.py": ("modified", None), "lib/b.py": ("copied", "lib/a.py")}


def test_deletion_and_type_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"gone.txt": "bye\n", "link": "target\n"})
    (repo.root / "link").unlink()
    os.symlink("gone.txt", repo.root / "link")
    repo.commit({"gone.txt": None})
    _, doc = run_json(capsys, "--base", base)
    statuses = {c["path"]: c["status"] for c in doc["changes"]}
    assert statuses == {"gone.txt": "deleted", "link": "type-changed"}


def test_submodule_pointer_change(repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = Repo(tmp_path / "lib")
    lib.root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(lib.root)], check=True)
    lib.commit({"x": "1\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib.root), "vendor/lib")
    base = repo.commit(message="add submodule")
    lib.commit({"x": "2\n"})
    repo.git("-C", "vendor/lib", "-c", "protocol.file.allow=always", "pull", "-q", "origin", "main")
    repo.commit(message="bump submodule")
    code, doc = run_json(capsys, "--base", base)
    assert [(c["path"], c["status"]) for c in doc["changes"]] == [("vendor/lib", "modified")]
    assert code == 0


def test_binary_files_do_not_break_anything(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": FOLDERS, "a.txt": "a\n"})
    repo.commit({"assets/logo.png": bytes(range(256)) * 40, "infra/blob.bin": b"\x00\x01"})
    code, doc = run_json(capsys, "--base", base)
    assert levels_by_path(doc) == {"assets/logo.png": "engineer", "infra/blob.bin": "cto"}
    assert code == 1


ODD_NAMES = [
    "with space/file name.py",
    "tab\tname.txt",
    "new\nline.txt",
    "ünïcödé/ファイル.md",
    "-leading-dash.txt",
    '"quoted".txt',
    "back\\slash.txt",
]


def test_odd_file_names_survive_the_round_trip(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README": "x\n"})
    repo.commit(dict.fromkeys(ODD_NAMES, "content\n"))
    code, doc = run_json(capsys, "--base", base)
    assert sorted(c["path"] for c in doc["changes"]) == sorted(ODD_NAMES)
    assert code == 0


def test_odd_file_names_in_a_cto_folder_are_caught(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": FOLDERS, "README": "x\n"})
    repo.commit({"terraform/new\nline.tf": "x\n", "infra/ça va.txt": "x\n"})
    code, doc = run_json(capsys, "--base", base)
    assert set(levels_by_path(doc).values()) == {"cto"}
    assert code == 1


def test_text_output_escapes_control_characters(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README": "x\n"})
    repo.commit({"terraform/new\nline.tf": "x\n"})
    assert main(["check", "--base", base]) == 1
    assert "terraform/new\\nline.tf" in capsys.readouterr().out


def test_staged_on_an_unborn_branch_compares_with_the_empty_tree(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.stage({"terraform/main.tf": "x\n", "app.py": "x\n"})
    code, doc = run_json(capsys, "--staged")
    assert doc["base"] is None and doc["head"] is None
    assert levels_by_path(doc) == {"terraform/main.tf": "cto", "app.py": "engineer"}
    assert code == 1


def test_staged_ignores_unstaged_work(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    head = repo.commit({"app.py": "x = 1\n"})
    repo.write("terraform/main.tf", "x\n")  # not staged
    repo.stage({"app.py": "x = 2\n"})
    code, doc = run_json(capsys, "--staged")
    assert doc["base"] == head
    assert levels_by_path(doc) == {"app.py": "engineer"}
    assert code == 0


def test_unrelated_histories_fall_back_to_a_two_dot_diff(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"a.txt": "a\n"})
    repo.git("checkout", "-q", "--orphan", "other")
    repo.git("rm", "-rq", "--cached", ".")
    (repo.root / "a.txt").unlink()
    repo.commit({"b.txt": "b\n"})
    code, doc = run_json(capsys, "--base", "main", "--head", "other")
    assert {c["path"]: c["status"] for c in doc["changes"]} == {"a.txt": "deleted", "b.txt": "added"}
    assert code == 0


def test_merge_base_diff_shows_only_the_branch_work(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"feature.py": "x\n"})
    repo.git("checkout", "-q", "main")
    repo.commit({"terraform/main.tf": "x\n"})  # moved on after the branch point
    code, doc = run_json(capsys, "--base", "main", "--head", "feature")
    assert levels_by_path(doc) == {"feature.py": "engineer"}
    assert code == 0


def test_unknown_revision_exits_2_naming_it(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"a": "1"})
    assert main(["check", "--base", "no-such-branch"]) == 2
    assert "unknown revision 'no-such-branch'" in capsys.readouterr().err


def test_shallow_clone_says_how_to_fix_it(repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = repo.commit({"a": "1"})
    for i in range(3):
        repo.commit({"a": str(i)})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    os.chdir(clone)
    assert main(["check", "--base", first]) == 2
    err = capsys.readouterr().err
    assert "shallow clone" in err and "fetch-depth: 0" in err


def test_default_base_is_the_remote_default_branch(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"a": "1"})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", f"file://{repo.root}", str(clone)], check=True)
    os.chdir(clone)
    work = Repo(clone)
    work.git("checkout", "-q", "-b", "feature")
    work.commit({"terraform/x.tf": "x\n"})
    code, doc = run_json(capsys)
    assert doc["base"] == repo.git("rev-parse", "HEAD")
    assert levels_by_path(doc) == {"terraform/x.tf": "cto"}
    assert code == 1


def test_no_remote_and_no_base_is_a_clear_usage_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"a": "1"})
    assert main(["check"]) == 2
    assert "no remote default branch" in capsys.readouterr().err


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--staged"]) == 2
    assert "not a git repository" in capsys.readouterr().err


def test_blob_reader_reads_each_requested_blob(repo: Repo) -> None:
    repo.commit({"a.txt": "alpha\n", "b.bin": b"\x00\xff"})
    git = Git(repo.root)
    try:
        assert git.blob_at("HEAD", "a.txt") == b"alpha\n"
        assert git.blob_at("HEAD", "b.bin") == b"\x00\xff"
        assert git.blob_at("HEAD", "missing") is None
        assert git.blob("0" * 40) is None
    finally:
        git.close()


def _name_status(repo: Repo, base: str) -> list[tuple[str, str, str | None]]:
    """git's own `--name-status` listing: (letter, path, old path of a move)."""
    out = subprocess.run(
        ("git", "diff", "--name-status", "-z", "-M", base, "HEAD"), cwd=repo.root, capture_output=True, check=True
    ).stdout
    fields = iter(os.fsdecode(out).split("\0")[:-1])
    listed = []
    for status in fields:
        first = next(fields)
        listed.append((status[0], next(fields), first) if status[0] in "RC" else (status[0], first, None))
    return listed


# A name shaped like a raw diff entry's meta field: misread if fields ever slipped.
META_NAME = ":100644 100644 " + "0" * 40 + " " + "1" * 40 + " M"


@pytest.mark.parametrize("move", [False, True], ids=["no-moves", "with-a-rename"])
def test_the_diff_parse_agrees_with_git_name_status(repo: Repo, move: bool) -> None:
    body = "".join(f"line {i}\n" for i in range(40))
    names = [*ODD_NAMES, META_NAME, "a/1.py", "z/9.py"]
    base = repo.commit({**dict.fromkeys(names, "one\n"), "old/moved.txt": body, "gone.txt": "x\n"})
    edits: dict[str, str | bytes | None] = {**dict.fromkeys(names, "two\n"), "gone.txt": None, "new.txt": "fresh\n"}
    if move:
        (repo.root / "new").mkdir()
        repo.git("mv", "old/moved.txt", "new/moved.txt")
    repo.commit(edits)
    changes = Git(repo.root).diff(base, repo.git("rev-parse", "HEAD"))
    letters = {"added": "A", "modified": "M", "deleted": "D", "renamed": "R"}
    assert [(letters[c.status], c.path, c.old_path) for c in changes] == _name_status(repo, base)
    assert ("R" in {letters[c.status] for c in changes}) is move
    assert all(c.new_oid is None if c.status == "deleted" else len(c.new_oid or "") == 40 for c in changes)


def test_a_criss_cross_history_is_diffed_from_the_merge_base_git_names(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two merge bases: git's `base...head` and `git merge-base` pick the same one."""
    repo.commit({"start.txt": "0\n"})
    repo.git("checkout", "-q", "-b", "left")
    left = repo.commit({"left.txt": "l\n"})
    repo.git("checkout", "-q", "-b", "right", "main")
    right = repo.commit({"right.txt": "r\n"})
    repo.git("merge", "-q", "--no-edit", left)
    repo.git("checkout", "-q", "left")
    repo.git("merge", "-q", "--no-edit", right)
    head = repo.commit({"left.txt": "l2\n", "terraform/main.tf": "x\n"})
    repo.git("checkout", "-q", "right")
    base = repo.commit({"right.txt": "r2\n"})
    assert len(repo.git("merge-base", "--all", base, head).split()) == 2
    code, doc = run_json(capsys, "--base", base, "--head", head)
    merge_base = repo.git("merge-base", base, head)
    listed = repo.git("diff", "--name-only", merge_base, head).splitlines()
    assert sorted(c["path"] for c in doc["changes"]) == sorted(listed)
    assert doc["base"] == base and doc["head"] == head
    assert code == 1
