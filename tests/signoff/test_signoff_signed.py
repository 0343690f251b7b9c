"""Signed sign-off: git's verify-commit against allowed_signers from the base revision."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Repo, run_json
from tests.signoff_support import CTO, SIGNED_POLICY, TF, Key, commit_as, signed_commit, ssh_key, trailer_message

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Key]:
    directory = tmp_path_factory.mktemp("keys")
    return {name: ssh_key(directory, name) for name in ("cto", "eng", "other")}


def _pull_request(repo: Repo, allowed: str | None) -> str:
    files: dict[str, str] = {".ownership-gate.yaml": SIGNED_POLICY, "README.md": "hi\n"}
    if allowed is not None:
        files[".github/allowed_signers"] = allowed
    base = repo.commit(files, "Policy and signers")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"terraform/main.tf": TF}, "Add the queue")
    return base


def _check(capsys: pytest.CaptureFixture[str], base: str) -> tuple[int, dict[str, object]]:
    return run_json(capsys, "--base", base, "--policy-from-base")


def test_a_commit_signed_by_the_cto_signs_off(
    repo: Repo, capsys: pytest.CaptureFixture[str], keys: dict[str, Key]
) -> None:
    base = _pull_request(repo, keys["cto"].allowed(CTO))
    sha = signed_commit(repo, {}, trailer_message("CTO sign-off", f"Cee <{CTO}>"), keys["cto"])
    code, doc = _check(capsys, base)
    assert code == 0
    assert doc["signoff"] == {
        "satisfied": True,
        "evidence": [{"level": "cto", "source": "trailer", "by": CTO, "commit": sha,
                      "verified": True, "verified_by": "git", "stale": False}],
        "notes": [],  # a signed sign-off needs no warning
    }


def test_the_signed_commit_may_also_carry_the_work(
    repo: Repo, capsys: pytest.CaptureFixture[str], keys: dict[str, Key]
) -> None:
    base = repo.commit({".ownership-gate.yaml": SIGNED_POLICY,
                        ".github/allowed_signers": keys["cto"].allowed(CTO)}, "Policy")
    signed_commit(repo, {"terraform/main.tf": TF}, trailer_message("Queue", CTO), keys["cto"])
    code, _ = _check(capsys, base)
    assert code == 0


@pytest.mark.parametrize(
    ("signer", "principal", "reason"),
    [
        (None, CTO, "the commit is not signed"),
        ("eng", CTO, "which is not in the trusted allowed signers"),
        ("eng", "eng@acme.example", f"signed by eng@acme.example, who is not {CTO}"),
    ],
)
def test_a_trailer_on_an_unsigned_or_wrongly_signed_commit_does_not_count(
    repo: Repo, capsys: pytest.CaptureFixture[str], keys: dict[str, Key],
    signer: str | None, principal: str, reason: str,
) -> None:
    # The base trusts the CTO's key for the CTO and (in the last case) the
    # engineer's key for the engineer; the trailer names the CTO every time.
    allowed = keys["cto"].allowed(CTO) + keys["eng"].allowed("eng@acme.example")
    base = _pull_request(repo, allowed if principal != CTO else keys["cto"].allowed(CTO))
    key = keys[signer] if signer else None
    sha = signed_commit(repo, {}, trailer_message("sign-off", f"Cee <{CTO}>"), key)
    code, doc = _check(capsys, base)
    assert code == 1
    assert doc["signoff"]["evidence"] == []
    from ownership_gate.cli import main

    main(["check", "--base", base, "--policy-from-base"])
    out = capsys.readouterr().out
    assert f"on {sha[:12]} does not count for cto: " in out
    assert reason in out


def test_an_allowed_signers_file_edited_in_the_pull_request_is_not_trusted(
    repo: Repo, capsys: pytest.CaptureFixture[str], keys: dict[str, Key]
) -> None:
    base = _pull_request(repo, keys["cto"].allowed(CTO))
    # The engineer lists their own key as the CTO's and signs with it.
    repo.commit({".github/allowed_signers": keys["cto"].allowed(CTO) + keys["eng"].allowed(CTO)},
                "Rotate keys")
    signed_commit(repo, {}, trailer_message("sign-off", CTO), keys["eng"])
    code, doc = _check(capsys, base)
    assert code == 1
    assert doc["signoff"]["satisfied"] is False
    # The same commit verifies against the edited file: only the base copy stands between.
    edited = repo.root / ".github" / "allowed_signers"
    status = repo.git("-c", f"gpg.ssh.allowedSignersFile={edited}", "log", "-1", "--format=%G?")
    assert status == "G"


def test_without_allowed_signers_at_the_base_nothing_verifies(
    repo: Repo, capsys: pytest.CaptureFixture[str], keys: dict[str, Key]
) -> None:
    from ownership_gate.cli import main

    base = _pull_request(repo, None)
    repo.commit({".github/allowed_signers": keys["cto"].allowed(CTO)}, "Add signers")
    signed_commit(repo, {}, trailer_message("sign-off", CTO), keys["cto"])
    assert main(["check", "--base", base, "--policy-from-base"]) == 1
    out = capsys.readouterr().out
    assert f"allowed_signers .github/allowed_signers does not exist at the base revision {base[:12]}" in out


def test_a_wildcard_principal_is_not_a_listed_signer(
    repo: Repo, capsys: pytest.CaptureFixture[str], keys: dict[str, Key]
) -> None:
    base = _pull_request(repo, keys["cto"].allowed("*@acme.example"))
    signed_commit(repo, {}, trailer_message("sign-off", CTO), keys["cto"])
    code, _ = _check(capsys, base)
    assert code == 1


# -- GPG: git checks it with the keyring of the machine running the gate -------

@pytest.fixture
def gnupg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    if shutil.which("gpg") is None:
        pytest.skip("needs gpg")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    yield home
    subprocess.run(("gpgconf", "--kill", "gpg-agent"), check=False, capture_output=True)


def _gpg_key(uid: str) -> str:
    subprocess.run(("gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key", uid,
                    "ed25519", "sign", "never"), check=True, capture_output=True)
    out = subprocess.run(("gpg", "--list-keys", "--with-colons", uid), check=True,
                         capture_output=True, text=True).stdout
    return next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr"))


def _gpg_commit(repo: Repo, fingerprint: str, message: str) -> str:
    return commit_as(repo, message, CTO, args=("-c", f"user.signingkey={fingerprint}", "-c", "commit.gpgSign=true"))


def test_a_gpg_signature_from_a_trusted_key_counts(
    repo: Repo, capsys: pytest.CaptureFixture[str], gnupg: Path, keys: dict[str, Key]
) -> None:
    base = _pull_request(repo, keys["cto"].allowed(CTO))
    _gpg_commit(repo, _gpg_key(f"Cee Tee <{CTO}>"), trailer_message("sign-off", CTO))
    code, doc = _check(capsys, base)
    assert code == 0
    assert doc["signoff"]["evidence"][0]["by"] == CTO


def test_a_gpg_key_the_keyring_does_not_trust_does_not_count(
    repo: Repo, capsys: pytest.CaptureFixture[str], gnupg: Path, keys: dict[str, Key],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = _pull_request(repo, keys["cto"].allowed(CTO))
    # Someone makes a key that claims the CTO's address; the runner's keyring
    # has it (imported) but nobody vouched for it.
    forger = gnupg.parent / "forger"
    forger.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(forger))
    fingerprint = _gpg_key(f"Cee Tee <{CTO}>")
    public = subprocess.run(("gpg", "--export", "--armor", fingerprint), check=True, capture_output=True).stdout
    _gpg_commit(repo, fingerprint, trailer_message("sign-off", CTO))
    subprocess.run(("gpgconf", "--kill", "gpg-agent"), check=False, capture_output=True)
    monkeypatch.setenv("GNUPGHOME", str(gnupg))
    subprocess.run(("gpg", "--batch", "--quiet", "--import"), input=public, check=True, capture_output=True)
    code, doc = _check(capsys, base)
    assert code == 1
    assert doc["signoff"]["evidence"] == []
