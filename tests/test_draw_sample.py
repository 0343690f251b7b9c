"""`benchmarks/draw_sample.py`: a new sample's commits drawn from real history, the way a maintainer runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import Repo

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "draw_sample.py"


def _draw(clones: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--clones", str(clones), "--name", "fresh999", *args],
                          capture_output=True, text=True, check=False)


def test_every_nth_first_parent_commit_from_the_tip(repo: Repo, tmp_path: Path) -> None:
    # 45 commits in one `git fast-import` stream (one git process, not three a commit); each commit to the
    # branch has the one before as its parent.
    stream = "".join(
        f"commit refs/heads/main\ncommitter A <a@example.com> {1700000000 + n} +0000\ndata 2\nc{n % 10}\n"
        + f"M 644 inline log.txt\ndata {len(str(n)) + 1}\n{n}\n\n"
        for n in range(45)
    )
    repo.git("fast-import", "--quiet", input=stream.encode())
    repo.git("checkout", "-q", "-f", "main")
    clones = tmp_path / "clones"
    clones.mkdir()
    (clones / "example+history").symlink_to(repo.root)
    drawn = _draw(clones, "example/history")
    assert drawn.returncode == 0, drawn.stderr
    header, *rows = drawn.stdout.splitlines()
    # 45 commits, 44 of them with a parent: N = 44 // 20 = 2, the tip's first.
    listed = repo.git("rev-list", "--first-parent", "--min-parents=1", "HEAD").split()
    assert [row.split("\t") for row in rows] == [["example/history", commit] for commit in listed[::2][:20]]
    assert "fresh999 sample" in header and "history N=2" in header


def test_a_repository_a_sample_already_holds_is_refused(tmp_path: Path) -> None:
    labelled = Path(__file__).parents[1] / "benchmarks" / "labelled" / "fresh.tsv"
    sampled = next(line.split("\t")[0] for line in labelled.read_text("utf-8").splitlines()
                   if line.strip() and not line.startswith("#"))
    drawn = _draw(tmp_path, sampled)
    assert drawn.returncode == 2
    assert f"already sampled, the same commits would count twice: {sampled}" in drawn.stderr
    assert drawn.stdout == ""
