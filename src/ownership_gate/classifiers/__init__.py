"""The classifier registry.

Each classifier is one module satisfying `Classifier`; adding one is one
module plus one line below. The policy validator takes its allowed
`when.type`, `when.kind` and `classify.*` settings from this table.
"""

from __future__ import annotations

from ownership_gate.classifiers import path, policy
from ownership_gate.classifiers.base import Classifier, Context
from ownership_gate.classifiers.cloud import classifier as cloud
from ownership_gate.classifiers.cost import classifier as cost
from ownership_gate.classifiers.dependency import classifier as dependency
from ownership_gate.classifiers.infra import classifier as infra
from ownership_gate.classifiers.pipeline import classifier as pipeline
from ownership_gate.classifiers.schema import classifier as schema
from ownership_gate.classifiers.security import classifier as security

REGISTRY: dict[str, Classifier] = {
    "dependency": dependency,
    "infra": infra,
    "schema": schema,
    "cost": cost,
    "cloud": cloud,
    "pipeline": pipeline,
    "security": security,
    "policy": policy,
    "path": path,
}

# Finding types judged by a rule every policy has, (rule id, reason), at the
# policy's top level whatever its own rules say; their classifiers always run.
BUILT_IN_RULES: dict[str, tuple[str, str]] = {
    policy.TYPE: (policy.POLICY_RULE_ID, policy.POLICY_RULE_REASON),
}

__all__ = ["BUILT_IN_RULES", "REGISTRY", "Classifier", "Context"]
