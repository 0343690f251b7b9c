"""`security` findings: the External Secrets Operator's objects, which secrets production pulls and from which store."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ownership_gate.classifiers.security.external_secrets import Placed, _display, _flat, _placed
from ownership_gate.formats.yaml import load
from tests.conftest import Repo, findings, kinds_and_subjects, run_json

ROUTE53 = """\
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: route53-credentials
  namespace: cert-manager
  labels:
    app.kubernetes.io/part-of: cert-manager
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: vault-backend
    kind: ClusterSecretStore
  target:
    name: route53-credentials
    creationPolicy: Owner
  data:
    - secretKey: access-key-id
      remoteRef:
        key: secret/data/route53
        property: access_key_id
    - secretKey: secret-access-key
      remoteRef:
        key: secret/data/route53
        property: secret_access_key
"""
ROUTE53_PATH = "clusters/production/cert-manager/route53-credentials.yaml"

STORE = """\
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: vault-backend
spec:
  provider:
    vault:
      server: https://vault.internal:8200
      path: secret
      version: v2
      auth:
        kubernetes:
          mountPath: kubernetes
          role: external-secrets
          serviceAccountRef:
            name: external-secrets
            namespace: external-secrets
  conditions:
    - namespaces:
        - cert-manager
        - payments
"""
STORE_PATH = "clusters/production/external-secrets/cluster-secret-store.yaml"

STRIPE = """\
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: stripe-api
  namespace: billing
spec:
  secretStoreRef:
    name: vault-backend
    kind: ClusterSecretStore
  target:
    name: stripe-api
  dataFrom:
    - extract:
        key: secret/data/billing/stripe
"""

SHARED = """\
apiVersion: external-secrets.io/v1beta1
kind: ClusterExternalSecret
metadata:
  name: registry-credentials
spec:
  externalSecretName: registry-credentials
  namespaceSelector:
    matchLabels:
      registry-access: "true"
  refreshTime: 1m
  externalSecretSpec:
    secretStoreRef:
      name: vault-backend
      kind: ClusterSecretStore
    target:
      name: registry-credentials
    data:
      - secretKey: .dockerconfigjson
        remoteRef:
          key: secret/data/registry
          property: dockerconfigjson
"""
SHARED_PATH = "clusters/production/external-secrets/registry-credentials.yaml"

# The operator's own template of the Secret it writes: not Helm's.
TEMPLATE = """\
    creationPolicy: Owner
    template:
      type: Opaque
      data:
        credentials: "{{ .access_key_id }}:{{ .secret_access_key }}"
        config: |
          aws_access_key_id={{ .access_key_id }}
"""

FILES = {ROUTE53_PATH: ROUTE53, STORE_PATH: STORE, SHARED_PATH: SHARED}


def _placed_findings(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every security finding with the path of the change it is on."""
    return [(change["path"], found) for change in doc["changes"] for found in change["findings"]
            if found["type"] == "security"]


def _commit_edit(repo: Repo, path: str, old: str, new: str) -> str:
    """Commit the three objects, then one of them edited; the base commit."""
    base = repo.commit(dict(FILES))
    assert old in FILES[path]
    repo.commit({path: FILES[path].replace(old, new)})
    return base


