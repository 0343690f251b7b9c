"""Draw a new labelled sample's commits: every Nth first-parent commit, 20 per repository.

For each repository (a clone in `--clones`, named as `judge_sample.py` finds
them), N is its count of first-parent commits that have a parent, divided by
20 (at least 1), and the sample takes every Nth of them from the tip: the
tip's, then the Nth before it, and so on, 20 in all. The commits are not
chosen by hand. It prints the sample file's header and one `repository
<TAB> commit` line per commit, for a labeller to add `<TAB> cto|engineer
<TAB> why` to from the diff alone, before the tool is run on it (see
`LABELLING.md`).

A repository some sample already holds is refused: from the same tip the
same N gives the very same commits, which would count twice. Pass
`--again` to draw it anyway (a second labelling, kept apart from the
samples, in `relabelled/`).

    python benchmarks/draw_sample.py --clones ~/clones --name fresh225 owner/name other/repo
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from judge_sample import HERE, clone_dir

PER_REPOSITORY = 20


def sampled_repositories(folders: Sequence[Path]) -> set[str]:
    """The repositories the samples in `folders` hold."""
    found: set[str] = set()
    for folder in folders:
        for path in sorted(folder.glob("*.tsv")):
            for line in path.read_text("utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    found.add(line.split("\t", 1)[0])
    return found


def every_nth(repo: Path, per_repository: int = PER_REPOSITORY) -> tuple[int, list[str]]:
    """(N, the commits): every Nth first-parent commit with a parent, from the tip."""
    listed = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--first-parent", "--min-parents=1", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    step = max(1, len(listed) // per_repository)
    return step, listed[::step][:per_repository]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clones", type=Path, required=True, help="folder holding a clone of each repository")
    parser.add_argument("--name", required=True, help="the sample's name (fresh225)")
    parser.add_argument("--again", action="store_true", help="draw repositories a sample already holds")
    parser.add_argument("repositories", nargs="+", metavar="owner/name")
    args = parser.parse_args(argv)

    taken = sampled_repositories([HERE / "labelled"])
    repeated = sorted(set(args.repositories) & taken)
    if repeated and not args.again:
        print(f"already sampled, the same commits would count twice: {', '.join(repeated)}"
              " (pass --again for a second labelling, kept in relabelled/)", file=sys.stderr)
        return 2
    rows: list[str] = []
    steps: list[str] = []
    for repository in args.repositories:
        try:
            step, commits = every_nth(clone_dir(args.clones, repository))
        except subprocess.CalledProcessError as exc:
            print(f"{repository}: git could not list its history: {exc.stderr.strip()}", file=sys.stderr)
            return 2
        steps.append(f"{repository.split('/', 1)[1]} N={step}")
        rows.extend(f"{repository}\t{commit}" for commit in commits)
    print(f"# repository\tcommit\tlabel\twhy ({args.name} sample: every Nth first-parent commit with a parent from"
          f" the tip, N = count // {PER_REPOSITORY}, so {PER_REPOSITORY} per repository: {', '.join(steps)};"
          " labelled from the diff against the first parent before running the tool)")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
