"""Access given to people, teams and groups in data files: who holds access to production.

Teams keep their access lists as data: operators with SSH keys in Ansible's
`group_vars`, users and their groups in a Terraform or Terragrunt map, SSO
groups and GitHub teams with an access level per account in JSON, a
`github_team_membership` with its role. An entry is a mapping that names
who (`username`, `login`, `email`, `github_team`, `github_slug`,
`sso_group_name`, `principal`, `member`, ...) and what they get (`groups`,
`roles`, `level`, `permissions`, `permission_set`, `accounts`, `sudo`, an
SSH public key, ...). An `access` finding for an entry that is new, that
gains something it did not have (a group, a level, an account, a key), or
whose end (`review_after`, `expires`, `valid_until`, ...) moves later or
goes; one taken away, ended sooner, or a change to who it is (an email
corrected), lets nobody new in and is none. A loose word for who (`user`,
`team`, `member`, `email`) next to only a loose word for what (`access`,
`level`, `group`, ...) is no entry: a Grafana data source has a `user`
and `access: proxy`; neither is an Ansible play, whose `user: root` logs in
to apply the `roles` it lists.

An allow-list of people is an entry too: a list under a key that says who
is let in or made an administrator (`allowed_users`, `admin_users`,
`allowed_organizations`, `allowed_teams`, `admin_groups`,
`authorized_emails`, ..., or `users` under `admin` or `whitelist`;
JupyterHub's and oauth2-proxy's settings among them) names who gets in by
the key itself, so a member added to it, or the list itself new, is
`access`; members removed let nobody new in. So is a role's list of people
in a `roles` list, named for the role (Concourse's `roles: [{name: owner,
github: {users: [...]}}]`), and the people let sign in under `auth`
(`main_team: {auth: {github: {users: [...]}}}`); a YAML document kept in a
multi-line string of a YAML file (a BOSH manifest's `config: |`) is read as
part of the file.

Entries are matched across revisions by where they sit (the keys above
them, and for an entry of a list, the name of the list item around it)
and by who they name. YAML, JSON and HCL (Terraform, Terragrunt,
`.tfvars`) are read with their parsers; a file that does not read is left
to the readers of its format, since nothing here can tell what it lists.
Package manifests (`composer.json` authors have a `role`), lockfiles and
seeds (files.py: `may_hold_access_list`), tests, fixtures and files named
for non-production environments are not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security.expiry import day, later
from ownership_gate.classifiers.security.findings import finding
from ownership_gate.model import Change, Finding

# Keys that name who an entry is about, the first present naming it.
_WHO = ("username", "user_name", "login", "github_username", "github_user", "github_slug", "github_team",
        "sso_group_name", "group_name", "principal", "principal_name", "member", "user", "team", "email", "id")
# Keys that say what it gets.
_WHAT = frozenset({
    "groups", "group", "roles", "role", "level", "access", "access_level", "permissions", "permission",
    "permission_set", "permission_sets", "privileges", "policies", "accounts", "sudo", "admin", "is_admin",
    "public_key", "public_keys", "ssh_key", "ssh_keys", "ssh_public_key", "ssh_public_keys", "authorized_keys",
    "pubkey",
})
# Words that are often something else: a `user` or `team` next to an `access` or a `level` (a Grafana data
# source's `user:` and `access: proxy`) is no grant; next to `groups`, `roles` or a key, or with a `username`
# or an `sso_group_name` naming who, it is. So is an `id` next to `permissions` (a service's entry in an API's
# list of the services it serves: `{"id": "bulk_scan", "permissions": ["CREATE", "READ"]}`).
_LOOSE_WHO = frozenset({"user", "team", "member", "email", "id"})
# What an entry named only by its `id` must get to be one: `groups` and `roles` beside an `id` are as often a
# document's own structure (a questionnaire's section with its `groups` of questions).
_BY_ID = frozenset({"permissions", "permission", "privileges"})
_LOOSE_WHAT = frozenset({"level", "access", "access_level", "group", "policies", "accounts"})
# An Ansible play names the user it logs in as (`user: root`, `remote_user`) next to the roles it applies
# (`roles: [httpd/website]`), which are tasks, not access: a mapping with a play's own keys is no entry.
_PLAY_KEYS = frozenset({"hosts", "tasks", "pre_tasks", "post_tasks", "handlers", "gather_facts", "become"})
# Keys that say until when (a grant reviewed or revoked on that day): moved later, the access is extended.
_UNTIL = ("review_after", "expires", "expires_at", "expiry", "expiry_date", "expiration", "expiration_date",
          "valid_until", "until", "end_date")
# Keys whose list is of people let in or made administrators: the key says what they get.
_ALLOW_LIST = re.compile(
    r"(?i)(?:allowed|admin|authori[sz]ed|permitted)_(?:users|user_ids|usernames|logins|groups|teams|organi[sz]ations"
    r"|orgs|members|emails|principals)|admins|administrators"
)
# ... and lists of people under a key that says what they get (`admin: {users: [...]}`, `whitelist: {users: ...}`).
_LISTED = frozenset({"users", "usernames", "groups", "teams", "members", "emails", "organizations", "orgs"})
_LISTED_UNDER = frozenset({"admin", "admins", "administrators", "allowed", "allow", "allowlist", "whitelist"})


def _allow_list(where: tuple[str, ...], key: str) -> str | None:
    """The name of the allow-list a list under `key` at `where` is (`admin_users`, `admin.users`,
    `roles.owner.github.users`), or None."""
    if _ALLOW_LIST.fullmatch(key):
        return key
    if key.lower() in _LISTED and where and where[-1].lower() in _LISTED_UNDER:
        return f"{where[-1]}.{key}"
    if key.lower() not in _LISTED:
        return None
    folded = [w.lower() for w in where]
    if _ROLES in folded:
        # The people a role of a `roles` list is given, by the role's name and where they sign in from
        # (Concourse's team configuration: `roles: [{name: owner, github: {users: [...]}}]`).
        at = len(folded) - 1 - folded[::-1].index(_ROLES)
        if at + 1 < len(where):
            return ".".join((*where[at:], key))
    # The people who may sign in, by where they sign in from (`main_team: {auth: {github: {users: [...]}}}`).
    near = [at for at in range(max(0, len(folded) - 2), len(folded)) if folded[at] in _SIGN_IN]
    if near:
        return ".".join((*where[near[-1]:], key))
    return None


_ROLES = "roles"
_SIGN_IN = frozenset({"auth", "authentication"})


# Bytes an access list holds somewhere (a file without any is not parsed).
_MARKERS = (b"email", b"user", b"login", b"github_", b"sso_group", b"principal", b"member", b"team", b"group_name",
            b"admins", b"administrators", b"allowed_", b"authori", b"permitted_", b"permission")
_DEPTH = 64
_SHOWN = 60


def findings(change: Change, context: Context) -> list[Finding]:
    old_data, new_data = context.old(change), context.new(change)
    if new_data is None or old_data == new_data or not any(marker in new_data for marker in _MARKERS):
        return []
    new = _entries(change.path, new_data, old_data, context)
    if not new:
        return []
    old = _entries(change.source_path, old_data, new_data, context) if old_data else {}
    found = []
    for where, entry in new.items():
        before = old.get(where)
        within = "/".join(where[:-1])
        place = f" (in {within})" if within else ""
        subject = f"{change.path}: {entry.who}"
        gained = entry.grants - before.grants if before is not None else entry.grants
        if gained:
            how = "access granted" if before is None else "access widened"
            given = (f"{_shown(gained)} added to {entry.who}" if entry.listed
                     else f"{entry.who} gets {_shown(gained)}")
            found.append(finding("access", subject, f"{how}: {given}{place}"[:300]))
        elif before is not None and later(entry.until, before.until):
            until = entry.until or "no end"
            found.append(finding("access", subject, (
                f"access extended: {entry.who} keeps {_shown(entry.grants)} until {until} (was {before.until})"
                f"{place}")[:300], old=before.until, new=until))
    return found


def _shown(grants: frozenset[str]) -> str:
    return ", ".join(sorted(grant[:_SHOWN] for grant in grants))


class Entry(NamedTuple):
    who: str
    grants: frozenset[str]
    until: str | None  # the day the access ends or is reviewed (`review_after`), as written
    listed: bool = False  # an allow-list: `who` is the list's key, `grants` its members


Entries = dict[tuple[str, ...], Entry]


def _entries(path: str, data: bytes, other: bytes | None, context: Context) -> Entries:
    """Every entry of the file by where it sits: who it names and what it gets; {} when it does not read.
    `other` is the file's other revision: an HCL block written the same in both holds no change, unread."""
    tree = _tree(path, data, other, context)
    found: Entries = {}
    if tree is not None:
        _walk(tree, (), False, found, 0)
    return found


