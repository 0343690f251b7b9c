"""A managed database's, cache's or message broker's engine moved to another major version (MSK's `kafka_version`).

`engine_version = "15.7"` -> `"16.3"` on an `aws_db_instance`, `database_version
= "POSTGRES_14"` -> `"POSTGRES_15"` on a `google_sql_database_instance`,
`version = "14"` -> `"16"` on an `azurerm_postgresql_flexible_server`: an
upgrade across majors rewrites the data files, cannot be rolled back in
place, and may break what the application sends. The value is read where it
is written: in a resource, in a module call's argument (the called module's
default when the argument is added or dropped), in a variable's default, or
in a variable file. A value Terraform computes (`var.x` without a literal
default, `local.x`, a function call) is not judged.

The major is the leading number; PostgreSQL before 10 and MySQL before 8 (a
leading 9 or 5) counted their majors in two parts, `9.6` -> `10` and `5.6` ->
`5.7`, so there the second number counts too. MySQL and MariaDB still do
(`8.0` -> `8.4`, `10.6` -> `10.11`: managed services upgrade them as majors,
and neither goes back in place) wherever the engine is named: by the
resource type (`azurerm_mysql_flexible_server`), the setting
(`mysql_version`), the block's `engine` (`"mysql"`, `"aurora-mysql"`) or
the value on either side (`MYSQL_8_0`; Aurora's `8.0.mysql_aurora.3.05.2` -> `8.0`
is none). A patch or minor release (`12.17` -> `12.19`) is
none.

A parameter group's `family` (`postgres14` -> `postgres15` on an
`aws_db_parameter_group`, `redis5.0` -> `redis6.x` on an
`aws_elasticache_parameter_group`) names the engine major the databases
using it must run: moving it to another major is the same upgrade.

A managed Kubernetes control plane is the same kind of door: `version` on an
`aws_eks_cluster` or a `digitalocean_kubernetes_cluster`, `kubernetes_version`
on an `azurerm_kubernetes_cluster`, `min_master_version` on a
`google_container_cluster`, or a module's `cluster_version` going from `1.26`
to `1.27` upgrades the control plane in place, and none of these services
downgrades one. Kubernetes counts its releases in two parts, so `1.26` ->
`1.27` is a step and `1.27.3` -> `1.27.9` is none.

A variable's default that pins a release of the software a configuration
runs (`gitlab_runner_version`, an application's `release_tag`) moved to
another major moves every caller keeping the default there (`release_compared`).

An `aws_ami` data source, or an input named for a machine image, that looks
images up by a name of another operating system or release
(`amzn2-ami-hvm-2.*` -> `al2023-ami-2023*`) replaces the instances built
from it on that system (`image_compared`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.cloud.findings import finding
from ownership_gate.formats import hcl
from ownership_gate.model import Finding

# Names of settings and inputs that hold a database's or cache's engine version.
NAME = patterns.compile(
    r"(?i)(?:^|_)(?:engine_version|database_version"
    r"|(?:db|rds|aurora|postgres(?:ql)?|pg|mysql|mariadb|redis|valkey|memcached|mongo(?:db)?|docdb|documentdb"
    r"|elasticsearch|opensearch|mssql|sql_?server|kafka|msk)_(?:engine_)?version"
    r"|(?:cluster|kubernetes|k8s|eks|gke|aks|master|control_plane)_version)$"
)
# Resource types whose plain `version` is the engine's (Azure's flexible servers, a Redis cache) or the
# Kubernetes control plane's (`aws_eks_cluster`, `digitalocean_kubernetes_cluster`).
_VERSIONED_TYPE = patterns.compile(
    r"(?i)postgres|mysql|mariadb|redis|elasticsearch|opensearch|mongo|eks_cluster$|kubernetes_cluster$"
)
# Resource types whose `family` names the engine and its major (`aws_rds_cluster_parameter_group`).
_PARAMETER_GROUP = patterns.compile(r"(?i)parameter_group$")
# What names a Kubernetes control plane's version: its resource types and settings.
_KUBERNETES = patterns.compile(
    r"(?i)kubernetes|k8s|(?<![a-z])(?:eks|gke|aks)(?![a-z])|container_cluster|(?:cluster|master|control_plane)_version"
)
_NUMBERS = patterns.compile(r"\d+(?:[._]\d+)*")
_TWO_PART = frozenset({5, 9})
_TWO_PART_ENGINES = patterns.compile(r"(?i)mysql|mariadb")


def names_engine(name: str, resource_type: str = "") -> bool:
    """Whether a setting or input called `name` (of a resource of `resource_type`) holds an engine version."""
    return bool(NAME.search(name)) or (name == "version" and bool(_VERSIONED_TYPE.search(resource_type))) or (
        name == "family" and bool(_PARAMETER_GROUP.search(resource_type)))


def major(value: object, engine: str = "") -> tuple[int, ...] | None:
    """The major version a literal names (`"16.3"` -> (16,), `"POSTGRES_9_6"` -> (9, 6), `"8.4.3"` of MySQL,
    which `engine` or the value names, -> (8, 4)); None for no version."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    match = _NUMBERS.search(str(value))
    if match is None:
        return None
    numbers = tuple(int(n) for n in re.split(r"[._]", match.group(0)))
    two_part = numbers[0] in _TWO_PART or bool(_TWO_PART_ENGINES.search(f"{engine} {value}")) or (
        numbers[0] == 1 and bool(_KUBERNETES.search(engine)))
    return numbers[:2] if two_part else numbers[:1]