@pytest.mark.parametrize(("path", "old", "new", "subject", "detail"), [
    # cert-manager's DNS credentials now read from another store.
    (ROUTE53_PATH, "    name: vault-backend\n", "    name: vault-eu\n", "ExternalSecret cert-manager/route53-credentials",
     "reads from another store: vault-backend (ClusterSecretStore) -> vault-eu (ClusterSecretStore)"),
    (ROUTE53_PATH, "    kind: ClusterSecretStore\n", "    kind: SecretStore\n",
     "ExternalSecret cert-manager/route53-credentials",
     "reads from another store: vault-backend (ClusterSecretStore) -> vault-backend (SecretStore)"),
    # A key, or another property of a key, it did not pull.
    (ROUTE53_PATH, "        property: secret_access_key\n",
     "        property: secret_access_key\n    - secretKey: hosted-zone\n      remoteRef:\n"
     "        key: secret/data/route53-admin\n", "ExternalSecret cert-manager/route53-credentials",
     "now also pulls from store vault-backend (ClusterSecretStore): key secret/data/route53-admin"),
    (ROUTE53_PATH, "        property: secret_access_key\n", "        property: root_access_key\n",
     "ExternalSecret cert-manager/route53-credentials", "key secret/data/route53 property root_access_key"),
    (ROUTE53_PATH, "  data:\n", "  dataFrom:\n    - find:\n        path: secret/data/aws\n        name:\n"
     "          regexp: \"^route53\"\n  data:\n", "ExternalSecret cert-manager/route53-credentials",
     "now also pulls from store vault-backend (ClusterSecretStore): keys found by name.regexp=^route53"
     " path=secret/data/aws"),
    # A cluster now authenticates to the store through another Kubernetes auth mount, or as another role.
    (STORE_PATH, "mountPath: kubernetes\n", "mountPath: kubernetes-eu-west\n", "ClusterSecretStore vault-backend",
     "now authenticates to its secret store otherwise: provider.vault.auth.kubernetes.mountPath: kubernetes ->"
     " kubernetes-eu-west"),
    (STORE_PATH, "role: external-secrets\n", "role: admin\n", "ClusterSecretStore vault-backend",
     "provider.vault.auth.kubernetes.role: external-secrets -> admin"),
    (STORE_PATH, "server: https://vault.internal:8200\n", "server: https://vault.other.example:8200\n",
     "ClusterSecretStore vault-backend", "provider.vault.server"),
    # Another namespace may use the store.
    (STORE_PATH, "        - payments\n", "        - payments\n        - sandbox-apps\n",
     "ClusterSecretStore vault-backend", "now lets other namespaces use it: conditions[0].namespaces[2]: (none) ->"
     " sandbox-apps"),
    # A ClusterExternalSecret handed to other namespaces, or reading another key.
    (SHARED_PATH, '      registry-access: "true"\n', '      kubernetes.io/metadata.name: ci\n',
     "ClusterExternalSecret registry-credentials", "now hands its secrets to other namespaces: "),
    (SHARED_PATH, "          key: secret/data/registry\n", "          key: secret/data/registry-push\n",
     "ClusterExternalSecret registry-credentials", "key secret/data/registry-push property dockerconfigjson"),
])
def test_which_secrets_production_pulls_and_how_it_reaches_their_store_is_a_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, old: str, new: str, subject: str, detail: str
) -> None:
    base = _commit_edit(repo, path, old, new)
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", subject)]
    [(where, found)] = _placed_findings(doc)
    assert where == path and found["level"] == "cto"
    assert detail in found["detail"], found["detail"]
    assert code == 1


