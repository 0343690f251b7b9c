"""pypi: setup.py, read with ast and never run; judged around the code the reader cannot see into."""

from __future__ import annotations

import time

import pytest

from ownership_gate.classifiers.dependency import read
from ownership_gate.classifiers.dependency.classifier import ecosystem_for
from ownership_gate.classifiers.dependency.ecosystems import pypi
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from tests.conftest import Repo, findings, levels_by_path, run_json

# pretalx's src/setup.py, shortened: literal lists, an extras dict, a main guard.
PRETALX = """\
import os
from codecs import open
from os import path

from setuptools import find_packages, setup

here = path.abspath(path.dirname(__file__))

with open(path.join(here, '../README.rst'), encoding='utf-8') as f:
    long_description = f.read()

setup(
    name='pretalx',
    version='1.0.0',
    long_description=long_description,
    install_requires=[
        'bleach>=3.1.0,<3.2.0',
        'celery==4.4.*',
        'Django>=2.1.5,<2.2.0',
        'publicsuffix==0.6.*'
        'pytz',
        'requests',
        "pywin32; sys_platform == 'win32'",
    ],
    setup_requires=['setuptools_scm'],
    tests_require=('pytest>=5.0',),
    extras_require={
        'dev': ['black', 'isort'],
        'postgres': ['psycopg2-binary'],
        ':python_version<"3.8"': ['importlib-metadata'],
    },
    packages=find_packages(exclude=['tests', 'tests.*']),
    include_package_data=True,
)
"""


def _rows(text: str) -> list[tuple[str, str, int | None, str]]:
    return [(r.name, r.constraint, r.line, r.scope) for r in pypi.parse(text, "src/setup.py")]


def test_literal_lists_and_extras_with_setup_cfg_scopes() -> None:
    text = PRETALX.replace("'publicsuffix==0.6.*'\n        'pytz',", "'publicsuffix==0.6.*',")
    assert _rows(text) == [
        ("bleach", ">=3.1.0,<3.2.0", 17, "runtime"),
        ("celery", "==4.4.*", 18, "runtime"),
        ("django", ">=2.1.5,<2.2.0", 19, "runtime"),
        ("publicsuffix", "==0.6.*", 20, "runtime"),
        ("requests", "", 21, "runtime"),
        ("pywin32", "", 22, "runtime"),  # a condition is no constraint, as in requirements files
        ("setuptools-scm", "", 24, "build"),
        ("pytest", ">=5.0", 25, "test"),
        ("black", "", 27, "dev"),  # named for development, as setup.cfg's extras are
        ("isort", "", 27, "dev"),
        ("psycopg2-binary", "", 28, "optional"),
        ("importlib-metadata", "", 29, "runtime"),  # no extra, only a condition
    ]


def test_a_stray_comma_after_setup_still_calls_it() -> None:
    # `setup(...),` is a tuple of one: the call runs all the same, and its keywords are read.
    text = "from setuptools import setup\n\nsetup(\n    name='socorro',\n    install_requires=['django>=1.4'],\n" \
           "    data_files=[('socorro', glob.glob('sql/*.sql'))],\n),\n"
    assert _rows(text) == [("django", ">=1.4", 5, "runtime")]
    assert pypi.readable(text, "setup.py")[1] == ()


def test_implicitly_joined_strings_are_one_requirement() -> None:
    # pretalx shipped this for a while: the missing comma joins two requirements into an invalid one.
    with pytest.raises(ManifestError) as caught:
        pypi.parse(PRETALX, "src/setup.py")
    assert caught.value.line == 20 and "publicsuffix==0.6.*pytz" in str(caught.value)


# saleor's setup.py: a named constant, and setup() under a main guard.
SALEOR = """\
#! /usr/bin/env python
import setuptools
from saleor import version

REQUIREMENTS = [
    'Django>=1.8',
    'django-prices>=0.4.0',
]
TESTS = REQUIREMENTS + ['mock', "pytest-django"]
EXTRAS = {'PostgreSQL': ['psycopg2']}

if __name__ == '__main__':
    setuptools.setup(name='saleor', version=version,
                     install_requires=REQUIREMENTS, tests_require=TESTS, extras_require=EXTRAS)
"""


