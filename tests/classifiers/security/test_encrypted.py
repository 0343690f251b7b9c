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


TRAVIS = """\
language: python
python: ["3.11"]
env:
  global:
    - secure: "CxSlFvGjmPyADg/dEXsYHUIiIaPJs9qMhrsZRIuQ1/wPmF621Hk1b770GbLDzLLFR9X="
    - secure: "khwqXk33z11QLOLZ9oY2v1Xyt7JXCcSINCnI2fVKuaMhxOZgIDNFsi/Kn8QPG+rlqRP="
script: make test
"""

APPVEYOR = """\
image: Visual Studio 2022
environment:
  NUGET_API_KEY:
    secure: "3xQ2mR0yZ8/fOHTQ7VnQUgkP3pA1rX5bIY9e0d6w1C4="
build_script: dotnet build
"""


@pytest.mark.parametrize(("before", "after", "how"), [
    (TRAVIS, TRAVIS.replace("CxSl", "HsBN").replace("khwq", "U8oX"), "2 replaced"),
    (TRAVIS, TRAVIS.replace('    - secure: "khwq', '    - FLAG=1\n    - secure: "khwq'), None),
    (TRAVIS, TRAVIS.replace('    - secure: "khwqXk33z11QLOLZ9oY2v1Xyt7JXCcSINCnI2fVKuaMhxOZgIDNFsi/Kn8QPG+rlqRP="\n', ""),
     "1 removed"),
    (TRAVIS, TRAVIS.replace('script: make test', 'script: make test lint\ndeploy:\n  provider: pypi\n'
                            '  password:\n    secure: "Zm9vYmFyYmF6cXV4"'), "1 added"),
    (TRAVIS, TRAVIS.replace('"3.11"', '"3.12"'), None),
])
def test_travis_encrypted_variables_changed_ask_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, how: str | None
) -> None:
    base = repo.commit({".travis.yml": before})
    repo.commit({".travis.yml": after})
    code, doc = run_json(capsys, "--base", base)
    if how is None:  # steps, toolchains and plain variables are the engineer's
        assert kinds_and_subjects(doc, "security") == []
        assert code == 0
        return
    assert kinds_and_subjects(doc, "security") == [("encrypted", ".travis.yml")]
    [found] = findings(doc, "security")
    assert found["detail"].startswith(f"Travis CI encrypted variables ({how}): which secrets CI holds changed")
    assert found["level"] == "cto"
    assert code == 1


def test_appveyor_encrypted_variable_added(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"appveyor.yml": "image: Visual Studio 2022\nbuild_script: dotnet build\n"})
    repo.commit({"appveyor.yml": APPVEYOR})
    code, doc = run_json(capsys, "--base", base)
    assert [f["detail"][:34] for f in findings(doc, "security")] == ["AppVeyor encrypted variables (1 ad"]
    assert code == 1


def test_an_unreadable_travis_config_with_encrypted_variables_fails_closed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".travis.yml": TRAVIS})
    repo.commit({".travis.yml": TRAVIS + "  bad: [unclosed\n"})
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc, "security")
    assert found["kind"] == "encrypted"
    assert "does not read as YAML" in found["detail"]
    assert code == 1


def test_a_git_crypt_encrypted_values_file_says_what_it_is(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """git-crypt writes its header, then ciphertext: the file is encrypted secrets, and the readers that cannot
    read it say why rather than calling it binary."""
    path = "helm_deploy/app/values-prod.yaml"
    sealed = b"\x00GITCRYPT\x00" + bytes(range(256)) * 4
    base = repo.commit({path: sealed})
    repo.commit({path: b"\x00GITCRYPT\x00" + bytes(reversed(range(256))) * 4})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("encrypted", path)]
    assert findings(doc, "security")[0]["detail"].startswith("git-crypt secrets changed")
    unread = [f["detail"] for f in findings(doc, "dependency")]
    assert unread and all("encrypted with git-crypt" in detail for detail in unread)
    assert code == 1