def test_a_file_with_the_operators_own_template_is_read(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    templated = ROUTE53.replace("    creationPolicy: Owner\n", TEMPLATE)
    base = repo.commit({ROUTE53_PATH: templated})
    repo.commit({ROUTE53_PATH: templated.replace("name: vault-backend", "name: vault-eu")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", "ExternalSecret cert-manager/route53-credentials")]
    assert code == 1


def test_a_store_reference_changed_says_from_and_to(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = _commit_edit(repo, ROUTE53_PATH, "    name: vault-backend\n", "    name: vault-eu\n")
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc, "security")
    assert (found["from"], found["to"]) == ("vault-backend (ClusterSecretStore)", "vault-eu (ClusterSecretStore)")
    assert found["line"] == 1
    assert code == 1


def test_a_new_service_with_its_vault_secrets_and_a_new_store_are_settings(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"README.md": "cluster\n"})
    repo.commit({"apps/billing/externalsecret.yaml": STRIPE, STORE_PATH: STORE})
    code, doc = run_json(capsys, "--base", base)
    assert sorted(kinds_and_subjects(doc, "security")) == [
        ("setting", "ClusterSecretStore vault-backend"), ("setting", "ExternalSecret billing/stripe-api")]
    details = {found["subject"]: found["detail"] for found in findings(doc, "security")}
    assert details["ExternalSecret billing/stripe-api"] == (
        "new ExternalSecret billing/stripe-api: production now pulls secrets from store vault-backend"
        " (ClusterSecretStore): key secret/data/billing/stripe")
    assert details["ClusterSecretStore vault-backend"].startswith(
        "new ClusterSecretStore vault-backend: the cluster now authenticates to a secret store: "
        "conditions[0].namespaces[0]=cert-manager")
    assert code == 1


def test_the_same_object_in_two_clusters_is_judged_file_by_file(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    east, west = "clusters/us-east/route53.yaml", "clusters/eu-west/route53.yaml"
    base = repo.commit({east: ROUTE53, west: ROUTE53})
    repo.commit({east: ROUTE53.replace("name: vault-backend", "name: vault-eu"),
                 west: ROUTE53.replace("refreshInterval: 1h", "refreshInterval: 15m")})
    code, doc = run_json(capsys, "--base", base)
    [(where, found)] = _placed_findings(doc)
    assert (where, found["subject"]) == (east, "ExternalSecret cert-manager/route53-credentials")
    assert code == 1


def test_a_store_copied_into_a_new_cluster_is_new(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    east, west = "clusters/us-east/store.yaml", "clusters/eu-west/store.yaml"
    base = repo.commit({east: STORE})
    repo.commit({east: STORE.replace("name: vault-backend\n", "name: vault-backend\n  labels:\n    tier: core\n"),
                 west: STORE.replace("name: vault-backend\n", "name: vault-backend\n  labels:\n    tier: edge\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", "ClusterSecretStore vault-backend")]
    [(where, found)] = _placed_findings(doc)
    assert where == west and found["detail"].startswith("new ClusterSecretStore vault-backend")
    assert code == 1


@pytest.mark.parametrize("edit", [
    # How often it refreshes, how the Kubernetes Secret is laid out, labels and annotations.
    lambda files: {ROUTE53_PATH: ROUTE53.replace("refreshInterval: 1h", "refreshInterval: 15m")},
    lambda files: {ROUTE53_PATH: ROUTE53.replace("    creationPolicy: Owner\n", TEMPLATE)},
    lambda files: {ROUTE53_PATH: ROUTE53.replace(
        "  labels:\n", "  annotations:\n    reloader.stakater.com/match: \"true\"\n  labels:\n")},
    lambda files: {SHARED_PATH: SHARED.replace("refreshTime: 1m", "refreshTime: 5m")},
    lambda files: {STORE_PATH: STORE.replace("name: vault-backend\n", "name: vault-backend\n  labels:\n    a: b\n")},
    # A key taken away, an object or store deleted: fewer secrets pulled.
    lambda files: {ROUTE53_PATH: ROUTE53.split("    - secretKey: secret-access-key\n")[0]},
    lambda files: {ROUTE53_PATH: None, STORE_PATH: None, SHARED_PATH: None},
    # All three moved into one file, unchanged.
    lambda files: {**dict.fromkeys(files), "clusters/production/secrets.yaml": "---\n".join(files.values())},
])
def test_secrets_laid_out_otherwise_taken_away_or_moved_are_no_change(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: Callable[[dict[str, str]], dict[str, str | None]]
) -> None:
    base = repo.commit(dict(FILES))
    repo.commit(edit(dict(FILES)))
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


@pytest.mark.parametrize("path", [
    "clusters/staging/cert-manager/route53-credentials.yaml",
    "deploy/dev/externalsecret.yaml",
    "charts/cert-manager/values-staging.yaml",
    "docs/examples/externalsecret.yaml",
    "tests/fixtures/externalsecret.yaml",
])
def test_secrets_of_another_environment_or_an_example_are_not_read(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    base = repo.commit({"README.md": "cluster\n"})
    repo.commit({path: ROUTE53})
    _, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []  # (a `deploy/` folder is the infra classifier's still)


def test_one_moved_from_staging_to_production_is_new(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"clusters/staging/route53.yaml": ROUTE53})
    (repo.root / "clusters/production").mkdir()
    repo.git("mv", "clusters/staging/route53.yaml", "clusters/production/route53.yaml")
    repo.commit({})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", "ExternalSecret cert-manager/route53-credentials")]
    assert code == 1


def test_a_broken_manifest_fails_closed_and_a_helm_template_is_not_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = "charts/cert-manager/templates/externalsecret.yaml"
    templated = ROUTE53.replace("name: vault-backend", "name: {{ .Values.store | quote }}")
    base = repo.commit({ROUTE53_PATH: ROUTE53, chart: templated})
    repo.commit({ROUTE53_PATH: ROUTE53.replace("  data:\n", "  data: [\n"),
                 chart: templated.replace("secret/data/route53", "{{ .Values.key }}")})
    code, doc = run_json(capsys, "--base", base)
    [(where, broken)] = _placed_findings(doc)
    assert (where, broken["kind"], broken["subject"]) == (ROUTE53_PATH, "setting", ROUTE53_PATH)
    assert "does not parse" in broken["detail"]
    assert code == 1


def test_another_operators_external_secret_is_not_read(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """An ExternalSecret of another API group (kubernetes-external-secrets) is not this operator's, even in a file
    that names it in a comment."""
    other = "# migrating to external-secrets.io\n" + ROUTE53.replace(
        "external-secrets.io/v1beta1", "kubernetes-client.io/v1")
    base = repo.commit({ROUTE53_PATH: other})
    repo.commit({ROUTE53_PATH: other.replace("name: vault-backend", "name: vault-eu")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def _read(text: str) -> Placed:
    [root] = load(text).roots
    return _placed(root.text("kind") or "", root, "x.yaml")


def test_what_an_external_secret_pulls_is_each_key_property_search_and_source() -> None:
    placed = _read(ROUTE53.replace("  data:\n", """\
  dataFrom:
    - extract:
        key: secret/data/shared
    - sourceRef:
        generatorRef:
          apiVersion: generators.external-secrets.io/v1alpha1
          kind: Password
          name: db-password
    - find:
        tags:
          team: dns
      sourceRef:
        storeRef:
          name: aws-secrets
          kind: ClusterSecretStore
  data:
"""))
    assert placed.store == "vault-backend (ClusterSecretStore)"
    assert placed.pulls == {
        "key secret/data/route53 property access_key_id", "key secret/data/route53 property secret_access_key",
        "key secret/data/shared", "from generator db-password (Password)",
        "keys found by tags.team=dns from store aws-secrets (ClusterSecretStore)",
    }
    assert placed.settings == {}


def test_a_store_reference_without_a_kind_is_a_secret_store_and_v1alpha1_data_from_is_read() -> None:
    placed = _read(STRIPE.replace("    kind: ClusterSecretStore\n", "").replace(
        "    - extract:\n        key: secret/data/billing/stripe\n", "    - key: secret/data/billing/stripe\n"))
    assert placed.store == "vault-backend (SecretStore)"
    assert placed.pulls == {"key secret/data/billing/stripe"}


def test_a_cluster_external_secret_is_read_through_its_external_secret_spec() -> None:
    placed = _read(SHARED)
    assert placed.store == "vault-backend (ClusterSecretStore)"
    assert placed.pulls == {"key secret/data/registry property dockerconfigjson"}
    assert placed.settings == {"namespaceSelector.matchLabels.registry-access": "true"}


def test_a_store_is_compared_by_its_provider_and_conditions_with_secrets_hidden_and_long_values_cut() -> None:
    placed = _read(STORE)
    assert placed.settings["provider.vault.auth.kubernetes.mountPath"] == "kubernetes"
    assert placed.settings["conditions[0].namespaces[1]"] == "payments"
    assert not any(path.startswith("metadata") for path in placed.settings)
    [root] = load("password: s3cr3t-passw0rd-value\ncaBundle: " + "A" * 200 + "\nempty: {}\n").roots
    flat = _flat({"auth": root})
    assert flat["auth.password"] == "s3cr3t-passw0rd-value"  # compared as it is, shown hidden
    assert _display("auth.password", flat["auth.password"]) == "***"
    assert _display("auth.caBundle", flat["auth.caBundle"]) == "A" * 80 + "..."
    assert flat["auth.empty"] == "{}"


def test_a_secret_held_in_a_store_changed_counts_though_it_is_shown_hidden(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    store = STORE.replace("      auth:\n", "      auth:\n        tokenSecret:\n          password: s3cr3t-passw0rd-one\n")
    base = repo.commit({STORE_PATH: store})
    repo.commit({STORE_PATH: store.replace("s3cr3t-passw0rd-one", "s3cr3t-passw0rd-two")})
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc, "security")
    assert found["subject"] == "ClusterSecretStore vault-backend"
    assert (found["from"], found["to"]) == ("***", "***") and "s3cr3t" not in found["detail"]
    assert code == 1
