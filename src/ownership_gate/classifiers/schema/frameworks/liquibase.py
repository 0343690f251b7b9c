"""Liquibase changelogs written in XML, YAML or JSON (`<databaseChangeLog>` holding `<changeSet>`s).

A changelog is found by where it is (a folder or file named for changelogs
or Liquibase, or a `migrations` folder) and then by its content: a
document whose root is `databaseChangeLog`. Every other XML, YAML or JSON
file there (a `pom.xml`, a `logback.xml`, a snapshot) is no migration.
Liquibase's formatted SQL is read by the SQL framework (sql.py).

The changesets' change types become ops (liquibase_ops.py); `<rollback>`
is never read. Liquibase runs each changeset once, by its `id` and
`author`, so a changelog that existed at the base is judged by the
changesets that are new or changed in it (liquibase_read.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "liquibase"
EXTENSIONS: tuple[str, ...] = (".xml", ".yaml", ".yml", ".json")
FOLDER = ""  # `changelog`, `liquibase` or `migrations`: no one text is in every path

# Words that, in a folder's or the file's name, say it may hold a changelog (`db/changelog/`,
# `db.changelog-master.yaml`, `liquibase/`); and the folders of migrations that may hold one.
_WORDS = ("changelog", "liquibase")
_FOLDERS = frozenset({"migrations", "migration"})


def owns(path: str) -> bool:
    return False  # an XML, YAML or JSON file is a changelog only if its content says so (see `read`)


def sniffs(path: str) -> bool:
    """An XML, YAML or JSON file named for changelogs or Liquibase, or in such a folder or a migrations folder,
    not in tests."""
    lower = path.lower()
    if not lower.endswith(EXTENSIONS):
        return False
    if not any(word in lower for word in _WORDS) and not any(
        part in _FOLDERS for part in lower.split("/")[:-1]
    ):
        return False
    return not in_test_dir(path)


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parsers load with the first changelog read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import liquibase_read

    return liquibase_read.read(text, path, context, declared)
