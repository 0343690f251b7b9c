"""A Cloud Foundry application's service bindings: which backing services (a database, a log drain, a
service of credentials) the app is bound to, and so holds the credentials of or sends its data to.

One bound that was not, or one unbound, on an application the manifest already ran, is `security`
(subject `applications[api].services`): a new binding hands the app another service's credentials (AWS
keys moved into a new user-provided service), and one removed can stop what production records (its logs
no longer drained to the SIEM). A new application's bindings are its setup, and an application removed
takes its bindings with it. Read in the manifests the cost classifier reads (production's, see
`infra.names.cloud_foundry_manifest`), templates included.
"""

from __future__ import annotations

from ownership_gate.classifiers.base import Context, text_of
from ownership_gate.classifiers.cloud.findings import finding
from ownership_gate.classifiers.infra.names import cloud_foundry_manifest
from ownership_gate.formats import cloudfoundry
from ownership_gate.formats.yaml import YamlError, load
from ownership_gate.model import Change, Finding


def findings(change: Change, context: Context) -> list[Finding]:
    new = _bindings(text_of(context.new(change)))
    old = _bindings(text_of(context.old(change))) if cloud_foundry_manifest(change.source_path) else None
    if old is None or new is None:
        return []  # not a manifest on one side, or one that does not read: nothing to compare bindings with
    found = []
    for name in sorted(old.keys() & new.keys()):
        bound, unbound = sorted(new[name] - old[name]), sorted(old[name] - new[name])
        if bound or unbound:
            what = ", ".join([*(f"+ {s}" for s in bound), *(f"- {s}" for s in unbound)])
            found.append(finding("security", f"applications[{name}].services",
                                 f"service bindings of {name} changed: {what}"))
    return found


def _bindings(text: str | None) -> dict[str, frozenset[str]] | None:
    """The services each application is bound to; None when the text is no manifest or does not read."""
    if not text or not cloudfoundry.APPLICATIONS.search(text):
        return None
    try:
        documents = load(cloudfoundry.without_templating(text)).roots
    except YamlError:
        return None
    if not documents:
        return None
    bindings = {}
    for name, application in cloudfoundry.applications(documents[0]):
        services = application.get("services")
        listed = services.value if services is not None and isinstance(services.value, list) else []
        bindings[name] = frozenset(str(item.value if not isinstance(item.value, dict) else
                                       item.scalar("name")) for item in listed)
    return bindings