def test_a_named_constant_and_setuptools_setup_under_a_main_guard() -> None:
    assert _rows(SALEOR) == [
        ("django", ">=1.8", 6, "runtime"), ("django-prices", ">=0.4.0", 7, "runtime"),
        ("django", ">=1.8", 6, "test"), ("django-prices", ">=0.4.0", 7, "test"),
        ("mock", "", 9, "test"), ("pytest-django", "", 9, "test"),
        ("psycopg2", "", 10, "optional"),
    ]
    text = SALEOR.replace("import setuptools\n", "from distutils import core\n").replace("setuptools.", "core.")
    assert len(_rows(text)) == 7


@pytest.mark.parametrize(("change", "line"), [
    ("TESTS = REQUIREMENTS + ['mock', \"pytest-django\"]", 9),  # nothing changed: read
    ("REQUIREMENTS.append('celery')\nTESTS = REQUIREMENTS", 14),  # changed where the reader does not look
    ("REQUIREMENTS = REQUIREMENTS + ['celery']\nTESTS = REQUIREMENTS", 14),  # assigned twice
    ("TESTS = [r for r in REQUIREMENTS]", 14),  # a comprehension
    ("TESTS = REQUIREMENTS + ['mock', \"pytest-django\"]\nEXTRAS['all'] = ['psycopg2']", 14),
])
def test_a_name_is_read_only_when_nothing_can_change_it(change: str, line: int) -> None:
    text = SALEOR.replace("TESTS = REQUIREMENTS + ['mock', \"pytest-django\"]", change)
    if line == 9:
        assert len(_rows(text)) == 7
        return
    with pytest.raises(ManifestError) as caught:
        pypi.parse(text, "setup.py")
    assert caught.value.line == line + change.count("\n")
    assert "is computed" in str(caught.value)


def test_a_file_named_setup_py_that_calls_no_setup_declares_nothing() -> None:
    # redash's redash/handlers/setup.py is a Flask view that happens to define its own setup().
    handler = "from flask import render_template\n\ndef setup():\n    return render_template('setup.html')\n"
    assert pypi.parse(handler, "redash/handlers/setup.py") == []
    assert pypi.readable(handler, "redash/handlers/setup.py") == ([], ())


@pytest.mark.parametrize("text", [
    # setup() called from a function: its keywords are the function's business.
    "from setuptools import setup\n\ndef main():\n    setup(install_requires=['x'])\n\nmain()\n",
    # keywords built outside the call
    "from setuptools import setup\nkw = dict(install_requires=['x'])\nsetup(name='a', **kw)\n",
    # setup() under a condition
    "import sys\nfrom setuptools import setup\nif sys.version_info < (3,):\n    setup(install_requires=['x'])\n",
])
def test_code_that_may_declare_requirements_out_of_sight_is_unparsed(text: str) -> None:
    with pytest.raises(ManifestError):
        pypi.parse(text, "setup.py")


def test_claimed_anywhere_but_tests_and_vendored_copies() -> None:
    for path in ("setup.py", "src/setup.py", "redash/handlers/setup.py", "Setup.py"):
        found = ecosystem_for(path, {})
        assert found is not None and (found[0].NAME, found[1]) == ("pypi", False), path
    for path in ("tests/extensions/redash-dummy/setup.py", "examples/plugin/setup.py",
                 "vendored/pyxb/setup.py", "third_party/x/setup.py", "setup.pyc", "mysetup.py"):
        assert ecosystem_for(path, {}) is None, path


STARTUP = ("--policy", "builtin:startup")


