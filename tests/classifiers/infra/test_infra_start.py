"""How the production image starts: files its Dockerfile runs at start or for its health check, and
its start command, are `infra` findings of kind `platform` (the CTO's, in the built-in policy)."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems.dockerfile import shipping_stage
from ownership_gate.classifiers.infra.image_start import read, runs, start_change
from ownership_gate.classifiers.infra.names import may_start_an_image
from ownership_gate.classifiers.infra.start_files import is_production_dockerfile
from tests.conftest import Repo, findings, levels_by_path, run_json

MULTI_PROCESS = """FROM ubuntu:22.04
ADD scripts/ /scripts
RUN chmod 755 /scripts/*
CMD ["/scripts/init"]
"""
HEALTHCHECKED = """FROM docker.io/library/mariadb:11
COPY ./docker/docker-healthcheck.sh /usr/local/bin/
HEALTHCHECK --interval=30s --timeout=5s CMD /bin/bash /usr/local/bin/docker-healthcheck.sh
"""
BOOTSTRAP = """FROM alpine:3.20
COPY bootstrap /bootstrap
CMD ["/bootstrap"]
"""
ROOT_ENTRYPOINT = """FROM python:3.13-alpine
WORKDIR /opt/recipes
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . ./
RUN chmod +x boot.sh
ENTRYPOINT ["/sbin/tini", "--", "/opt/recipes/boot.sh"]
"""

# Each labelled shape: (the files before, the file changed, its Dockerfile and instruction).
SHAPES = {
    "script-folder": (
        {"docker/Dockerfile": MULTI_PROCESS, "docker/scripts/init": "#!/bin/sh\nexec foreman start\n"},
        "docker/scripts/init",
        'the image docker/Dockerfile builds runs it at start: CMD ["/scripts/init"]',
    ),
    "healthcheck": (
        {"docker/Dockerfile": HEALTHCHECKED, "docker/docker-healthcheck.sh": "#!/bin/bash\nmysqladmin ping\n"},
        "docker/docker-healthcheck.sh",
        "the image docker/Dockerfile builds runs it for its health check: HEALTHCHECK --interval=30s "
        "--timeout=5s CMD /bin/bash /usr/local/bin/docker-healthcheck.sh",
    ),
    "bootstrap": (
        {"docker/Dockerfile.bootstrap": BOOTSTRAP, "docker/bootstrap": "#!/bin/sh\nexec /app/serve\n"},
        "docker/bootstrap",
        'the image docker/Dockerfile.bootstrap builds runs it at start: CMD ["/bootstrap"]',
    ),
    "root-entrypoint": (
        {"Dockerfile": ROOT_ENTRYPOINT, "boot.sh": "#!/bin/sh\ngunicorn app\n", "requirements.txt": "django\n"},
        "boot.sh",
        'the image Dockerfile builds runs it at start: ENTRYPOINT ["/sbin/tini", "--", "/opt/recipes/boot.sh"]',
    ),
}


def _platform(document: dict[str, object]) -> list[tuple[str, str]]:
    return [(f["subject"], f["detail"]) for f in findings(document, "infra") if f["kind"] == "platform"]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_script_the_production_image_starts_with_is_the_ctos(
    repo: Repo, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    files, changed, detail = SHAPES[shape]
    base = repo.commit(dict(files))
    repo.commit({changed: files[changed] + "echo started\n"})
    code, document = run_json(capsys, "--base", base)
    assert _platform(document) == [(changed, detail)]
    assert levels_by_path(document)[changed] == "cto"
    assert code == 1


@pytest.mark.parametrize("status", ["added", "deleted", "renamed"])
def test_a_start_script_added_deleted_or_renamed_counts(
    repo: Repo, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    script = "#!/bin/sh\nexec /app/serve\n"
    if status == "added":  # the Dockerfile starting it comes with it
        base = repo.commit({"README.md": "app\n"})
        repo.commit({"docker/Dockerfile.bootstrap": BOOTSTRAP, "docker/bootstrap": script})
    elif status == "deleted":
        base = repo.commit({"docker/Dockerfile.bootstrap": BOOTSTRAP, "docker/bootstrap": script})
        repo.commit({"docker/bootstrap": None})
    else:
        base = repo.commit({"docker/Dockerfile.bootstrap": BOOTSTRAP, "docker/bootstrap": script})
        repo.git("mv", "docker/bootstrap", "docker/bootstrap.old")
        repo.commit()
    code, document = run_json(capsys, "--base", base)
    assert [subject for subject, _ in _platform(document)] == (
        ["docker/bootstrap.old"] if status == "renamed"
        else ["docker/Dockerfile.bootstrap", "docker/bootstrap"] if status == "added"  # a new image, too
        else ["docker/bootstrap"]
    )
    assert code == 1


def test_the_hook_sees_a_staged_start_script(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"Dockerfile": ROOT_ENTRYPOINT, "boot.sh": "#!/bin/sh\n", "requirements.txt": "django\n"})
    repo.stage({"boot.sh": "#!/bin/sh\nexec gunicorn app\n"})
    code, document = run_json(capsys, "--staged")
    assert [subject for subject, _ in _platform(document)] == ["boot.sh"]
    assert code == 1


def test_a_copy_of_a_start_script_is_not_one(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    script = "#!/bin/sh\n" + "".join(f"echo step {n}\n" for n in range(20))
    base = repo.commit({"docker/Dockerfile": MULTI_PROCESS, "docker/scripts/init": script})
    repo.commit({"docker/scripts/init": script + "exec foreman start\n", "docker/scripts/init.orig": script})
    code, document = run_json(capsys, "--base", base)
    assert ("docker/scripts/init.orig", "copied") in [(c["path"], c["status"]) for c in document["changes"]]
    assert [subject for subject, _ in _platform(document)] == ["docker/scripts/init"]
    assert code == 1


def test_a_script_no_production_image_runs_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({
        "Dockerfile": ROOT_ENTRYPOINT, "boot.sh": "#!/bin/sh\n", "scripts/lint.sh": "#!/bin/sh\nruff .\n",
        "requirements.txt": "django\n",
        # Only a development image runs it.
        "Dockerfile.dev": "FROM python:3.13\nCOPY dev-start.sh /dev-start.sh\nCMD [\"/dev-start.sh\"]\n",
        "dev-start.sh": "#!/bin/sh\n",
    })
    repo.commit({"scripts/lint.sh": "#!/bin/sh\nruff check .\n", "dev-start.sh": "#!/bin/sh\nset -e\n"})
    code, document = run_json(capsys, "--base", base)
    assert findings(document) == []
    assert code == 0


def test_a_sandbox_or_prototype_image_is_not_productions(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # A sandbox that answers an API's callers from its specification, and a prototype: neither ships.
    sandbox = "FROM python:3.11-slim\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n"
    base = repo.commit({"Dockerfile": ROOT_ENTRYPOINT, "boot.sh": "#!/bin/sh\n", "sandbox/Dockerfile": sandbox,
                        "frontend/prototypes/Dockerfile": sandbox})
    repo.commit({"sandbox/Dockerfile": sandbox.replace("python:3.11-slim", "python:3.13-slim").replace(
        '["python", "/app.py"]', '["flask", "run"]'), "frontend/prototypes/Dockerfile": None})
    code, document = run_json(capsys, "--base", base)
    assert _platform(document) == []
    assert [f["level"] for f in findings(document) if f["level"] == "cto"] == [] and code == 0
    # The production image beside them still counts.
    repo.commit({"Dockerfile": ROOT_ENTRYPOINT.replace('"/opt/recipes/boot.sh"]', '"/opt/recipes/boot.sh", "--debug"]')})
    code, document = run_json(capsys, "--base", base)
    assert [subject for subject, _ in _platform(document)] == ["Dockerfile"]
    assert code == 1


def test_a_file_copied_from_another_stage_is_not_the_repositorys(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The build stage writes the /entrypoint.sh the image runs; the repository's is another file.
    dockerfile = (
        "FROM golang:1.23 AS build\nCOPY . /src\nRUN make -C /src entrypoint > /entrypoint.sh\n"
        "FROM alpine:3.20\nCOPY --from=build /entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n"
    )
    base = repo.commit({"Dockerfile": dockerfile, "entrypoint.sh": "#!/bin/sh\n"})
    repo.commit({"entrypoint.sh": "#!/bin/sh\nexec /server\n"})
    code, document = run_json(capsys, "--base", base)
    assert _platform(document) == []
    assert code == 0


def test_a_dockerfile_whose_start_command_changed_is_the_ctos(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"docker/Dockerfile": MULTI_PROCESS})
    repo.commit({"docker/Dockerfile": MULTI_PROCESS.replace('CMD ["/scripts/init"]', "CMD /scripts/init --fast")})
    code, document = run_json(capsys, "--base", base)
    assert _platform(document) == [(
        "docker/Dockerfile",
        'the image it builds starts differently: CMD ["/scripts/init"] -> CMD /scripts/init --fast',
    )]
    assert ("docker", "docker/Dockerfile") in [(f["kind"], f["subject"]) for f in findings(document, "infra")]
    assert code == 1


def test_a_production_dockerfile_added_or_deleted_is_the_ctos(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "app\n"})
    added = repo.commit({"docker/Dockerfile": MULTI_PROCESS, "docker/Dockerfile.dev": MULTI_PROCESS})
    code, document = run_json(capsys, "--base", base)
    assert _platform(document) == [
        ("docker/Dockerfile", "a new production image: what production runs on, and how it starts there")]
    assert code == 1
    # Deleted: production is no longer built from it. A development image comes and goes freely.
    repo.commit({"docker/Dockerfile": None, "docker/Dockerfile.dev": None})
    code, document = run_json(capsys, "--base", added)
    assert _platform(document) == [("docker/Dockerfile", "a production image is no longer built from it")]
    assert code == 1
    # A vendored dependency's own images (a test sandbox of an SDK it vendors) are someone else's.
    deleted = repo.git("rev-parse", "HEAD")
    repo.commit({"tools/monitor/vendor/github.com/aws/aws-sdk-go/awstesting/sandbox/Dockerfile": MULTI_PROCESS,
                 "node_modules/pkg/Dockerfile": MULTI_PROCESS})
    code, document = run_json(capsys, "--base", deleted)
    assert _platform(document) == []
    assert code == 0


@pytest.mark.parametrize(("dockerfile", "production"), [
    # AWS SAM's and lambci's build images, with tools added: a container that packages a function.
    ("FROM public.ecr.aws/sam/build-python3.9\n\nRUN pip install poetry==1.2.2\n", False),
    ("FROM lambci/lambda:build-python3.8\nRUN pip install pipenv\n", False),
    # A start command of its own, or another base (an application's own build tag included), ships.
    ("FROM public.ecr.aws/sam/build-python3.9\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n", True),
    ("FROM registry.example.com/app:build-42\nRUN pip install gunicorn\n", True),
    ("FROM python:3.12-slim\nRUN pip install poetry\n", True),
])
def test_a_new_dockerfile_on_a_build_image_with_no_start_command_is_no_production_image(
    repo: Repo, capsys: pytest.CaptureFixture[str], dockerfile: str, production: bool
) -> None:
    base = repo.commit({"README.md": "app\n"})
    repo.commit({"src/docker/Dockerfile": dockerfile})
    code, document = run_json(capsys, "--base", base)
    expected = [("src/docker/Dockerfile", "a new production image: what production runs on, and how it starts there")]
    assert _platform(document) == (expected if production else [])
    assert code == (1 if production else 0)


TEST_RUNNER = """FROM ubuntu:latest
RUN apt-get update && apt-get install -y nodejs awscli
COPY . /
WORKDIR /
RUN chmod +x run-tests.sh
ENTRYPOINT ["/run-tests.sh"]
"""


@pytest.mark.parametrize(("dockerfile", "script", "found"), [
    # An image that starts by running the post-deploy tests checks production, and is not what it runs.
    (TEST_RUNNER, "run-tests.sh", []),
    (TEST_RUNNER.replace('ENTRYPOINT ["/run-tests.sh"]', 'CMD ["sh", "-c", "cd /src && ./run-tests.sh"]'),
     "run-tests.sh", []),
    # The same script started by an image named for nothing of the kind ships.
    (TEST_RUNNER.replace("run-tests.sh", "start.sh"), "start.sh",
     [("start.sh", 'the image Dockerfile builds runs it at start: ENTRYPOINT ["/start.sh"]')]),
])
def test_an_image_that_starts_by_running_tests_is_no_production_image(
    repo: Repo, capsys: pytest.CaptureFixture[str], dockerfile: str, script: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({"Dockerfile": dockerfile, script: "#!/bin/bash\nnpm run test:e2e\n"})
    repo.commit({script: "#!/bin/bash\ncd /src\nnpm run test:e2e\n"})
    code, document = run_json(capsys, "--base", base)
    assert _platform(document) == found
    assert code == (1 if found else 0)
    # Nor is a new one, or a change to how it starts.
    repo.commit({"runner/Dockerfile": TEST_RUNNER.replace("ENTRYPOINT", 'CMD ["npm", "test"]\n#')})
    _, document = run_json(capsys, "--base", repo.git("rev-parse", "HEAD~1"))
    assert _platform(document) == []


def test_a_dockerfile_whose_build_steps_changed_starts_the_same(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"docker/Dockerfile": MULTI_PROCESS})
    repo.commit({"docker/Dockerfile": MULTI_PROCESS.replace("chmod 755", "chmod 750")})
    code, document = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(document, "infra")] == [("docker", "docker/Dockerfile")]
    assert code == 0


def test_a_start_command_in_an_earlier_stage_or_a_development_image_is_not_compared() -> None:
    staged = "FROM node:22 AS build\nCMD [\"a\"]\nFROM node:22-slim\nCMD [\"{}\"]\n"
    old, new = read(staged.format("serve")), read(staged.replace('["a"]', '["b"]').format("serve"))
    assert old is not None and new is not None and start_change(old, new) is None
    assert not is_production_dockerfile("Dockerfile.dev")
    assert not is_production_dockerfile(".devcontainer/Dockerfile")
    assert not is_production_dockerfile("e2e/Dockerfile")
    assert not is_production_dockerfile("cypress/Dockerfile")  # a browser test harness's image
    assert not is_production_dockerfile("tests-playwright/Dockerfile")
    assert not is_production_dockerfile("sandbox/Dockerfile")  # stands in for the API, from its specification
    assert not is_production_dockerfile("mock-server/Dockerfile") and not is_production_dockerfile("demo/Dockerfile")
    assert is_production_dockerfile("docker/Dockerfile.latest")


def test_the_shipping_stage_inherits_from_the_stages_it_is_built_from() -> None:
    text = (
        "ARG BASE=python:3.13\nFROM ${BASE} AS base\nWORKDIR /app\nCOPY docker/ /docker/\n"
        "FROM node:22 AS assets\nRUN npm ci\nFROM base AS web\nENTRYPOINT [\"/docker/entrypoint.sh\"]\n"
    )
    assert [i.keyword for i in shipping_stage(text)] == ["ARG", "FROM", "WORKDIR", "COPY", "FROM", "ENTRYPOINT"]
    start = read(text)
    assert start is not None and start.workdir == "/app"
    command = runs(start, "docker/entrypoint.sh")
    assert command is not None and command.keyword == "ENTRYPOINT"


def test_a_stage_named_by_the_target_architecture_may_be_any_that_fits() -> None:
    text = (
        "FROM ubuntu:24.04 AS base\nFROM base AS build-arm64\nCOPY ./docker/docker-healthcheck.sh /usr/local/bin/\n"
        "FROM base AS build-amd64\nCOPY ./docker/docker-healthcheck.sh /usr/local/bin/\n"
        "FROM build-${TARGETARCH} AS build\nWORKDIR /app\nFROM build AS production\n"
        "HEALTHCHECK --interval=1m \\\n  CMD /bin/bash /usr/local/bin/docker-healthcheck.sh || exit 1\n"
        "ENTRYPOINT [\"/bin/bash\", \"/usr/local/bin/docker-entrypoint.sh\"]\n"
    )
    assert [i.line for i in shipping_stage(text) if i.keyword == "FROM"] == [1, 2, 4, 6, 8]
    start = read(text)
    assert start is not None
    command = runs(start, "docker/docker-healthcheck.sh")
    assert command is not None and command.keyword == "HEALTHCHECK"
    # A stage built from an image chosen outside the file inherits no earlier stage.
    alone = read("FROM node:22 AS build\nCOPY . /app\nFROM ${RUNTIME}\nCMD [\"/app/start.sh\"]\n")
    assert alone is not None and runs(alone, "start.sh") is None


@pytest.mark.parametrize(
    ("dockerfile", "path", "runs_it"),
    [
        # A file copied into a folder keeps its name; one copied to a name takes it.
        ("FROM a\nCOPY start.sh /usr/local/bin/\nCMD [\"start.sh\"]\n", "start.sh", True),
        ("FROM a\nCOPY start.sh /usr/local/bin/go\nCMD go\n", "start.sh", True),
        # Relative destinations and words follow WORKDIR; ENV fills in variables.
        ("FROM a\nENV APP=/srv/app\nWORKDIR $APP\nCOPY bin/ bin/\nCMD [\"./bin/start\"]\n", "bin/start", True),
        ("FROM a\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"-c\", \"migrate && exec ./run.sh\"]\n", "run.sh", True),
        ("FROM a\nWORKDIR /app\nCOPY . .\nCMD ./run.sh --port 80\n", "run.sh", True),
        # The base image's WORKDIR is unknown: the path it ends with matches.
        ("FROM a\nCOPY ./container/ ./\nENTRYPOINT [\"/usr/local/app/entrypoint.sh\"]\n", "container/entrypoint.sh",
         True),
        ("FROM a\nCOPY [\"init\", \"setup\", \"/scripts/\"]\nCMD [\"/scripts/init\"]\n", "init", True),
        ("FROM a\nCOPY --chown=1:1 *.sh /opt/\nCMD [\"/opt/boot.sh\"]\n", "boot.sh", True),
        # What the command does not name, or no COPY put there, is not run.
        ("FROM a\nCOPY . /app\nCMD [\"/app/run.sh\"]\n", "scripts/lint.sh", False),
        ("FROM a\nWORKDIR /app\nCOPY . .\nCMD [\"npm\", \"run\", \"start\"]\n", "bin/start", False),
        ("FROM a\nCOPY run.sh /run.sh\nRUN /run.sh\nCMD [\"nginx\"]\n", "run.sh", False),
        ("FROM a\nCOPY <<EOF /start.sh\necho\nEOF\nCMD [\"/start.sh\"]\n", "start.sh", False),
        ("FROM a\nADD https://example.org/start.sh /start.sh\nCMD [\"/start.sh\"]\n", "start.sh", False),
        ("FROM a\nCOPY start.sh /start.sh\nHEALTHCHECK NONE\n", "start.sh", False),
    ],
)
def test_what_the_start_command_runs(dockerfile: str, path: str, runs_it: bool) -> None:
    start = read(dockerfile)
    assert start is not None
    assert (runs(start, path) is not None) is runs_it


def test_a_dockerfile_that_does_not_parse_tells_nothing() -> None:
    assert read("FROM\n") is None
    assert read("FROM a\nCMD echo 'unclosed\n") is None
    assert read("FROM a\nHEALTHCHECK --interval=5s\n") is None


def test_the_claim_is_by_name_and_narrow() -> None:
    claimed = ["init", "bootstrap", "entrypoint.sh", "docker-healthcheck.sh", "boot.bash", "healthcheck.py",
               "start-server.js", "run_worker.rb", "docker_entrypoint.py"]
    not_claimed = ["__init__.py", "models.py", "index.js", "prune.py", "README.md", "start.md", ".env",
                   "Gemfile", "Makefile", "LICENSE", "Procfile"]
    assert [n for n in claimed if not may_start_an_image(n)] == []
    assert [n for n in not_claimed if may_start_an_image(n)] == []
