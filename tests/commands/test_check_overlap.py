"""`check` starts `git diff` first and builds everything else while git works."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ownership_gate.cli import main
from ownership_gate.errors import GitError
from ownership_gate.git import diff
from ownership_gate.git.repo import Git
from ownership_gate.model import Change
from tests.conftest import TERRAFORM_DB, Repo, run_json

HEAVY = ("ownership_gate.engine.judge", "ownership_gate.signoff.evidence", "ownership_gate.output.reporters",
         "ownership_gate.policy.model")
# With an explicit --base the CI event is read after git starts, too.
AFTER_DIFF = (*HEAVY, "ownership_gate.ci.detect")

# An audit hook sees every process the interpreter starts and every module it
# loads, in order, without replacing anything.
_ORDER = """
import json, sys
HEAVY = %r
events = []
def hook(event, args):
    if event == "subprocess.Popen" and list(args[1])[:2] == ["git", "diff"]:
        events.append("git diff")
    elif event == "import" and args[0] in HEAVY:
        events.append(args[0])
sys.addaudithook(hook)
from ownership_gate.cli import main
code = main(["check", "--base", "HEAD~1", "--format", "json", "--output", "out.json"])
print(json.dumps({"code": code, "events": events}))
"""


def _many_files(repo: Repo, count: int) -> tuple[str, str]:
    base = repo.commit({f"src/pkg{i // 100:02}/module_{i:05}.py": "x = 1\n" for i in range(count)})
    head = repo.commit({f"src/pkg{i // 100:02}/module_{i:05}.py": "x = 2\n" for i in range(count)})
    return base, head


def test_git_diff_starts_before_the_engine_policy_and_reporters_load(repo: Repo) -> None:
    repo.commit({"a.py": "x = 1\n", "terraform/main.tf": "# one\n"})
    repo.commit({"a.py": "x = 2\n", "terraform/main.tf": TERRAFORM_DB})  # no added file: no copy pass
    done = subprocess.run([sys.executable, "-c", _ORDER % (AFTER_DIFF,)], cwd=repo.root, capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 1  # a new database needs the CTO under the built-in policy
    assert result["events"][0] == "git diff"
    assert sorted(result["events"][1:]) == sorted(AFTER_DIFF)
    report = json.loads((repo.root / "out.json").read_text("utf-8"))
    assert {c["path"] for c in report["changes"]} == {"a.py", "terraform/main.tf"}


def test_a_ci_run_with_an_explicit_base_still_reads_the_policy_from_the_base(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = "version: 1\nlevels:\n  - {name: engineer, owners: ['@eng']}\n  - {name: cto, owners: ['@cto']}\n" \
             "rules:\n  - {id: tf, level: cto, paths: ['terraform/']}\n"
    base = repo.commit({".ownership-gate.yaml": policy, "README.md": "hi\n"})
    head = repo.commit({"terraform/main.tf": "# new\n", ".ownership-gate.yaml": policy.replace("terraform/", "x/")})
    for key, value in {"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head}.items():
        monkeypatch.setenv(key, value)
    code, doc = run_json(capsys, "--base", base, "--head", head)
    assert doc["policy"] == {"source": f".ownership-gate.yaml@{base}"}  # not the head's weakened copy
    assert {c["path"]: c["level"] for c in doc["changes"]}["terraform/main.tf"] == "cto"
    assert code == 1


def test_importing_check_loads_nothing_heavy(repo: Repo) -> None:
    code = "import sys, ownership_gate.cli, ownership_gate.commands.check; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "ownership_gate.commands.check" in loaded
    assert [m for m in (*AFTER_DIFF, "ownership_gate.classifiers", "ownership_gate.model") if m in loaded] == []


@pytest.fixture(params=["memory-file", "pipe"])
def output_to(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Where git's diff goes: an in-memory file (Linux), or a pipe drained by a thread (elsewhere)."""
    if request.param == "pipe":
        monkeypatch.setattr(diff, "_memory_files", lambda: None)
    elif diff._memory_files() is None:
        pytest.skip("no in-memory files on this system")
    return str(request.param)


def test_git_finishes_a_diff_bigger_than_a_pipe_while_nobody_collects_it(repo: Repo, output_to: str) -> None:
    base, head = _many_files(repo, 3000)  # ~350 KB of raw diff; a pipe holds 64 KB
    git = Git(repo.root)
    try:
        pending = git.start_diff(base, head)
        assert (pending._files is not None) is (output_to == "memory-file")
        deadline = time.monotonic() + 30
        while pending._proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pending._proc.returncode == 0, "git stalled on a full pipe"
        changes = pending.result()
    finally:
        git.close()
    assert len(changes) == 3000
    assert {c.status for c in changes} == {"modified"}


