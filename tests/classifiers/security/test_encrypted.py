"""`encrypted` findings: secrets kept encrypted in the repository, recognised by content, with the built-in policy."""

from __future__ import annotations

import pytest

from tests.conftest import Repo, findings, kinds_and_subjects, run_json

VAULT = """\
$ANSIBLE_VAULT;1.1;AES256
32353137613334356236643034393738336639643437386433353839343533663637383433363435
3232393263653339376561336334346538626263376630640a323538643132656636316436323136
32303232653837316133353530393232323763656438663635326161376331323962306438643737
"""

SOPS = """\
database_password: ENC[AES256_GCM,data:p673w==,iv:YY=,aad:UQ=,tag:A=]
smtp_user: ENC[AES256_GCM,data:tOk=,iv:LP=,aad:Pz=,tag:Bg=]
sops:
    kms: []
    lastmodified: "2026-11-02T10:00:00Z"
    mac: ENC[AES256_GCM,data:M4c=,iv:Qw=,aad:Zz=,tag:Cw=]
    version: 3.9.0
"""

SEALED = """\
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: api-keys
  namespace: production
spec:
  encryptedData:
    STRIPE_KEY: AgBy3i4OJSWK+PiTySYZZA==
"""


def test_an_ansible_vault_rewritten_asks_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "ansible/inventories/production/group_vars/all/vault.yml"
    base = repo.commit({path: VAULT, "ansible/site.yml": "- hosts: all\n  roles: [web]\n"})
    repo.commit({path: VAULT.replace("3235", "6334")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("encrypted", path)]
    [found] = findings(doc, "security")
    assert found["detail"].startswith("Ansible Vault secrets changed")
    assert found["level"] == "cto"
    assert code == 1


@pytest.mark.parametrize(("path", "text", "what"), [
    ("deploy/secrets.yaml", SOPS, "SOPS secrets added"),
    ("k8s/production/api-keys.yaml", SEALED, "SealedSecret secrets added"),
])
def test_encrypted_secrets_added_by_their_content(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, text: str, what: str
) -> None:
    base = repo.commit({"README.md": "app\n"})
    repo.commit({path: text})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("encrypted", path)]
    assert findings(doc, "security")[0]["detail"].startswith(what)
    assert code == 1


def test_a_file_in_the_clear_or_one_moved_unchanged_is_not_encrypted_secrets(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"ansible/group_vars/all/vault.yml": VAULT,
                        "ansible/group_vars/all/main.yml": "app_port: 8080\n"})
    repo.git("mv", "ansible/group_vars/all/vault.yml", "ansible/group_vars/all/secrets.yml")
    repo.commit({"ansible/group_vars/all/main.yml": "app_port: 8081\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
