"""Context.old_file / new_file: any file of either side, changed by the change set or not."""

from __future__ import annotations

from ownership_gate.classifiers import REGISTRY
from ownership_gate.classifiers.base import Context, Trees
from ownership_gate.git.repo import Git
from tests.conftest import Repo


def test_files_of_both_sides_changed_or_not(repo: Repo) -> None:
    base = repo.commit({"same.txt": "same\n", "edited.txt": "v1\n", "moved.txt": "moving\n", "gone.txt": "bye\n"})
    repo.commit({"edited.txt": "v2\n", "gone.txt": None, "added.txt": "new\n"})
    (repo.root / "dir with space").mkdir()
    repo.git("mv", "moved.txt", "dir with space/moved.txt")
    head = repo.commit(message="move")
    git = Git(repo.root)
    try:
        context = Context(git.diff(base, head), git.blobs, {}, REGISTRY, trees=Trees(base, head))
        assert (context.old_file("same.txt"), context.new_file("same.txt")) == (b"same\n", b"same\n")
        assert (context.old_file("edited.txt"), context.new_file("edited.txt")) == (b"v1\n", b"v2\n")
        assert (context.old_file("gone.txt"), context.new_file("gone.txt")) == (b"bye\n", None)
        assert (context.old_file("added.txt"), context.new_file("added.txt")) == (None, b"new\n")
        assert (context.old_file("moved.txt"), context.new_file("moved.txt")) == (b"moving\n", None)
        assert (context.old_file("dir with space/moved.txt"), context.new_file("dir with space/moved.txt")) == (
            None, b"moving\n")
        assert context.new_file("nowhere.txt") is None
        assert context.new_file("no file.txt") is None  # git answers "<rev>:no file.txt missing"
        assert context.new_file("same.txt") == b"same\n"  # and the reader is still in step
        assert context.new_file("dir with space") is None  # a tree, not a file
        assert context.new_file("same.txt\nHEAD:edited.txt") is None  # one name a line: never two
        blind = Context(git.diff(base, head), git.blobs, {}, REGISTRY)
        assert blind.new_file("same.txt") is None  # no trees: unchanged files cannot be read
        assert blind.new_file("edited.txt") == b"v2\n"
    finally:
        git.close()


def test_the_index_is_the_new_side_of_a_staged_change(repo: Repo) -> None:
    base = repo.commit({"same.txt": "same\n", "edited.txt": "v1\n", "1:x.txt": "a colon\n"})
    repo.stage({"edited.txt": "v2\n"})
    repo.write("same.txt", "unstaged edit\n")
    git = Git(repo.root)
    try:
        context = Context(git.diff(base, None), git.blobs, {}, REGISTRY, trees=Trees(base, None))
        assert context.new_file("edited.txt") == b"v2\n"
        assert context.new_file("same.txt") == b"same\n"  # the index, not the working tree
        assert context.new_file("1:x.txt") == b"a colon\n"  # not stage 1 of a file named x.txt
    finally:
        git.close()
