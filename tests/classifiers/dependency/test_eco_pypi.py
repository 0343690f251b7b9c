"""pypi: requirements files, pyproject.toml, Pipfile, setup.cfg, compiled requirements, lockfiles."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership_gate.classifiers.dependency.classifier import compare
from ownership_gate.classifiers.dependency.ecosystems import pypi
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.classifiers.dependency.test_dependency_core import FIXTURES, diff, kinds, rows, run_scenario, tree
from tests.conftest import Repo, run_json


def test_requirements_txt_every_kind(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_scenario(repo, capsys, "pypi", "requirements")
    assert rows(doc) == [
        ("requirements.txt", "removed", "celery", "[redis]==5.2.7", None, None),
        ("requirements.txt", "major", "django", "==3.2.19", "==4.2.7", 5),
        ("requirements.txt", "changed", "numpy", ">=1.21", "==1.21.0", 8),
        ("requirements.txt", "minor", "requests", ">=2.28.0,<3", ">=2.31.0,<3", 6),
        ("requirements.txt", "added", "stripe", None, ">=7.0", 12),
        ("requirements.txt", "patch", "urllib3", "==1.26.15", "==1.26.18", 7),
    ]
    [change] = doc["changes"]
    assert change["level"] == "cto" and code == 1
    levels = {f["subject"]: f["level"] for f in change["findings"]}
    # stripe is a vendor, django a major of what production runs; dropping celery is the engineer's.
    assert levels == {"celery": None, "django": "cto", "stripe": "cto",
                      "numpy": None, "requests": None, "urllib3": None}


def test_shuffled_and_respelled_requirements_pass_end_to_end(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tree("pypi", "requirements", "before")["requirements.txt"]
    assert isinstance(text, str)
    base = repo.commit({"requirements.txt": text})
    logical = text.replace("\\\n", "").splitlines()
    respelled = [line.replace("Django", "django").replace(">=2.28.0,<3", "<3, >= 2.28.0")
                 for line in reversed(logical)]
    repo.commit({"requirements.txt": "\n\n".join(respelled) + "\n"})
    code, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [] and code == 0


def test_requirements_parse_tolerates_options_hashes_markers_and_includes() -> None:
    text = (FIXTURES / "pypi/requirements/before/requirements.txt").read_text()
    parsed = {r.name: (r.constraint, r.line, r.indirect) for r in pypi.parse(text, "requirements.txt")}
    assert parsed == {
        "-r requirements/base.txt": ("", 3, False),
        "django": ("==3.2.19", 5, False),
        "requests": (">=2.28.0,<3", 6, False),
        "urllib3": ("==1.26.15", 7, False),
        "celery": ("[redis]==5.2.7", 8, False),
        "numpy": (">=1.21", 9, False),
        "gunicorn": ("==20.1.0", 10, False),
        "importlib-metadata": ("==6.0.0", 12, False),
    }


def test_includes_urls_and_local_code() -> None:
    text = "\n".join([
        "-rbase.txt",
        "--constraint constraints.txt",
        "-e ./libs/shared",
        "-e git+https://deploy:s3cret@github.com/acme/sdk.git@v2.1.0#egg=acme-sdk",
        "https://files.example/wheels/Pillow-10.1.0-cp311-cp311-manylinux_2_28_x86_64.whl",
        "./vendor/foo_bar-1.0.tar.gz",
        "acme-client @ git+https://github.com/acme/client.git@v1.4",
        "--extra-index-url https://pkgs.example/simple",
        "--prefer-binary",
    ])
    parsed = {r.name: (r.constraint, r.indirect) for r in pypi.parse(text, "requirements.in")}
    assert parsed == {
        "-r base.txt": ("", False),
        "-c constraints.txt": ("", True),
        "acme-sdk": ("@ git+https://github.com/acme/sdk.git@v2.1.0", False),
        "pillow": ("@ https://files.example/wheels/Pillow-10.1.0-cp311-cp311-manylinux_2_28_x86_64.whl",
                   False),
        "foo-bar": ("@ ./vendor/foo_bar-1.0.tar.gz", False),
        "acme-client": ("@ git+https://github.com/acme/client.git@v1.4", False),
    }


def test_new_include_is_added_and_a_git_tag_bump_is_a_version_step() -> None:
    found = diff("pypi", "requirements.txt",
                 "acme-client @ git+https://github.com/acme/client.git@v1.4\n",
                 "-r extra.txt\nacme-client @ git+https://github.com/acme/client.git@v1.5\n")
    assert kinds(found) == {"-r extra.txt": "added", "acme-client": "minor"}
    # A branch or a commit names no release: what it installs changed, by how much is not known.
    for ref in ("main", "4d190b02b8d8"):
        found = diff("pypi", "requirements.txt", "acme-client @ git+https://github.com/acme/client.git@v1.4\n",
                     f"acme-client @ git+https://github.com/acme/client.git@{ref}\n")
        assert kinds(found) == {"acme-client": "changed"}


def test_a_repository_tag_moved_across_a_major_is_major(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    line = "-e git+https://github.com/acme/signature-auth.git@{}#egg=sigauth\nboto3==1.4.0\n"
    base = repo.commit({"requirements.txt": line.format("v0.2.0")})
    repo.commit({"requirements.txt": line.format("v1.0.0")})
    code, doc = run_json(capsys, "--base", base)
    [finding] = [f for c in doc["changes"] for f in c["findings"] if f["type"] == "dependency"]
    assert (finding["kind"], finding["subject"], finding["level"]) == ("major", "sigauth", "cto")
    assert code == 1


def test_poetry_to_pep621_changes_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_scenario(repo, capsys, "pypi", "poetry-to-pep621")
    assert rows(doc) == []
    assert code == 0 and doc["required_level"] == "engineer"


def test_poetry_constraints_read_as_poetry_documents_them() -> None:
    before = tree("pypi", "poetry-to-pep621", "before")["pyproject.toml"]
    assert isinstance(before, str)
    parsed = {r.name: (r.constraint, r.line) for r in pypi.parse(before, "pyproject.toml")}
    assert parsed == {
        "fastapi": ("^0.110.0", 9),
        "sqlalchemy": ("[asyncio]~2.0.25", 10),
        "httpx": (">=0.26,<0.28", 11),
        "pydantic-settings": ("2.1.0", 12),
        "pytest": ("^8.0", 15),
        "ruff": ("", 16),
        "poetry-core": (">=1.0.0", 19),
    }
    assert pypi.canonical("^0.110.0") == pypi.canonical(">=0.110.0,<0.111")
    assert pypi.canonical("^0.0.3") == pypi.canonical(">=0.0.3,<0.0.4")
    assert pypi.canonical("~1") == pypi.canonical(">=1,<2")
    assert pypi.canonical("2.1.0") == pypi.canonical("==2.1.0")
    assert pypi.canonical("~=1.4.0") != pypi.canonical("~=1.4")
    # saleor/saleor 4fa88ef "Replace poetry with uv": `^1.28` became `~=1.28`, the same range.
    assert pypi.canonical("^1.28") == pypi.canonical("~=1.28") == pypi.canonical(">=1.28,<2.0")
    assert pypi.canonical("~=1.4.2") == pypi.canonical(">=1.4.2,<1.5")
    assert pypi.canonical("==1.4.*") == pypi.canonical(">=1.4,<1.5") == pypi.canonical("1.4.*")
    assert pypi.canonical("[bcrypt]^5.2") == pypi.canonical("[bcrypt]~=5.2")
    assert pypi.canonical("^0.53b1") != pypi.canonical("~=0.53b1")
    assert pypi.lowest("^1.7.4") == (1, 7, 4)
    assert pypi.lowest(">=1.2,<2") == (1, 2)
    assert pypi.lowest("[socks]>1.2") == (1, 3)
    assert pypi.lowest("<2") is None
    assert pypi.lowest("@ git+https://x/y") is None


def test_poetry_bumps(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    head = '[tool.poetry]\nname = "svc"\nversion = "{v}"\n\n[tool.poetry.dependencies]\npython = "{py}"\n'
    base = repo.commit({"pyproject.toml": head.format(v="1.0.0", py="^3.10")
                        + 'pydantic = "^1.10.13"\nuvicorn = {version = "^0.23.2", extras = ["standard"]}\n'
                        '\n[tool.poetry.group.test.dependencies]\npytest-asyncio = "^0.21.1"\n'})
    repo.commit({"pyproject.toml": head.format(v="1.1.0", py="^3.11")
                 + 'pydantic = "^2.5.2"\nuvicorn = {version = "^0.24.0", extras = ["standard"]}\n'
                 '\n[tool.poetry.group.test.dependencies]\npytest-asyncio = "^0.21.2"\n'})
    _, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [
        ("pyproject.toml", "major", "pydantic", "^1.10.13", "^2.5.2", 7),
        ("pyproject.toml", "patch", "pytest-asyncio", "^0.21.1", "^0.21.2", 11),
        ("pyproject.toml", "minor", "uvicorn", "[standard]^0.23.2", "[standard]^0.24.0", 8),
    ]


def test_pyproject_pep621_groups_build_and_uv(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_scenario(repo, capsys, "pypi", "pyproject")
    assert rows(doc) == [
        ("pyproject.toml", "patch", "boto3", ">=1.28.0", ">=1.28.57", 11),
        ("pyproject.toml", "patch", "coverage", "[toml]>=7.3.0", "[toml]>=7.3.2", 23),
        ("pyproject.toml", "major", "flask", ">=2.3", ">=3.0", 10),
        ("pyproject.toml", "removed", "mypy", ">=1.5", None, None),
        ("pyproject.toml", "added", "openai", None, ">=1.3", 15),
        ("pyproject.toml", "changed", "psycopg", "[binary]>=3.1.0", "[binary,pool]>=3.1.0", 19),
        ("pyproject.toml", "major", "redis", ">=4.6,<5", ">=4.6,<6", 13),  # now admits 5
        ("pyproject.toml", "major", "setuptools", ">=61", ">=68", 2),  # setuptools' majors
    ]


def test_pipfile(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_scenario(repo, capsys, "pypi", "pipfile")
    assert rows(doc) == [
        ("Pipfile", "patch", "black", "==23.1.0", "==23.1.1", 15),
        ("Pipfile", "major", "django", "==4.1.13", "==4.2.7", 8),  # a Django feature release
        ("Pipfile", "major", "pytest", ">=7.0", ">=8.0", 14),
        ("Pipfile", "added", "twilio", None, "~=8.10", 11),
    ]


def test_setup_cfg(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_scenario(repo, capsys, "pypi", "setup-cfg")
    assert rows(doc) == [
        ("setup.cfg", "minor", "click", ">=8.0", ">=8.1.7", 9),
        ("setup.cfg", "added", "kafka-python", None, ">=2.0", 13),
        ("setup.cfg", "major", "pytest", ">=7", ">=8", 17),
        ("setup.cfg", "removed", "pytest-cov", None, None, None),
        ("setup.cfg", "major", "pyyaml", ">=5.4,<7", ">=6.0,<7", 10),
    ]


def test_compiled_requirements_pin_transitive_dependencies_as_lockfile(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = run_scenario(repo, capsys, "pypi", "compiled")
    assert rows(doc) == [
        ("requirements.txt", "patch", "django", "==4.2.6", "==4.2.7", 9),
        ("requirements.txt", "lockfile", "sqlparse", "==0.4.4", "==0.5.0", 11),
        ("requirements.txt", "lockfile", "typing-extensions", None, "==4.8.0", 13),
    ]
    assert code == 0


def test_fully_hashed_requirements_are_a_lock() -> None:
    before = "django==4.2.6 --hash=sha256:aa\nsqlparse==0.4.4 --hash=sha256:bb\n"
    after = "django==4.2.6 --hash=sha256:aa\nsqlparse==0.4.4 --hash=sha256:bb\nasgiref==3.7.2 --hash=sha256:cc\n"
    assert kinds(diff("pypi", "requirements.lock.txt", before, after)) == {"asgiref": "lockfile"}


@pytest.mark.parametrize("lockfile", ["poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock"])
def test_lockfiles(repo: Repo, capsys: pytest.CaptureFixture[str], lockfile: str) -> None:
    manifest = "Pipfile" if lockfile == "Pipfile.lock" else "pyproject.toml"
    body = '[packages]\nrequests = "*"\n' if manifest == "Pipfile" else \
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["requests"]\n'
    def locked(revision: str) -> str:  # an empty lockfile of the format, told apart by a hash or a comment
        if lockfile == "Pipfile.lock":
            return json.dumps({"_meta": {"hash": {"sha256": revision}}, "default": {}, "develop": {}})
        return f"# {revision}\n"

    base = repo.commit({manifest: body, lockfile: locked("v1")})
    repo.commit({lockfile: locked("v2")})
    _, doc = run_json(capsys, "--base", base)
    assert rows(doc) == [(lockfile, "lockfile", lockfile, None, None, None)]
    repo.commit({lockfile: locked("v3"), manifest: body.replace("requests", "httpx")})
    _, doc = run_json(capsys, "--base", "HEAD~1")
    assert [r[1:3] for r in rows(doc)] == [("added", "httpx"), ("removed", "requests")]


def test_project_name_and_interpreter_are_no_dependencies() -> None:
    before = '[project]\nname = "Acme_App"\nversion = "1.0"\nrequires-python = ">=3.10"\n' \
             'optional-dependencies = {all = ["acme-app[pg]"]}\n'
    after = before.replace('"1.0"', '"2.0"').replace('">=3.10"', '">=3.12"')
    assert diff("pypi", "pyproject.toml", before, after) == []
    assert pypi.parse(before, "pyproject.toml") == []


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("requirements.txt", "django\nflask>=>2\n", 2),
        # freedomofpress/securedrop's requirements-ansible.in: legacy syntax modern pip rejects.
        ("requirements-ansible.in", "ansible>2.6<2.7\n", 1),
        ("pyproject.toml", '[project]\ndependencies = "django"\n', None),
        ("pyproject.toml", '[project]\nname = "a"\ndependencies = [\n  "ok",\n  "bad name"\n]\n', 5),
        ("setup.cfg", "[options]\ninstall_requires =\n    click>=>8\n", 3),
        ("setup.cfg", "install_requires = x\n", 1),
        ("Pipfile", '[packages]\nrequests = 3\n', None),
        ("setup.py", "from setuptools import setup\nsetup(\n    install_requires=['flask>=>2'],\n)\n", 3),
        ("setup.py", "from setuptools import setup\nsetup(install_requires=[\n", 2),
        ("setup.py", "from setuptools import setup\nsetup(install_requires=sorted(['a']))\n", 2),
    ],
)
def test_malformed_pypi_manifests_name_the_problem(path: str, text: str, line: int | None) -> None:
    with pytest.raises(ManifestError) as caught:
        pypi.parse(text, path)
    assert caught.value.line == line and str(caught.value)
    assert "\n" not in str(caught.value)


_NAMES = ["django", "requests", "celery", "numpy", "flask", "boto3", "stripe", "pyyaml"]
_SPECS = ["", "==1.2.3", ">=2.0,<3", "~=1.4", "[extra]>=1"]


@settings(max_examples=60, deadline=None)
@given(
    entries=st.lists(st.tuples(st.sampled_from(_NAMES), st.sampled_from(_SPECS)),
                     unique_by=lambda e: e[0], min_size=1),
    seed=st.integers(0, 2**32),
    comments=st.booleans(),
)
def test_shuffling_and_reformatting_requirements_finds_nothing(
    entries: list[tuple[str, str]], seed: int, comments: bool
) -> None:
    def line(name: str, spec: str) -> str:
        extras, _, version = spec.rpartition("]")
        return f"{name}{extras + ']' if extras else ''}{version}"

    before = "\n".join(line(n, s) for n, s in entries) + "\n"
    shuffled = list(entries)
    random.Random(seed).shuffle(shuffled)
    after_lines = []
    for name, spec in shuffled:
        written = line(name.upper().replace("y", "Y"), spec.replace(",", ", "))
        after_lines.append(f"  {written}   # pinned" if comments else written)
        if comments:
            after_lines.append("# a comment line")
    after = "\n\n".join(after_lines) + "\n"
    old, new = pypi.parse(before, "requirements.txt"), pypi.parse(after, "requirements.txt")
    assert compare(old, new, pypi) == []


def test_an_installer_beside_the_applications_packages_is_build_scope(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"requirements.txt": "pip==8.1.2\nvirtualenv==1.11.6\nansible==2.8.15\nrequests==2.25.1\n"})
    repo.commit({"requirements.txt": "pip==9.0.1\nvirtualenv==12.1.0\nansible==2.8.19\nrequests==3.0.0\n"})
    _, doc = run_json(capsys, "--base", base)
    found = sorted((f["subject"], f["kind"], f["scope"], f["level"] or "engineer") for c in doc["changes"]
                   for f in c["findings"] if f["type"] == "dependency")
    assert found == [
        ("ansible", "patch", "runtime", "engineer"),
        ("pip", "major", "build", "engineer"),
        ("requests", "major", "runtime", "cto"),
        ("virtualenv", "major", "build", "engineer"),
    ]
    assert [r.scope for r in pypi.parse("from setuptools import setup\nsetup(install_requires=['pip>=9'])\n",
                                        "setup.py")] == ["build"]
