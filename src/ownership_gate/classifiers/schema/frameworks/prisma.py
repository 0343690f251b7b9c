"""Prisma schema files (`schema.prisma`, `prisma/schema/*.prisma`): models compared old vs new.

A Prisma schema is the desired state, not a step, so both versions are
parsed and compared table by table (by `@@map` name) and column by column
(by `@map` name). With a multi-file schema every changed `.prisma` file
of the change is read together, so a model moved between files is not a
drop. Relation fields (typed by another model) hold no column of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "prisma"
EXTENSIONS: tuple[str, ...] = (".prisma",)
FOLDER = ""


def owns(path: str) -> bool:
    return path.endswith(".prisma") and not in_test_dir(path)


def sniffs(path: str) -> bool:
    return False


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import prisma_read

    return prisma_read.read(text, path, context, owns)
