"""`check` starts `git diff` first and builds everything else while git works."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from ownership_gate.errors import GitError
from ownership_gate.git import Git
from ownership_gate.main import main
from tests.conftest import Repo

HEAVY = ("ownership_gate.engine", "ownership_gate.signoff", "ownership_gate.output", "ownership_gate.policy")

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
from ownership_gate.main import main
code = main(["check", "--base", "HEAD~1", "--format", "json", "--output", "out.json"])
print(json.dumps({"code": code, "events": events}))
"""


def _many_files(repo: Repo, count: int) -> tuple[str, str]:
    base = repo.commit({f"src/pkg{i // 100:02}/module_{i:05}.py": "x = 1\n" for i in range(count)})
    head = repo.commit({f"src/pkg{i // 100:02}/module_{i:05}.py": "x = 2\n" for i in range(count)})
    return base, head


def test_git_diff_starts_before_the_engine_policy_and_reporters_load(repo: Repo) -> None:
    repo.commit({"a.py": "x = 1\n", "terraform/main.tf": "# one\n"})
    repo.commit({"a.py": "x = 2\n", "terraform/main.tf": "# two\n"})  # no added file: no copy pass
    done = subprocess.run([sys.executable, "-c", _ORDER % (HEAVY,)], cwd=repo.root, capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["code"] == 1  # terraform/ needs the CTO under the built-in policy
    assert result["events"][0] == "git diff"
    assert sorted(result["events"][1:]) == sorted(HEAVY)
    report = json.loads((repo.root / "out.json").read_text("utf-8"))
    assert {c["path"] for c in report["changes"]} == {"a.py", "terraform/main.tf"}


def test_importing_check_loads_nothing_heavy(repo: Repo) -> None:
    code = "import sys, ownership_gate.main, ownership_gate.check; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "ownership_gate.check" in loaded
    assert [m for m in (*HEAVY, "ownership_gate.classifiers", "ownership_gate.model") if m in loaded] == []


def test_git_finishes_a_diff_bigger_than_a_pipe_while_nobody_collects_it(repo: Repo) -> None:
    base, head = _many_files(repo, 3000)  # ~350 KB of raw diff; a pipe holds 64 KB
    git = Git(repo.root)
    try:
        pending = git.start_diff(base, head)
        deadline = time.monotonic() + 30
        while pending._proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pending._proc.returncode == 0, "git stalled on a full pipe"
        changes = pending.result()
    finally:
        git.close()
    assert len(changes) == 3000
    assert {c.status for c in changes} == {"modified"}


def test_closing_git_stops_a_diff_nobody_collected(repo: Repo) -> None:
    base, head = _many_files(repo, 3000)
    git = Git(repo.root)
    pending = git.start_diff(base, head)
    git.close()
    assert pending._proc.returncode is not None  # killed or finished, and reaped
    git.close()


def test_a_failing_diff_raises_git_error_with_gits_message(repo: Repo) -> None:
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


def test_copy_detection_still_runs_on_small_changes(repo: Repo) -> None:
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
