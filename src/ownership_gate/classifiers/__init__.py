"""The classifier registry.

Each classifier is one module satisfying `Classifier`; adding one is one
module plus one line below. The policy validator takes its allowed
`when.type`, `when.kind` and `classify.*` settings from this table.
"""

from __future__ import annotations

from ownership_gate.classifiers import failure, ownership, path, policy
from ownership_gate.classifiers.base import Classifier, Context

# Each package's module is imported under its own name, so `classifiers.cost` stays the package.
from ownership_gate.classifiers.cloud import classifier as cloud_classifier
from ownership_gate.classifiers.cost import classifier as cost_classifier
from ownership_gate.classifiers.dependency import classifier as dependency_classifier
from ownership_gate.classifiers.infra import classifier as infra_classifier
from ownership_gate.classifiers.pipeline import classifier as pipeline_classifier
from ownership_gate.classifiers.schema import classifier as schema_classifier
from ownership_gate.classifiers.security import classifier as security_classifier

REGISTRY: dict[str, Classifier] = {
    "dependency": dependency_classifier,
    "infra": infra_classifier,
    "schema": schema_classifier,
    "cost": cost_classifier,
    "cloud": cloud_classifier,
    "pipeline": pipeline_classifier,
    "security": security_classifier,
    "ownership": ownership,
    "policy": policy,
    "path": path,
    "error": failure,
}

# Finding types judged by a rule every policy has, (rule id, reason), at the
# policy's top level whatever its own rules say; their classifiers always run.
BUILT_IN_RULES: dict[str, tuple[str, str]] = {
    policy.TYPE: (policy.POLICY_RULE_ID, policy.POLICY_RULE_REASON),
    failure.TYPE: (failure.RULE_ID, failure.RULE_REASON),
}

__all__ = ["BUILT_IN_RULES", "REGISTRY", "Classifier", "Context"]
