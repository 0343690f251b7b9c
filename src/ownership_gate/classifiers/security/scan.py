"""Reading a change's added and removed lines for security settings, access checks, credentials and hosts."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.security import hosts, play_actions
from ownership_gate.classifiers.security.catalog import (
    ACCESS_LINE,
    ACCESS_NAME,
    ACCOUNTS_SIGN_IN,
    COMMENT,
    CREDENTIAL,
    CRYPTO_NAMES,
    DATA_SHAPES,
    DECLARED_ACCESS,
    DESIGN_TOKENS,
    DO_NOT_EDIT,
    GENERATED_BY,
    GENERATED_MARK,
    GRANT_LINE,
    MIDDLEWARE_FILE,
    MIGRATION_PATH,
    MODELS_FOLDER,
    NEGATED_ROLE_TEST,
    OTHER_POLICY,
    PAYMENT_AUTHORISATION,
    PAYMENTS,
    POLICY_NAME,
    PUBLIC_KEY_FILE,
    ROLE_TEST,
    SECRET_VALUE,
    SIGN_IN_LINE,
    UI_PATH,
    USER_SCOPE,
    user_interface,
)
from ownership_gate.classifiers.security.dotfiles import DOTFILE, holds_credential
from ownership_gate.classifiers.security.files import (
    CREDENTIAL_FILE,
    EXAMPLE_ENV,
    MAIL_SERVER_CONFIG,
    NAMED_ENV,
    NOT_PRODUCTION,
    PLAY_ROUTES,
    SOURCE_SUFFIXES,
    SSH_SERVER_CONFIG,
    WEB_SERVER_CONFIG,
    reads_path,
)
from ownership_gate.classifiers.security.findings import TYPE, finding
from ownership_gate.classifiers.security.guards import Guards
from ownership_gate.classifiers.security.lines import (
    DEFINITION,
    IMPORT,
    LONGEST,
    SPACE,
    LineDiff,
    normal,
    substantive,
    without_prose,
)
from ownership_gate.classifiers.security.settings import Moved, server_settings, sets_a_header, settings
from ownership_gate.formats import javascript, layout, python
from ownership_gate.model import Change, Finding

# A line of a Go import block: a package path in quotes, perhaps named.
_GO_IMPORT = patterns.compile(r'^\s*(?:[\w.]+\s+)?"[^"\s]+"\s*$')
# Files up to this many lines (both sides) get an ordered diff.
_ORDERED_LIMIT = 20_000
# Past this many lines (both sides), lines that fill more than 1% of the new side (blank lines, `}`, `end`)
# no longer anchor the ordered diff on their own: with them, difflib's search grows with the cube of the
# length, 1.2 s at 3,600 lines of handlers and 30 s at 10,800; without, a hundredth of that.
_EXACT_LIMIT = 2_000


def findings(change: Change, context: Context) -> list[Finding]:
    path = change.path
    key_file = CREDENTIAL_FILE.search(path) and not PUBLIC_KEY_FILE.search(path)
    arrived = change.new_oid is not None and (change.status in ("added", "copied") or change.source_path != path)
    # A key file is one by its name; a `.env` or an `.npmrc` by what it holds (`dotfiles`).
    if key_file and arrived and (
        not DOTFILE.search(path) or holds_credential(path, text_of(context.new(change), lossy=True))
    ):
        return [finding("credential", path, "a file that holds keys or credentials is committed")]
    diff = line_diff(change, context)
    if diff is None:
        return []
    found = _found(change, context, diff)
    # The same code laid out anew changes nothing. Asked only of a file with findings: comparing two syntax
    # trees costs far more than reading the lines, and most changed files have nothing to say.
    if found and diff.old_text and diff.new_text and _reformatted(path, diff.old_text, diff.new_text):
        return []
    return found


def _found(change: Change, context: Context, diff: LineDiff) -> list[Finding]:
    path = change.path
    found: list[Finding] = []
    found += _credentials(path, diff)
    # A file named for an environment that is not production (`config/dev.exs`, `settings/staging.py`,
    # `config_dev.yml`, `dev/nginx_site.conf`) sets nothing production runs with; a credential it commits is
    # still out in the open, and its access checks are the application's.
    production = not NOT_PRODUCTION.search(path)
    for server, config in (("mail server", MAIL_SERVER_CONFIG), ("web server", WEB_SERVER_CONFIG),
                           ("SSH server", SSH_SERVER_CONFIG)):
        if config.search(path):
            return found + server_settings(path, diff, server) if production else found
    by_name = bool(EXAMPLE_ENV.search(path) or _COMMITTED_ENV.search(path))
    if by_name or NAMED_ENV.search(path):
        from ownership_gate.classifiers.security import env_example  # python-dotenv costs ~17 ms: only when needed

        return found + env_example.findings(path, diff.old_text, diff.new_text, by_name)
    if not _generated(diff.old_text, diff.new_text):  # its settings and checks are its generator's, from a source
        if production and not (change.new_oid is None and UI_PATH.search(path)):  # a page deleted takes its
            found += settings(path, diff, _moved_elsewhere(context, "setting", sets_a_header, path))  # forms along
        found += _access(change, context, diff)
    found += hosts.findings(change, context, diff.added, diff.old_text)
    return found


# A dotenv file committed to the repository (`.env`, `packages/server/.env`, `.env.production`): it can hold
# only placeholders and defaults (a real secret in it is a `credential`), so like an example file it says which
# secrets and settings the application reads. A test's or a developer's own (`.env.test`, `.env.local`) does not.
_COMMITTED_ENV = patterns.compile(r"(?:^|/)\.env(?:\.(?:production|prod|staging))?$")


def line_diff(change: Change, context: Context) -> LineDiff | None:
    memo = context.memo.setdefault(f"{TYPE}.diff", {})
    key = (change.source_path, change.old_oid, change.path, change.new_oid)
    if key not in memo:
        old_text = text_of(context.old(change), lossy=True) if reads_path(change.source_path) else ""
        new_text = text_of(context.new(change), lossy=True)
        if old_text is None and new_text is None:
            memo[key] = None
        else:
            memo[key] = diff_lines(old_text or "", new_text or "")
    result: LineDiff | None = memo[key]
    return result


def diff_lines(old_text: str, new_text: str) -> LineDiff:
    """Lines added and removed, in order; a line moved within the file counts as both.

    Past `_ORDERED_LIMIT` lines the ordered diff costs too much, and the
    multiset difference (moves cancel) stands in for it.
    """
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    if len(old_lines) + len(new_lines) <= _ORDERED_LIMIT:
        matcher = _matcher(old_lines, new_lines)
        added: list[tuple[int, str]] = []
        removed: list[str] = []
        rewritten: dict[int, str] = {}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "delete"):
                removed.extend(old_lines[i1:i2])
            if tag in ("replace", "insert"):
                added.extend((n + 1, new_lines[n]) for n in range(j1, j2))
            if tag == "replace" and i2 - i1 == j2 - j1:
                rewritten.update((j1 + k + 1, old_lines[i1 + k]) for k in range(j2 - j1))
    else:
        fresh = Counter(new_lines)
        fresh.subtract(old_lines)
        gone = Counter(old_lines)
        gone.subtract(new_lines)
        added = []
        for number, line in enumerate(new_lines, 1):
            if fresh[line] > 0:
                fresh[line] -= 1
                added.append((number, line))
        removed = [line for line, count in gone.items() for _ in range(max(count, 0))]
        rewritten = {}
    return LineDiff(
        tuple((n, line) for n, line in added if len(line) <= LONGEST),
        tuple(line for line in removed if len(line) <= LONGEST),
        old_text,
        new_text,
        rewritten=rewritten,
    )


def _matcher(old_lines: list[str], new_lines: list[str]) -> difflib.SequenceMatcher[str]:
    """An ordered diff of two lists of lines, exact up to `_EXACT_LIMIT` lines."""
    return difflib.SequenceMatcher(None, old_lines, new_lines,
                                   autojunk=len(old_lines) + len(new_lines) > _EXACT_LIMIT)


# Languages where layout carries no meaning: a formatter may rewrap, re-indent
# and add trailing commas without changing what the code does.
_FREE_FORM = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".java", ".kt", ".go", ".rs",
              ".cs", ".php", ".swift", ".scala", ".c", ".cc", ".cpp", ".h", ".hpp")
# A line break after these keywords ends the statement in JavaScript and Go: it is kept (comments are gone).
_ENDS_STATEMENT = patterns.compile(r"\b(return|throw|yield|break|continue)[ \t]*\n")
_TRAILING_COMMA = patterns.compile(r",(?=[)\]}])")
_BARE_PARAMETER = patterns.compile(r"\((\w+)\)=>")


def _reformatted(path: str, old_text: str, new_text: str) -> bool:
    """Old and new are the same code laid out differently (what a formatter such as Prettier changes).

    Compared with whitespace removed (except a line break that ends a
    statement), trailing commas dropped and a lone arrow-function parameter
    unwrapped; grouping parentheses, semicolons and every word still count,
    so any change to what the code does stays a change. Python is compared
    by its syntax tree, after undoing the rewrites a linter makes without
    changing what runs (see `formats.python`).
    """
    if old_text == new_text:
        return False
    if path.endswith(".py"):
        return python.same_program(old_text, new_text)
    if not path.endswith(_FREE_FORM):
        return False
    return _layout_free(old_text) == _layout_free(new_text)


def _layout_free(text: str) -> str:
    """The code without its layout and comments (a formatter rewraps a Javadoc as it rewraps the code);
    string literals are kept exactly, spaces and all."""
    text = _ENDS_STATEMENT.sub(lambda match: match.group(1) + "\x00", layout.without_comments(text))
    code = layout.without_layout(text)
    return _BARE_PARAMETER.sub(r"\1=>", _TRAILING_COMMA.sub("", code))


def _credentials(path: str, diff: LineDiff) -> list[Finding]:
    for number, line in diff.added:
        match = CREDENTIAL.search(line)
        if match:
            shown = match.group(0)[:12] + "..."
            return [finding("credential", path, f"a credential is committed in the clear ({shown})", number)]
    return []


@lru_cache(maxsize=1 << 16)  # asked of every changed line twice: for its own file, and where the change set moved it
def _checks(line: str) -> bool:
    """The line checks or grants access. An import is not one, and neither is the line that defines a check
    (`def authenticate(...)`): its calls check, its body is read line by line, and a changed signature
    alone is no change of access."""
    return (bool(ACCESS_LINE.search(without_prose(line))) and not COMMENT.match(line) and not IMPORT.search(line)
            and not DEFINITION.match(line))


# Play's routes file: a route (`PUT /api/passengers/:date controllers.Summaries.populate(date: String)`) and the
# modifiers above it (`+ nocsrf`, which turns its CSRF check off).
_ROUTE = patterns.compile(r"^\s*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|\*)\s+\S+\s+([\w.$@]+)")
_NO_CSRF = patterns.compile(r"^\s*\+\s*nocsrf\b")


def _csrf_off(text: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Every route of a Play routes file by method and action, and those whose CSRF check is off."""
    routes: set[tuple[str, str]] = set()
    off: set[tuple[str, str]] = set()
    pending = False
    for line in text.splitlines():
        if _NO_CSRF.search(line):
            pending = True
        elif (match := _ROUTE.match(line)) is not None:
            routes.add((match.group(1), match.group(2)))
            if pending:
                off.add((match.group(1), match.group(2)))
            pending = False
    return routes, off