def compared(
    subject: str, name: str, before: object, after: object, line: int | None = None, engine: str = ""
) -> Finding | None:
    """An `engine` finding when the two literal versions name different majors; the subject, the setting's
    name and `engine` (a block's `engine` setting) say which engine it is."""
    hint = f"{subject} {name} {engine} {before} {after}"  # `8.0.mysql_aurora.3.05.2` names MySQL for `8.0` too
    old, new = major(before, hint), major(after, hint)
    if old is None or new is None or old == new:
        return None
    if old[0] == 1 and _KUBERNETES.search(hint):
        return finding("engine", subject, (
            f"{name}: {before} -> {after}, another Kubernetes release of the control plane"
            " (upgraded in place; a managed control plane is never downgraded)"
        ), line)
    return finding("engine", subject, (
        f"{name}: {before} -> {after}, another major version of the database engine"
        " (an upgrade in place cannot be rolled back)"
    ), line)


# Inputs that pin a release of the software a configuration runs (`gitlab_runner_version`, an application's
# `release_tag`, `image_tag`, `chart_version`), not versions of a format, a protocol or Terraform itself.
SOFTWARE = patterns.compile(r"(?i)(?:^|_)(?:version|release|release_tag|image_tag)$")
_NOT_SOFTWARE = patterns.compile(
    r"(?i)(?:^|_)(?:api|policy|schema|template|document|tls|ssl|protocol|http|format|config|terraform|tf"
    r"|provider|module|content|state|launch_template|minimum|min|max|ip|python_?package)_(?:version|release)$"
)
_RELEASE = patterns.compile(r"v?(\d+)(?:\.(\d+))?(?:\.\d+)*(?:[-+][\w.+-]*)?")


def names_software(name: str) -> bool:
    """Whether an input called `name` pins a release of software the configuration runs."""
    return bool(SOFTWARE.search(name)) and not NAME.search(name) and not _NOT_SOFTWARE.search(name)


def release_compared(subject: str, name: str, before: object, after: object, line: int | None = None) -> Finding | None:
    """An `engine` finding when two literal releases (`11.11.2` -> `12.1.0`, `v1.3.1` -> `v2.0.0`) differ in
    their major, the first number, or below 1.0 the second (`0.4` -> `0.5`)."""
    old, new = (_RELEASE.fullmatch(value.strip()) if isinstance(value, str) else None for value in (before, after))
    if old is None or new is None:
        return None
    old_major, new_major = ((int(m.group(1)), int(m.group(2) or 0) if m.group(1) == "0" else 0) for m in (old, new))
    if old_major == new_major:
        return None
    return finding("engine", subject, (
        f"{name}: {before} -> {after}, another major version of the software it runs"
        " (every caller keeping the default moves to it)"
    ), line)


# An input named for a machine image (`runner_ami_filter`, `ami_name`), whose default may hold the names an
# `aws_ami` data source looks images up by.
IMAGE_INPUT = patterns.compile(r"(?i)(?:^|_)ami(?:_|$)")
# An image's name or a pattern of names (`amzn2-ami-hvm-2.*-x86_64-ebs`): words and numbers, not an ID.
_IMAGE_NAME = patterns.compile(r"(?i)^(?!ami-[0-9a-f]+$)(?=.*[a-z])(?=.*[-_/*])[\w.*?/-]+$")
_WORDS = patterns.compile(r"[a-z]+")
_NUMBER_RUN = patterns.compile(r"\d+")


