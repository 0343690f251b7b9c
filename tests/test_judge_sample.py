"""`benchmarks/judge_sample.py` on a sample of real commits, some of whose repositories have no clone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import Repo

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "judge_sample.py"
GATE = Path(sys.executable).parent / "ownership-gate"


def test_only_cloned_judges_the_commits_it_can_and_lists_the_others(repo: Repo, tmp_path: Path) -> None:
    repo.commit({"README.md": "app\n"})
    routine = repo.commit({"README.md": "app, documented\n"})
    one_way = repo.commit({"infra/db.tf": 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n'})
    clones = tmp_path / "clones"
    clones.mkdir()
    (clones / "example+app").symlink_to(repo.root)
    sample = tmp_path / "sample.tsv"
    sample.write_text(
        "# repository\tcommit\tlabel\twhy\n"
        f"example/app\t{routine}\tengineer\tdocs\n"
        f"example/app\t{one_way}\tengineer\ta database, labelled routine here so it counts as a false alarm\n"
        f"elsewhere/gone\t{'0' * 40}\tcto\tno clone of this one\n", "utf-8")
    command = [sys.executable, str(SCRIPT), "--clones", str(clones), "--sample", str(sample), "--exe", str(GATE)]

    without = subprocess.run(command, capture_output=True, text=True, check=False)
    assert without.returncode == 1
    assert "no clone of elsewhere/gone" in without.stderr

    judged = subprocess.run([*command, "--only-cloned"], capture_output=True, text=True, check=False)
    assert judged.returncode == 0, judged.stderr
    assert "not judged, no clone: 1 commit of elsewhere/gone" in judged.stdout
    assert judged.stdout.splitlines()[-1] == (
        "2 commits, 0 labelled cto, 2 routine; false alarms 1/2 = 50.0%, misses 0/0 = 0.0%")