def _csrf_turned_off(old_text: str, new_text: str) -> str | None:
    """A route the file had (the same method and action, its path may change) whose CSRF check is now off; a
    new route, or one deleted with its modifier, changes no existing route's check."""
    old_routes, old_off = _csrf_off(old_text)
    _, new_off = _csrf_off(new_text)
    opened = sorted((new_off - old_off) & old_routes)
    return ", ".join(f"{method} {action}" for method, action in opened[:3]) if opened else None


def _access(change: Change, context: Context, diff: LineDiff) -> list[Finding]:
    found = _access_changes(change, context, diff)
    if found and change.path.endswith(".rb") and diff.old_text and diff.new_text:
        from ownership_gate.formats import ruby  # tree-sitter's Ruby grammar: only for a Ruby file that counts

        if ruby.only_reordered(diff.old_text, diff.new_text):
            return []  # the same methods in another order (a linter sorting actions): each check runs as it did
    return found


def _access_changes(change: Change, context: Context, diff: LineDiff) -> list[Finding]:
    path = change.path
    if MIGRATION_PATH.search(path):
        return []
    if user_interface(path, diff.new_text or diff.old_text):
        # A page added or deleted with its declaration guards new code or takes the page away.
        declared = bool(diff.old_text and diff.new_text) and (
            _declared_access(diff.old_text) != _declared_access(diff.new_text))
        if declared:
            changed = [line for _, line in diff.added if DECLARED_ACCESS.search(line)] or [
                line for line in diff.removed if DECLARED_ACCESS.search(line)]
            shown = normal(changed[0])[:120] if changed else "a declaration spread over lines"
            return [finding("access", path, f"who may open the page changed: {shown}")]
        # A secret it named as often before (`apiKey.lastUsedAt` formatted another way) is no new handling.
        before = Counter(m.group(0) for line in diff.removed if not COMMENT.match(line)
                         for m in SECRET_VALUE.finditer(line))
        for number, line in diff.added:
            if COMMENT.match(line):
                continue
            for match in SECRET_VALUE.finditer(line):
                if before[match.group(0)] > 0:
                    before[match.group(0)] -= 1
                    continue
                return [finding("access", path, f"user-facing code now shows or handles {match.group(0)}", number)]
        return []
    if path.endswith(".rb") and (owning := _permits_owning(diff)):
        return [finding("access", path, f"a request may now set {owning}: strong parameters permit it")]
    signed_in = _signs_in(context, path, diff)
    if signed_in is not None:
        number, line = signed_in
        what = "a kind of account can now sign in" if ACCOUNTS_SIGN_IN.search(line) else "a user is now signed in here"
        return [finding("access", path, f"{what}: {normal(line)[:120]}", number)]
    if PLAY_ROUTES.search(path):
        opened = _csrf_turned_off(diff.old_text, diff.new_text)
        return [finding("access", path, f"a route's CSRF check is turned off (+ nocsrf): {opened}")] if opened else []
    if path.endswith(".scala") and diff.old_text and diff.new_text and (
        composed := play_actions.changed(diff.old_text, diff.new_text)
    ):
        return [finding("access", path, f"who may call an action changed: {composed}")]
    moved = _moved_elsewhere(context, "access", _checks, path)
    removed_checks = [line for line in diff.removed if _checks(line)]
    added_checks = [(number, line) for number, line in diff.added if _checks(line)]
    if (removed_checks or added_checks) and not _checks_moved(diff.old_text, diff.new_text):
        removed_checks, added_checks = [], []  # the same checks where they were, only laid out anew
    guards: Guards | None = None
    for number, line in added_checks:
        if moved("removed", line):  # one moved in from another file
            continue
        text = normal(line)
        # A check only added where none goes guards new code (it narrows who can do something), unless it
        # grants, or it is put in front of code that was already there (who may run that code changed).
        counts = bool(removed_checks) or _grants(line, path)
        if not counts:
            if guards is None:
                guards = Guards(diff)
            counts = guards.guard_old_code(number, line)
        if counts:
            return [finding("access", path, f"an access check is added or changed: {text[:120]}", number)]
    definition = _DEFINITION.get(path.rsplit(".", 1)[-1])
    gone_with_code = _removed_with_their_views(diff, definition) if definition and removed_checks else set()
    for line in removed_checks:
        text = normal(line)
        if text in gone_with_code:
            continue  # the view it guarded is gone with it: nobody can reach that code any more
        if not moved("added", line):
            return [finding("access", path, f"an access check is removed: {text[:120]}")]
    lost = _lost_scopes(change, context, diff)
    if lost:
        return [finding("access", path, f"a query no longer keeps to the requesting user's records: {lost} is gone")]
    added, removed = _code(path, (line for _, line in diff.added)), _code(path, diff.removed)
    named = ((_named_for_access(path) and not DESIGN_TOKENS.search(path)) or (
        POLICY_NAME.search(path) and not MODELS_FOLDER.search(path) and not OTHER_POLICY.search(path))) and not (
        DATA_SHAPES.search(path)) and not _declares_types_only(path, diff.old_text, diff.new_text)
    if (named or MIDDLEWARE_FILE.search(path)) and (added or removed) and not _renamed(added, removed) and not (
        _only_new_names(added, removed, diff.old_text)
    ) and not _only_logging(added, removed) and not _code_moved(context, path, added, removed):
        if _only_errors_changed(path, diff.old_text, diff.new_text):
            return []
        if named:
            return [finding("access", path, "code named for authentication or authorisation changed")]
        return [finding("access", path, "the middleware every request passes through before its handler changed")]
    return []