def image_family(name: str) -> tuple[tuple[str, ...], str]:
    """What an image name says of the operating system under it: its words (`amzn`, `ami`, `hvm`, `x`, `ebs`;
    the distribution, its release's code name, the architecture) and its first number of at most four
    digits (a release: Amazon Linux `2`, Debian `11`, Windows Server `2019`; dates and build numbers are
    longer). `amzn2-ami-hvm-2.0.2021*-x86_64-ebs` and `amzn2-ami-hvm-2.*-x86_64-ebs` are one family."""
    text = name.lower()
    release = next((run for run in _NUMBER_RUN.findall(text) if len(run) <= 4), "")
    return tuple(_WORDS.findall(text)), release


def image_names(value: object) -> set[str]:
    """The image names or name patterns a value holds at any depth."""
    if isinstance(value, str):
        return {value} if _IMAGE_NAME.match(value) else set()
    if isinstance(value, Mapping):
        return {name for item in value.values() for name in image_names(item)}
    if isinstance(value, (list, tuple)):
        return {name for item in value for name in image_names(item)}
    return set()


def image_compared(
    subject: str, what: str, before: set[str], after: set[str], line: int | None = None
) -> Finding | None:
    """An `engine` finding when the image names an instance is looked up by name another operating system or
    release (`amzn2-ami-hvm-2.*-x86_64-ebs` -> `al2023-ami-2023*-x86_64`, `ubuntu-xenial-16.04-*` ->
    `ubuntu-bionic-18.04-*`); a newer build of the same one (a date in the name) is none."""
    if not before or not after or {image_family(n) for n in before} == {image_family(n) for n in after}:
        return None
    return finding("engine", subject, (
        f"{what}: {', '.join(sorted(before))} -> {', '.join(sorted(after))}, a machine image of another operating"
        " system or release: the instances are replaced on it"
    ), line)


# Serverless functions name the language runtime they run on: `runtime = "nodejs16.x"` on an
# `aws_lambda_function`, `python311` on a Google Cloud Function, `Runtime: java17` in CloudFormation.
FUNCTION_TYPE = patterns.compile(r"(?i)lambda_function|cloudfunctions|AWS::Lambda::Function|AWS::Serverless::Function")
_RUNTIME = patterns.compile(r"(?i)^(nodejs|python|ruby|java|dotnet(?:core)?|go|php)(\d+)(?:\.(\d+)|(\d\d))?")
# Languages whose feature releases break (as for their images): Python 3.11 -> 3.12 is a major step.
_FEATURE_RELEASES = frozenset({"python", "ruby", "php"})


def runtime_major(value: object) -> tuple[object, ...] | None:
    """The language and major version a function's runtime names (`nodejs20.x` -> ("nodejs", 20),
    `python3.12` and `python312` -> ("python", 3, 12)); None for another value (`provided.al2`)."""
    match = _RUNTIME.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    language, first = match.group(1).lower().replace("dotnetcore", "dotnet"), int(match.group(2))
    if language in _FEATURE_RELEASES:
        second = match.group(3) or match.group(4)
        if second is None and len(match.group(2)) > 1:  # `python311`: 3 and 11 written together
            first, second = int(match.group(2)[0]), match.group(2)[1:]
        return language, first, int(second or 0)
    return language, first


def runtime_compared(subject: str, name: str, before: object, after: object, line: int | None = None) -> Finding | None:
    """An `engine` finding when a function's runtime moves to another language or major version."""
    old, new = runtime_major(before), runtime_major(after)
    if old is None or new is None or old == new:
        return None
    return finding("engine", subject, (
        f"{name}: {before} -> {after}, another major version of the language runtime the function runs on"
    ), line)


_REFERENCE = patterns.compile(r"\$\{\s*var\.(\w+)\s*\}|var\.(\w+)")


def resolved(value: object, defaults: Mapping[str, object]) -> object:
    """A literal as written, or `var.NAME` (`"${var.NAME}"`) as its literal default; None for anything
    Terraform computes."""
    text = value.text.strip() if isinstance(value, hcl.Expression) else value
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return None
    reference = _REFERENCE.fullmatch(str(text).strip().strip('"'))
    if reference is not None:
        return defaults.get(reference.group(1) or reference.group(2))
    return None if isinstance(value, hcl.Expression) or "${" in str(text) else text


def literal(value: object) -> bool:
    """A string or number as written, which a version can be (not a bool, a list, a map or an expression)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def literal_defaults(variables: Mapping[str, hcl.Block]) -> dict[str, object]:
    """Each variable's default where it is a literal string or number."""
    found: dict[str, object] = {}
    for name, block in variables.items():
        default = block.body.attributes.get("default")
        if default is not None and literal(default.value):
            found[name] = default.value
    return found