def test_closing_git_stops_a_diff_nobody_collected(repo: Repo, output_to: str) -> None:
    base, head = _many_files(repo, 3000)
    git = Git(repo.root)
    pending = git.start_diff(base, head)
    git.close()
    assert pending._proc.returncode is not None  # killed or finished, and reaped
    git.close()


def test_a_failing_diff_raises_git_error_with_gits_message(repo: Repo, output_to: str) -> None:
    head = repo.commit({"a.py": "x = 1\n"})
    git = Git(repo.root)
    try:
        with pytest.raises(GitError, match=r"^git diff failed: .*bad object"):
            git.start_diff("0" * 40, head).result()
    finally:
        git.close()


def test_a_policy_error_still_wins_over_the_running_diff(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    _many_files(repo, 300)
    assert main(["check", "--base", "HEAD~1", "--policy", "missing.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ownership-gate: error: ") and "missing.yaml" in err
    assert "Traceback" not in err


def test_copy_detection_still_runs_on_small_changes(repo: Repo, output_to: str) -> None:
    body = "".join(f"line {i}\n" for i in range(50))
    base = repo.commit({"lib/a.py": body})
    head = repo.commit({"lib/a.py": body + "more\n", "lib/b.py": body})
    git = Git(repo.root)
    try:
        changes = git.start_diff(base, head).result()
    finally:
        git.close()
    assert [(c.status, c.path, c.old_path) for c in changes] == [
        ("modified", "lib/a.py", None), ("copied", "lib/b.py", "lib/a.py"),
    ]


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_raw_diff_parses_every_status_and_missing_sides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, object_format: str
) -> None:
    root = tmp_path / object_format
    subprocess.run(["git", "init", "-q", "-b", "main", f"--object-format={object_format}", str(root)], check=True)
    monkeypatch.chdir(root)
    repo = Repo(root)
    body = "".join(f"line {i}\n" for i in range(50))
    base = repo.commit({"keep.py": body, "gone.txt": "bye\n", "old name.md": body + "md\n", "mode.sh": "echo\n"})
    (root / "ünï").mkdir()
    repo.git("mv", "old name.md", "ünï/new name.md")
    (root / "mode.sh").chmod(0o755)
    head = repo.commit({"keep.py": body + "more\n", "copy.py": body, "gone.txt": None})
    git = Git(root)
    try:
        changes = {c.path: c for c in git.diff(base, head)}
    finally:
        git.close()

    def oid(rev: str, path: str) -> str:
        return repo.git("rev-parse", f"{rev}:{path}")

    assert len(oid(head, "keep.py")) == (40 if object_format == "sha1" else 64)
    assert changes == {
        "copy.py": Change("copied", "copy.py", "keep.py", oid(base, "keep.py"), oid(head, "copy.py"),
                          "100644", "100644"),
        "gone.txt": Change("deleted", "gone.txt", None, oid(base, "gone.txt"), None, "100644", "000000"),
        "keep.py": Change("modified", "keep.py", None, oid(base, "keep.py"), oid(head, "keep.py"),
                          "100644", "100644"),
        "mode.sh": Change("modified", "mode.sh", None, oid(base, "mode.sh"), oid(head, "mode.sh"),
                          "100644", "100755"),
        "ünï/new name.md": Change("renamed", "ünï/new name.md", "old name.md", oid(base, "old name.md"),
                                  oid(head, "ünï/new name.md"), "100644", "100644"),
    }


def test_staged_diff_of_a_new_file_has_no_old_side(repo: Repo) -> None:
    repo.commit({"a.py": "x = 1\n"})
    repo.stage({"b.py": "y = 2\n"})
    git = Git(repo.root)
    try:
        (change,) = git.diff(repo.git("rev-parse", "HEAD"), None)
    finally:
        git.close()
    assert change == Change("added", "b.py", None, None, repo.git("rev-parse", ":b.py"), "000000", "100644")


def test_a_running_diff_finds_copies_in_its_second_pass(repo: Repo) -> None:
    body = "".join(f"line {i}\n" for i in range(50))
    base = repo.commit({"lib/a.py": body})
    head = repo.commit({"lib/a.py": body + "more\n", "lib/b.py": body})
    git = Git(repo.root)
    try:
        changes = git.start_diff(base, head).result()
    finally:
        git.close()
    assert [(c.status, c.path, c.old_path) for c in changes] == [
        ("modified", "lib/a.py", None), ("copied", "lib/b.py", "lib/a.py"),
    ]