def _declared_access(text: str) -> Counter[str]:
    """Each declaration of who a page lets in (`DECLARED_ACCESS`) with the list it gives, up to its closing
    bracket, without spaces or trailing commas: the same declaration laid out over lines reads the same."""
    return Counter(_TRAILING_COMMA.sub("", SPACE.sub("", text[match.start():_closed(text, match.end())]))
                   for match in DECLARED_ACCESS.finditer(text))


def _closed(text: str, start: int) -> int:
    """Where what starts at `start` ends: past the bracket that closes the first one opened, or at the end of
    the line or statement when it opens none (at most 1,000 characters on)."""
    depth = 0
    for index in range(start, min(len(text), start + 1000)):
        char = text[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth <= 0:
                return index + 1
        elif depth == 0 and char in ";\n" and text[start:index].strip():
            return index
    return min(len(text), start + 1000)


# Rails' strong parameters (`params.require(:user).permit(:name, :role)`) and the attributes whose names say
# who owns a record or what its user may do: a request that may now set one can give itself a role or move a
# record into another account.
_PERMIT = patterns.compile(r"\.permit\s*\(")
_OWNING_KEY = patterns.compile(
    r":(admin|is_admin|superuser|roles?|role_ids?|permissions|account_id|organi[sz]ation_id|owner_id|tenant_id)\b"
)


def _permits_owning(diff: LineDiff) -> str | None:
    """An attribute of `_OWNING_KEY` the file's strong parameters permit now and did not before."""
    def permitted(text: str) -> Counter[str]:
        return Counter(key.group(1) for call in _PERMIT.finditer(text)
                       for key in _OWNING_KEY.finditer(text, call.end() - 1, _closed(text, call.end() - 1)))
    fresh = permitted(diff.new_text) - permitted(diff.old_text)
    return min(fresh) if fresh and diff.old_text else None


def _grants(line: str, path: str) -> bool:
    """The check opens rather than closes: it skips a check or lets anyone in, or it is a role test in code
    (a branch for admins). A role test in a decorator or annotation is the function's only way in, and one
    negated where it is written refuses those without the role: both narrow like any other check. A line
    that starts with `[` is an attribute only in C# (`[Authorize(Roles = "Admin")]`); in JavaScript it is
    a list (`[ADMIN, OWNER].includes(user.role)`)."""
    if GRANT_LINE.search(line):
        return True
    above = line.lstrip()
    if above.startswith("@") or (above.startswith("[") and path.endswith(".cs")):
        return False
    return len(ROLE_TEST.findall(line)) > len(NEGATED_ROLE_TEST.findall(line))


def _signs_in(context: Context, path: str, diff: LineDiff) -> tuple[int, str] | None:
    """An added call that signs a user in (see `SIGN_IN_LINE`) where the file had no such call written the same
    way and no other file of the change set lost it: a new way into an account, or the same way given
    other arguments (`login_user(user, remember=True)`)."""
    def signs_in(line: str) -> bool:
        return bool(SIGN_IN_LINE.search(without_prose(line))) and not COMMENT.match(line)

    added = [(number, line) for number, line in diff.added if signs_in(line)]
    if not added:
        return None
    before = Counter(normal(line) for line in diff.removed if signs_in(line))
    moved = _moved_elsewhere(context, "sign-in", signs_in, path)
    for number, line in added:
        text = normal(line)
        if before[text] > 0:
            before[text] -= 1  # the same call where it was, laid out anew or moved within the file
        elif not moved("removed", line):
            return number, line
    return None


# Ansible's `roles/` folder holds the roles a playbook applies (`roles/nginx/tasks/main.yml`), not user roles:
# only the role's own name can make its files named for access (`roles/oauth2-proxy/templates/...`).
_ANSIBLE_ROLES = patterns.compile(
    r"(?:^|/)roles/(?=[\w.-]+/(?:tasks|handlers|templates|files|vars|defaults|meta|library|module_utils"
    r"|filter_plugins|lookup_plugins)/)"
)


_HEADER = 8_000  # Go's marker comes before the package clause, after a description that may be long


def _generated(old_text: str, new_text: str) -> bool:
    """Each side there is says, in its header, that a tool wrote it and it is not to be edited by hand
    (see `GENERATED_BY`): a credential committed in it, or a host it adds, still counts."""
    return any(text for text in (old_text, new_text)) and all(
        bool(GENERATED_MARK.search(head)) or (bool(GENERATED_BY.search(head)) and bool(DO_NOT_EDIT.search(head)))
        for head in (text[:_HEADER] for text in (old_text, new_text) if text)
    )


# How a project is built, tested and linted (a Gradle or Mix build, `setup.py`, `webpack.config.js`,
# `jest.config.ts`): in an `auth-service/` folder it builds that code, and checks nobody's access.
_BUILD_SCRIPT = patterns.compile(
    r"^(?:(?:build|settings)\.gradle(?:\.kts)?|mix\.exs|setup\.py|noxfile\.py|[\w.-]+\.config\.[cm]?[jt]s)$"
)


def _named_for_access(path: str) -> bool:
    """The file's name is named for authentication or authorisation (`AuthenticationExtension.ts`,
    `oauth_callback.go`), or a folder above it is, from its first word (`auth/`, `permissions/`,
    `two_factor/`); a folder whose name only ends in such a word (`loaders_with_authentication/`, its
    loaders for other services) does not make its files access code. A configuration file is named by
    its own name (`permissions.yml`): one in such a folder (`oidc/production-overrides.tfvars`) holds
    values, which the settings readers judge. In a payments path, a card's or a charge's authorisation
    is not a user's."""
    if PAYMENTS.search(path):
        path = PAYMENT_AUTHORISATION.sub("Approval", path)
    folders, _, name = _ANSIBLE_ROLES.sub("/", path).rpartition("/")
    if ACCESS_NAME.search(f"/{name}"):
        return True
    if not path.endswith(SOURCE_SUFFIXES) or _BUILD_SCRIPT.search(name):
        return False
    return any((match := ACCESS_NAME.search(f"/{folder}")) is not None and match.start() == 0
               for folder in folders.split("/") if folder)


_SCRIPT = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")


_DEF_NAME = patterns.compile(r"^\s*(?:async\s+)?def\s+(\w+)", re.MULTILINE)
# A Java, Kotlin or C# method's declaration (`public ResponseEntity<Void> search(`, `fun search(`,
# `public async Task<IActionResult> GetVariations(`): its name.
_METHOD_NAME = patterns.compile(
    r"^\s*(?:(?:public|private|protected|internal|open|override|suspend|static|final|abstract|synchronized|async"
    r"|virtual|sealed)\s+)*"
    r"(?:fun\s+(?:<[^>]*>\s*)?|[\w<>\[\],.?]+(?:<[^()]*>)?\s+)(\w+)\s*\(",
    re.MULTILINE,
)
# Languages whose access checks sit above the function they guard (a decorator, an annotation, an attribute).
_DEFINITION = {"py": _DEF_NAME, "java": _METHOD_NAME, "kt": _METHOD_NAME, "cs": _METHOD_NAME}
# How such a line starts: `@login_required`, `@PreAuthorize(...)`, C#'s `[Authorize(...)]`.
_ABOVE = ("@", "[")


def _removed_with_their_views(diff: LineDiff, definition: re.Pattern[str]) -> set[str]:
    """The decorators or annotations that check access (`@login_required`, `@PreAuthorize(...)`) a file lost
    only together with the functions they guarded: a view or endpoint deleted with its check opens nothing.
    One left off a function that is still there is not among them."""
    old, new = _decorated(diff.old_text, definition), _decorated(diff.new_text, definition)
    remaining = set(definition.findall(diff.new_text))
    lost = old - new
    kept = {check for check, function in lost if function in remaining}
    return {check for check, function in lost if function not in remaining} - kept


def _decorated(text: str, definition: re.Pattern[str]) -> Counter[tuple[str, str]]:
    """(check, function) for each access-check decorator of the file and the function it decorates."""
    lines = text.splitlines()
    found: Counter[tuple[str, str]] = Counter()
    for index, line in enumerate(lines):
        if not line.lstrip().startswith(_ABOVE) or not _checks(line):
            continue
        open_calls = line.count("(") - line.count(")")  # arguments written over several lines follow it
        for following in lines[index + 1 : index + 20]:
            if open_calls > 0:
                open_calls += following.count("(") - following.count(")")
                continue
            name = definition.match(following)
            if name is not None:
                found[(normal(line), name.group(1))] += 1
                break
            if not following.lstrip().startswith((*_ABOVE, ")", "#")) and following.strip():
                break  # not a decorator stack
    return found


def _checks_moved(old_text: str, new_text: str) -> bool:
    """Whether a line that checks or grants access is added, removed or moved once both sides are read
    without spaces (`} else if(` and `} elseif (` alike): not when a formatter or a style pass only
    re-laid the file out, whatever else changed in it; a check moved past other code still is."""
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    if len(old_lines) + len(new_lines) > _ORDERED_LIMIT:
        return True  # too long to diff in order: every check line added or removed counts
    matcher = _matcher([SPACE.sub("", line) for line in old_lines], [SPACE.sub("", line) for line in new_lines])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal" and any(_checks(line) for line in (*old_lines[i1:i2], *new_lines[j1:j2])):
            return True
    return False


# What a TypeScript file may hold and still only declare the shape of data: nothing in it runs.
_TYPE_DECLARATIONS = frozenset({"interface_declaration", "type_alias_declaration", "enum_declaration"})


def _declares_types_only(path: str, *texts: str) -> bool:
    """A TypeScript file that, on every side it has, holds only imports, interfaces, type aliases and enums
    (`models/ISessionItem.ts`): the shape of a session record, checked wherever it is used, like a
    declaration file (`.d.ts`). A class, a function or a value is code, and counts."""
    if not path.endswith((".ts", ".mts", ".cts")):
        return False
    from ownership_gate.formats import treesitter

    for text in texts:
        if not text:
            continue
        tree = treesitter.parse("typescript", text.encode())
        if tree.root_node.has_error:
            return False
        for node in tree.root_node.named_children:
            if node.type in ("comment", "import_statement") or node.type in _TYPE_DECLARATIONS:
                continue
            declared = node.named_children if node.type == "export_statement" else []
            if len(declared) == 1 and declared[0].type in _TYPE_DECLARATIONS:
                continue
            return False
    return any(texts)


def _only_errors_changed(path: str, old_text: str, new_text: str) -> bool:
    """The same conditions still end in an error; only what is thrown (its type or message) changed."""
    if not old_text or not new_text:
        return False
    if path.endswith(".py"):
        return python.same_program(old_text, new_text, errors_count=False)
    if not path.endswith(_SCRIPT):
        return False
    try:
        old_tree, new_tree = javascript.parse(old_text, path), javascript.parse(new_text, path)
    except ValueError:
        return False
    ignored, opaque = frozenset({"import_statement"}), frozenset({"throw_statement"})
    return (javascript.fingerprint(old_tree, ignored=ignored, opaque=opaque)
            == javascript.fingerprint(new_tree, ignored=ignored, opaque=opaque))


def _moved_elsewhere(context: Context, kind: str, wanted: Callable[[str], bool], path: str) -> Moved:
    """Whether a `wanted` line (an access check, a security header) that `path` adds or removes is one
    another file of the change set removes or adds: `moved("removed", line)` for a line added here.

    A line added in one file and removed in another moved between files
    (code reorganised): it is no change. A line moved within one file is,
    since the order of checks decides what runs. Where each line went is
    worked out once per change set, the first time it is asked.
    """
    def moved(side: str, line: str) -> bool:
        return bool(_moved_lines(context, kind, wanted).get((side, _moved_key(line)), set()) - {path})

    return moved


def _code_moved(context: Context, path: str, added: list[str], removed: list[str]) -> bool:
    """Every line of code `path` gains another file of the change set loses, and every one it loses another
    gains: the code moved between files (`GovukContentSecurityPolicy.configure` from `csp.rb` into
    `content_security_policy.rb`), and runs as it did."""
    moved = _moved_elsewhere(context, "code", bool, path)
    return all(moved("removed", line) for line in added) and all(moved("added", line) for line in removed)


def _moved_lines(context: Context, kind: str, wanted: Callable[[str], bool]) -> dict[tuple[str, str], set[str]]:
    """The files of the change set that add and remove each `wanted` line, by (side, line)."""
    memo = context.memo
    key = f"{TYPE}.moved.{kind}"
    if key not in memo:
        where: dict[tuple[str, str], set[str]] = {}
        for change in context.claimed(TYPE):
            diff = line_diff(change, context)
            if diff is None:
                continue
            for _, line in diff.added:
                if wanted(line):
                    where.setdefault(("added", _moved_key(line)), set()).add(change.path)
            for line in diff.removed:
                if wanted(line):
                    where.setdefault(("removed", _moved_key(line)), set()).add(change.path)
        memo[key] = where
    result: dict[tuple[str, str], set[str]] = memo[key]
    return result


# A JavaScript or TypeScript module's `export`: a constant moved to a shared module is exported from it there.
_EXPORT = patterns.compile(r"^export\s+(?!default\b)")
# What a line hands its value to: a variable, an instance variable or a keyword argument (`cohorts = `,
# `@count = `, `cohort: `), and a view component's way to the view's helpers (`helpers.policy_scope(...)`).
_HANDED_TO = patterns.compile(r"^(?:@?\w+\s*=(?![=~>])\s*|\w+:(?!:)\s*)?(?:helpers\.)?")


def _unexported(line: str) -> str:
    """A line with its spaces collapsed and without a module's `export` (`export const ID = 'current';` is
    `const ID = 'current';`)."""
    return _EXPORT.sub("", normal(line))


def _moved_key(line: str) -> str:
    """A line as any file of the change set may write it: `_unexported`, and without what it hands its value to,
    so a check moved into a variable, a keyword argument or a view component is the same check
    (`cohort: policy_scope(Cohort)...` -> `cohorts = policy_scope(Cohort)...`)."""
    return _HANDED_TO.sub("", _unexported(line), count=1)


def _lost_scopes(change: Change, context: Context, diff: LineDiff) -> str | None:
    """A user scope (see USER_SCOPE) this file writes fewer times than before, and the change set as a whole
    too (a scope moved to another file, or a query reformatted, keeps it)."""
    if not change.path.endswith((".py", ".rb")) or not diff.old_text:
        return None
    old, new = _scopes(diff.old_text), _scopes(diff.new_text)
    lost = sorted(scope for scope in old if old[scope] > new[scope])
    if not lost:
        return None
    total_old, total_new = _all_scopes(context)
    lost = [scope for scope in lost if total_old[scope] > total_new[scope]]
    return lost[0] if lost else None


def _all_scopes(context: Context) -> tuple[Counter[str], Counter[str]]:
    """How often the change set's Python and Ruby files scope a query to the requesting user, before and after."""
    key = f"{TYPE}.scopes"
    if key not in context.memo:
        before: Counter[str] = Counter()
        after: Counter[str] = Counter()
        for change in context.claimed(TYPE):
            if change.path.endswith((".py", ".rb")):
                before.update(_scopes(text_of(context.old(change), lossy=True) or ""))
                after.update(_scopes(text_of(context.new(change), lossy=True) or ""))
        context.memo[key] = (before, after)
    result: tuple[Counter[str], Counter[str]] = context.memo[key]
    return result


def _scopes(text: str) -> Counter[str]:
    return Counter(_scope(match.group(0)) for match in USER_SCOPE.finditer(text))


def _scope(text: str) -> str:
    return SPACE.sub("", text).replace("self.request", "request")


def _code(path: str, lines: Iterable[str]) -> list[str]:
    """The lines that do something: not blank, a comment, an import (Go's import blocks too) or a lone bracket."""
    go = path.endswith(".go")
    return [line for line in lines if substantive([line]) and not (go and _GO_IMPORT.match(line))]


_WORD = patterns.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A statement that writes to a log (`LOG.error("...", e);`, `logger.info(...)`, `console.warn(...)`,
# `Rails.logger.debug ...`, `log.Printf(...)`), or prints for whoever debugs (Go's `println("in handler")` and
# `fmt.Println(...)`, Python's `print(...)`, Rust's `println!`, Java's `System.out.println(...)`, Ruby's
# `puts`), on its own line.
_LOG_STATEMENT = patterns.compile(
    r"^\s*(?:(?:(?:this|self|@)\.?)?(?:Rails\.)?(?:LOG|LOGGER|[Ll]og|[Ll]ogger|_?logger|_log|console|logging|slog)"
    # A level, perhaps with what the logger adds to it (`logger.errorRequest(req, err)`).
    r"\s*(?:\.|::|->)\s*(?:(?:trace|debug|info|warn|warning|error|fatal|critical|exception)(?:[A-Z_]\w*)?|log"
    r"|Print(?:f|ln)?|(?:Error|Info|Warn|Debug)f?)\b"
    r"|(?:fmt\.(?:Print|Fprint)(?:f|ln)?|e?println!?|print|System\.(?:out|err)\.print(?:f|ln)?)\s*\(|puts\b)"
)
# What a log line must not start writing out: a secret.
_SECRET_WORD = patterns.compile(r"(?i)token|passw|secret|credential|api_?key|private_?key")
# What a log line's strings interpolate (`#{payload.to_json}`, `${user.id}`): code it evaluates.
_INTERPOLATION = patterns.compile(r"#\{([^{}]*)\}|\$\{([^{}]*)\}")
# The exception a handler caught, which a log line may add to its message (`LOG.error("...", e)`).
_CAUGHT = frozenset({"e", "ex", "exc", "err", "error", "exception", "throwable", "t"})
_CONSTANTS = frozenset({"true", "false", "True", "False", "TRUE", "FALSE", "nil", "null", "None", "undefined"})


# A constant bound to a literal: declared (`const TOTP = "totp";`, `export const ...`), typed the Go way
# (`CredentialsTypeTOTP CredentialsType = "totp"`), or named as constants are (`TOTP = "totp"`,
# `CredentialsTypeOIDC = "oidc"`); not a lower-case name, which may be a keyword argument or a local.
_LITERAL = r"""(?:"[^"\\]*"|'[^'\\]*'|-?\d+(?:\.\d+)?|true|false|True|False)"""
_LITERAL_BINDING = patterns.compile(
    rf"""^\s*(?:(?:export\s+)?(?:const|let|var)\s+(?P<declared>[A-Za-z_]\w*)(?:\s*:\s*[\w.]+)?"""
    rf"""|(?P<typed>[A-Za-z_]\w*)\s+[A-Za-z_][\w.]*|(?P<constant>[A-Z]\w*)(?:\s*:\s*[\w.]+)?)"""
    rf"""\s*=\s*{_LITERAL}\s*;?\s*$"""
)


def _only_logging(added: list[str], removed: list[str]) -> bool:
    """Every changed line writes to a log, and what the added ones write out is their text and the caught
    exception, or values the removed ones already wrote (`LOG.error("Unexpected exception thrown", e)`): what
    is written down changed, not what is allowed. A log line that starts writing out a value (`"Turnstile
    payload: #{payload.to_json}"`, which holds a secret key) or names a secret is a change."""
    if not all(_LOG_STATEMENT.match(line) for line in (*added, *removed)):
        return False
    if any(_SECRET_WORD.search(line) for line in added):
        return False
    written = set().union(*(_logged(line) for line in removed)) | _CAUGHT
    return all(_logged(line) <= written for line in added)


def _logged(line: str) -> set[str]:
    """The names a log line evaluates, its logger aside."""
    match = _LOG_STATEMENT.match(line)
    rest = line[match.end():] if match else line
    code = [a or b for a, b in _INTERPOLATION.findall(rest)]
    code.append(layout.without_strings(rest))
    return {word for part in code for word in _WORD.findall(part)} - _FORMATS


# How a log line turns a value into text (`JSON.stringify(err)`, `str(e)`, `e.inspect`): the value is what it writes.
_FORMATS = frozenset({"JSON", "stringify", "json", "dumps", "str", "repr", "String", "toString", "to_s", "inspect",
                      "to_json", "format", "message", "getMessage"})


def _only_new_names(added: list[str], removed: list[str], old_text: str) -> bool:
    """The change only binds names the file never used to literals (a new constant, `CredentialsTypeTOTP =
    "totp"`): nothing reads them yet, so what the code does is unchanged. A literal given to a name the
    file already had (`token_lifetime = 3600`) is a change, and so is anything removed."""
    if removed or not added:
        return False
    old_words = set(_WORD.findall(old_text))
    for line in added:
        match = _LITERAL_BINDING.match(line)
        name = match and (match.group("declared") or match.group("typed") or match.group("constant"))
        if not name or name in old_words:
            return False
    return True


# What decides a test besides the names it reads: comparison and logical operators, and numbers (an OAuth
# state's length, `16` -> `32`; a timestamp divided, `Date.now() / 1000`). Punctuation (`.`, parentheses) and
# what strings say are left out: a call's parentheses or an error's message reworded decide nothing.
_DECIDING = patterns.compile(r"===|!==|==|!=|<=|>=|=>|->|&&|\|\||[!<>*/%+-]|(?<![\w.])\d+(?:\.\d+)?\b")


def _shape(line: str) -> tuple[str, ...]:
    """The operators and numbers of a line, outside its strings, in order (`=>` and `->` are arrows)."""
    return tuple(token for token in _DECIDING.findall(layout.without_strings(line)) if token not in ("=>", "->"))


def _renamed(added: list[str], removed: list[str]) -> bool:
    """Every changed line is an old line with one or two names swapped for others (a rename, no new logic).
    A name only added or only taken away (`roles` become `roles.flatten`) is a call or a value more or
    less, not a rename, and neither is an operator or a number changed around the names (`status == IN_REVIEW`
    -> `status in PREVIEWABLE`, `==` -> `!=`, `16` -> `32`): the lines' operators and numbers must be the old
    ones. A line only exported, or no longer exported, from its module (`const check = ...` -> `export const
    check = ...`, for a test to call it) is the same line."""
    if not added or len(added) != len(removed):
        return False
    if Counter(map(_unexported, added)) == Counter(map(_unexported, removed)):
        return True
    if Counter(map(_shape, added)) != Counter(map(_shape, removed)):
        return False
    new_words = Counter(w for line in added for w in _WORD.findall(line))
    old_words = Counter(w for line in removed for w in _WORD.findall(line))
    gained, lost = set(new_words - old_words), set(old_words - new_words)
    if (gained | lost) & CRYPTO_NAMES:
        return False  # a randomness, hash or signing primitive swapped is a security change, not a rename
    if (gained | lost) & _CONSTANTS:
        return False  # `admin?` -> `true`: a test that became a constant lets everyone in (or no one)
    return bool(gained) == bool(lost) and len(gained) <= 2 and len(lost) <= 2