def _tree(path: str, data: bytes, other: bytes | None, context: Context) -> Any:
    if path.endswith((".yaml", ".yml")):
        from ownership_gate.formats.yaml import YamlError, plain

        try:
            return _embedded([plain(root) for root in context.load_yaml(text_of(data, lossy=True) or "").roots], 0)
        except YamlError:
            return None
    if path.endswith(".json"):
        try:
            return json.loads(text_of(data, lossy=True) or "")
        except (ValueError, RecursionError):
            return None
    from ownership_gate.formats import hcl

    try:
        unchanged = {block.source for block in hcl.parse(other).blocks} if other else set()
        document = hcl.parse(data, previous=other)
        if document.errors:
            return None
        return {**{name: item.value for name, item in document.attributes.items()},
                **{" ".join((block.type, *block.labels)): _body(block.body, 1) for block in document.blocks
                   if block.source not in unchanged}}
    except hcl.HclError:  # a block nested too deeply to read
        return None


def _embedded(value: Any, depth: int) -> Any:
    """The tree with each multi-line string that is itself a YAML mapping read as one: a BOSH manifest hands
    Concourse its team's roles as a YAML document in a string (`config: |` then `roles: - name: owner ...`)."""
    if depth > _DEPTH:
        return value
    if isinstance(value, dict):
        return {key: _embedded(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_embedded(item, depth + 1) for item in value]
    if isinstance(value, str) and "\n" in value.strip() and ":" in value:
        from ownership_gate.formats.yaml import YamlError, load, plain

        try:
            roots = load(value).roots
        except YamlError:
            return value
        if len(roots) == 1 and isinstance(document := plain(roots[0]), dict):
            return _embedded(document, depth + 1)
    return value


def _body(body: Any, depth: int) -> Any:
    """A block's body as plain data: its attributes, and its blocks by type and labels."""
    if depth > _DEPTH:
        return {}
    plain: dict[str, Any] = {name: item.value for name, item in body.attributes.items()}
    for block in body.blocks:
        plain.setdefault(" ".join((block.type, *block.labels)), _body(block.body, depth + 1))
    return plain


def _walk(value: Any, where: tuple[str, ...], in_list: bool, found: Entries, depth: int) -> None:
    if depth > _DEPTH:
        return
    if isinstance(value, dict):
        keys = {str(key).lower(): key for key in value}
        named_by = [k for k in _WHO if k in keys and _named(value[keys[k]])]
        who = _text(value[keys[named_by[0]]]) if named_by else None
        what = [keys[k] for k in keys if k in _WHAT]
        if named_by[:1] == ["id"] and len(named_by) == 1:
            what = [key for key in what if key.lower() in _BY_ID]
        loose = set(named_by) <= _LOOSE_WHO and {k.lower() for k in what} <= _LOOSE_WHAT
        if who and what and not loose and not _PLAY_KEYS & keys.keys():
            place = (*where, who) if in_list else where
            grants = frozenset(f"{key}={item}" for key in what for item in _items(value[key]))
            named = who if in_list or not where else where[-1]
            until = next((day(_text(value[keys[k]])) for k in _UNTIL if k in keys and _named(value[keys[k]])), None)
            known = found.get(place)  # the same who twice in one place: what both give
            found[place] = Entry(named, grants | known.grants if known is not None else grants, until)
        for key, item in value.items():
            listing = _allow_list(where, str(key)) if isinstance(item, list) else None
            if listing is not None:
                members = frozenset(_text(member) for member in item if _named(member))
                if members:
                    listed_at = (*where, str(key))  # (a starred subscript needs Python 3.11)
                    found[listed_at] = Entry(listing, members, None, listed=True)
                continue
            _walk(item, (*where, str(key)), False, found, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _walk(item, (*where, *_label(item)), True, found, depth + 1)


def _label(item: Any) -> tuple[str, ...]:
    """What tells one item of a list from the others, when it holds entries (an environment's `name`)."""
    if isinstance(item, dict):
        for key in ("name", "id", "environment", "account", "key"):
            if key in item and _scalar(item[key]):
                return (_text(item[key]),)
    return ()


def _named(value: Any) -> bool:
    """Whether a value can name someone: text, not a flag or a number (a permission row's `email: 1`)."""
    text = value if isinstance(value, str) else getattr(value, "text", None)
    return isinstance(text, str) and bool(text.strip()) and not _FLAG.fullmatch(text.strip())


_FLAG = re.compile(r"(?i)-?\d+(?:\.\d+)?|true|false|yes|no|on|off|null|none")


def _scalar(value: Any) -> bool:
    """A plain value, or an expression Terraform computes (`aws_ssoadmin_permission_set.admin.arn`)."""
    return isinstance(value, (str, int, float, bool)) or isinstance(getattr(value, "text", None), str)


def _text(value: Any) -> str:
    return str(getattr(value, "text", value))


def _items(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _items(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            for inner in _items(item):
                yield f"{key}:{inner}"
    elif value is not None and value is not False:
        yield _text(value)
