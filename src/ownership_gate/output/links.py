"""Links into this project's repository: README sections and the shipped JSON Schemas.

Both are linked at the tag of the installed version, so a link never
describes behaviour this version does not have.
"""

from __future__ import annotations

from ownership_gate import __version__
from ownership_gate.policy.model import Rule

REPOSITORY_URL = "https://github.com/your-org/ownership-gate"
README_URL = f"{REPOSITORY_URL}/blob/v{__version__}/README.md"

# The README section that explains each finding type (GitHub's heading anchors).
TYPE_SECTIONS = {
    "dependency": "dependencies-a-new-vendor-is-not-a-routine-bump",
    "schema": "schema-a-nullable-column-is-routine-a-dropped-one-is-not",
    "infra": "infrastructure-which-files-set-up-the-cloud",
    "cost": "cost-more-replicas-bigger-machines-new-load-balancers",
}
POLICY_SECTION = "the-policy-file"
SIGNOFF_SECTION = "how-a-sign-off-is-recognised"


def section_url(anchor: str) -> str:
    return f"{README_URL}#{anchor}"


def rule_help_url(rule: Rule | None) -> str:
    """The section that explains what `rule` reads: its one finding type's section,
    else how the policy matches paths (path-only rules, several types, the policy file)."""
    if rule is not None and rule.when is not None and len(rule.when.types) == 1:
        (type_,) = rule.when.types
        if type_ in TYPE_SECTIONS:
            return section_url(TYPE_SECTIONS[type_])
    return section_url(POLICY_SECTION)


def schema_id(file_name: str) -> str:
    """The `$id` of a schema shipped in `ownership_gate/schema/`: where it lives in the repository."""
    return f"{REPOSITORY_URL}/blob/v{__version__}/src/ownership_gate/schema/{file_name}"
