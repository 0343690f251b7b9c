"""Rails migrations (`db/migrate/*.rb`, `db/*_migrate/*.rb`): `change`, or `up` without it.

The file is read with tree-sitter-ruby. `down` is never read, nor the
`dir.down` side of `reversible`. Methods defined in the migration class
are followed where they are called; a call to anything else that is not a
migration method (a helper from a gem or the app), dynamic dispatch and
code that defines code at run time cannot be judged and are `unknown`
(rails_read.py, rails_walk.py). The database is not named in
a migration: index builds follow PostgreSQL's rule (blocking unless
`algorithm: :concurrently`) unless a `db/schema.rb` or `db/structure.sql`
in the same change shows MySQL, which builds indexes online.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ownership_gate.classifiers.schema.paths import in_test_dir, leading_version

if TYPE_CHECKING:
    from ownership_gate.classifiers.base import Context
    from ownership_gate.classifiers.schema.ops import Migration

NAME = "rails"
EXTENSIONS: tuple[str, ...] = (".rb",)
FOLDER = "migrate/"


def owns(path: str) -> bool:
    if FOLDER not in path:
        return False  # quick answer for the many other `.rb` files of a change
    directory = posixpath.basename(posixpath.dirname(path))
    return path.endswith(".rb") and (directory == "migrate" or directory.endswith("_migrate")) and (
        not in_test_dir(path)
    )


def sniffs(path: str) -> bool:
    return False


# Rails and Ecto know a migration that ran by the leading number of its file name.
recorded_as = leading_version


def read(text: str, path: str, context: Context, declared: bool) -> Migration | None:
    # The reader and its parser load with the first migration read, not when a path is named.
    from ownership_gate.classifiers.schema.frameworks import rails_read

    return rails_read.read(text, path, context, declared)