def test_the_startup_policy_asks_the_cto_for_a_django_feature_release_in_setup_py(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PRETALX.replace("'publicsuffix==0.6.*'\n        'pytz',", "'publicsuffix==0.6.*',")
    base = repo.commit({"src/setup.py": text})
    repo.commit({"src/setup.py": text.replace("'Django>=2.1.5,<2.2.0'", "'Django>=2.2.0,<2.3.0'")})
    code, document = run_json(capsys, "--base", base, *STARTUP)
    (finding,) = findings(document, "dependency")
    assert (finding["kind"], finding["subject"], finding["from"], finding["to"], finding["line"]) == (
        "major", "django", ">=2.1.5,<2.2.0", ">=2.2.0,<2.3.0", 19)
    assert (finding["rule"], finding["level"], finding["scope"]) == ("runtime-major", "cto", "runtime")
    assert levels_by_path(document) == {"src/setup.py": "cto"} and code == 1
    base = repo.commit({"src/setup.py": text.replace("'requests',", "'requests>=2.31.0',")})
    repo.commit({"src/setup.py": text.replace("'requests',", "'requests>=2.31.1',")})
    code, document = run_json(capsys, "--base", base, *STARTUP)
    assert [(f["kind"], f["subject"]) for f in findings(document, "dependency")] == [("patch", "requests")]
    assert levels_by_path(document) == {"src/setup.py": "engineer"} and code == 0


# Netflix/dispatch reads its requirements files; Django is in them, boto3 in setup.py itself.
READS_FILES = """\
from setuptools import find_packages, setup


def get_requirements(env):
    with open("requirements-{}.txt".format(env)) as fp:
        return [x.strip() for x in fp.read().split("\\n") if not x.startswith("#")]


install_requires = get_requirements("base")
VERSION = "0.1.0"

setup(
    name="dispatch",
    version=VERSION,
    install_requires=install_requires,
    extras_require={"dev": get_requirements("dev"), "aws": ["boto3>=1.26.0"]},
    packages=find_packages("src"),
)
"""

STRICT_POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
default_level: engineer
rules:
  - id: dependencies
    level: cto
    when: {type: dependency, kind: [added, removed, major, minor, unparsed]}
    reason: Vendors and upgrades.
"""


def _setup_py_findings(capsys: pytest.CaptureFixture[str], base: str) -> tuple[int, list[tuple[str, str]]]:
    code, document = run_json(capsys, "--base", base)
    change = next(c for c in document["changes"] if c["path"] == "setup.py")
    return code, [(f["kind"], f["subject"]) for f in change["findings"]]


def test_code_that_reads_a_file_is_judged_around_when_it_did_not_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": STRICT_POLICY, "setup.py": READS_FILES,
                        "requirements-base.txt": "Django==4.2.7\n", "requirements-dev.txt": "pytest\n"})
    # The version and a literal extra changed; the code that reads the requirements files did not.
    bumped = READS_FILES.replace('"0.1.0"', '"0.2.0"').replace(">=1.26.0", ">=1.28.0")
    head = repo.commit({"setup.py": bumped})
    assert _setup_py_findings(capsys, base) == (1, [("minor", "boto3")])
    # A change of the code that reads them: what it declares now is out of sight.
    repo.commit({"setup.py": bumped.replace('x.startswith("#")', 'x.startswith(("#", "-"))')})
    assert _setup_py_findings(capsys, head) == (1, [("unparsed", "setup.py")])
    # A requirements file it reads changes with it: that file is judged on its own.
    head = repo.commit({"setup.py": bumped})
    repo.commit({"setup.py": bumped.replace(">=1.28.0", ">=1.28.1"), "requirements-base.txt": "Django==5.0\n"})
    code, document = run_json(capsys, "--base", head)
    assert sorted((c["path"], f["kind"], f["subject"]) for c in document["changes"] for f in c["findings"]) == [
        ("requirements-base.txt", "major", "django"), ("setup.py", "patch", "boto3")]
    assert levels_by_path(document) == {"requirements-base.txt": "cto", "setup.py": "engineer"} and code == 1


OPENS = """\
from setuptools import setup

setup(
    name="acme",
    install_requires=open("{}").read().splitlines(),
    extras_require={{"aws": ["boto3>=1.26.0"]}},
)
"""


@pytest.mark.parametrize(("read", "judged"), [("requirements.txt", True), ("deps.list", False)])
def test_a_file_the_unread_code_names_may_change_with_it_only_if_it_is_judged_on_its_own(
    repo: Repo, capsys: pytest.CaptureFixture[str], read: str, judged: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": STRICT_POLICY, "setup.py": OPENS.format(read), read: "Django==4.2.7\n"})
    repo.commit({"setup.py": OPENS.format(read).replace(">=1.26.0", ">=1.26.1"), read: "Django==5.0\n"})
    expected = [("patch", "boto3")] if judged else [("unparsed", "setup.py")]
    assert _setup_py_findings(capsys, base) == (1, expected)  # requirements.txt's own major, or unparsed


def test_unchanged_code_that_loads_another_changed_file_stays_unparsed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ("from setuptools import setup\nfrom build_helpers import requirements\n\n"
            "setup(name='a', version='1', install_requires=requirements('base'), extras_require={'s3': ['boto3']})\n")
    base = repo.commit({".ownership-gate.yaml": STRICT_POLICY, "setup.py": text,
                        "build_helpers.py": "def requirements(env):\n    return []\n"})
    repo.commit({"setup.py": text.replace("version='1'", "version='2'").replace("'boto3'", "'boto3>=1.28'"),
                 "build_helpers.py": "def requirements(env):\n    return ['stripe']\n"})
    assert _setup_py_findings(capsys, base) == (1, [("unparsed", "setup.py")])


def test_setup_with_a_config_dict_is_unparsed_only_when_the_dict_changes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ("from setuptools import setup\n\nVERSION = '1.0'\n"
            "config = {'name': 'acme', 'install_requires': ['requests>=2.31']}\n\n"
            "if __name__ == '__main__':\n    setup(version=VERSION, **config)\n")
    base = repo.commit({".ownership-gate.yaml": STRICT_POLICY, "setup.py": text})
    head = repo.commit({"setup.py": text.replace("'1.0'", "'1.1'")})
    assert _setup_py_findings(capsys, base) == (0, [])
    repo.commit({"setup.py": text.replace(">=2.31", ">=2.32")})
    assert _setup_py_findings(capsys, head) == (1, [("unparsed", "setup.py")])


def test_a_setup_py_that_no_longer_parses_is_unparsed_with_its_line(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": STRICT_POLICY, "setup.py": SALEOR})
    repo.commit({"setup.py": SALEOR.replace("install_requires=REQUIREMENTS,", "install_requires=REQUIREMENTS")})
    code, document = run_json(capsys, "--base", base)
    (finding,) = findings(document, "dependency")
    assert (finding["kind"], finding["line"]) == ("unparsed", 14) and code == 1
    assert finding["detail"] == "manifest no longer parses: invalid Python: invalid syntax. Perhaps you forgot a comma?"


@pytest.mark.parametrize(("text", "message"), [
    # Each list twice the last: read naively, 2**60 requirements.
    ("from setuptools import setup\nA0 = ['x']\n" + "".join(f"A{i + 1} = A{i} + A{i}\n" for i in range(60))
     + "setup(install_requires=A60)\n", "more than 10000 entries"),
    # Each list holds the last twice: asking whether a name can change must not ask 2**60 times.
    ("from setuptools import setup\nA0 = ['x']\n" + "".join(f"A{i + 1} = [A{i}, A{i}]\n" for i in range(60))
     + "setup(install_requires=A0 + ['y'])\nprint(A60)\n", None),
    ("from setuptools import setup\nsetup(install_requires=" + "[" * 5000 + "]" * 5000 + ")\n", "nested"),
    ("from setuptools import setup\nsetup(install_requires=['a'] " + "+ ['a'] " * 20000 + ")\n", "nested"),
])
def test_hostile_setup_py_is_a_quick_manifest_error(text: str, message: str | None) -> None:
    started = time.monotonic()
    with pytest.raises(ManifestError) as caught:
        read.requirements(text.encode(), "setup.py", pypi)
    assert message is None or message in str(caught.value)
    assert time.monotonic() - started < 5
