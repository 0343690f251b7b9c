from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems import REGISTRY, docker
from ownership_gate.classifiers.dependency.ecosystems.base import ManifestError
from ownership_gate.classifiers.dependency.ecosystems.images import parse_image
from tests.classifiers.dependency.test_dependency_core import diff
from tests.conftest import Repo, run_json
from tests.fixtures.dependency_b.helpers import by_subject, dependency_findings, fixture, summary

DOCKERFILE = fixture("docker/before.Dockerfile")
COMPOSE = fixture("docker/before.compose.yaml")
K8S = fixture("docker/before.k8s.yaml")


@pytest.mark.parametrize(
    ("path", "manifest"),
    [("Dockerfile", True), ("api/Dockerfile.prod", True), ("build/api.Dockerfile", True),
     ("Containerfile", True), ("dockerfile", True), ("Dockerfile.dockerignore", False),
     ("docs/Dockerfile.md", False), ("scripts/dockerfile.py", False), ("compose.yaml", True), ("docker-compose.override.yml", True),
     ("k8s/deployment.yaml", True), ("docker/debian-base.dockerfile", True)],
)
def test_which_files_are_read(path: str, manifest: bool) -> None:
    assert docker.is_manifest(path) is manifest


@pytest.mark.parametrize(
    ("path", "owner"),
    [(".github/workflows/ci.yml", "github-actions"), ("action.yml", "github-actions"),
     ("charts/shop/Chart.yaml", "helm"), ("k8s/deploy.yaml", "docker"),
     ("docker-compose.yml", "docker"), ("web/pnpm-lock.yaml", "npm")],
)
def test_yaml_that_another_ecosystem_reads_is_not_read_as_docker(path: str, owner: str) -> None:
    claimed = [e.NAME for e in REGISTRY.values() if e.is_manifest(path) or e.is_lockfile(path)]
    assert claimed[0] == owner


@pytest.mark.parametrize(
    ("reference", "repository", "constraint"),
    [
        ("node", "node", "latest"),
        ("library/node:18", "node", "18"),
        ("docker.io/library/node:18-alpine", "node", "18-alpine"),
        ("index.docker.io/bitnami/redis:7.2", "bitnami/redis", "7.2"),
        ("ghcr.io/astral-sh/uv:0.4.0", "ghcr.io/astral-sh/uv", "0.4.0"),
        ("localhost:5000/app:1.0", "localhost:5000/app", "1.0"),
        ("registry.example.com:5000/team/app", "registry.example.com:5000/team/app", "latest"),
        ("node@sha256:" + "a" * 64, "node", "@sha256:" + "a" * 64),
        ("node:18@sha256:" + "a" * 64, "node", "18@sha256:" + "a" * 64),
    ],
)
def test_image_references_normalise_like_docker(
    reference: str, repository: str, constraint: str
) -> None:
    image = parse_image(reference)
    assert image is not None
    assert (image.repository, image.constraint) == (repository, constraint)


@pytest.mark.parametrize(
    ("constraint", "low"),
    [("18-alpine", (18,)), ("15.4", (15, 4)), ("3.12-slim-bookworm", (3, 12)),
     ("v1.28.0", (1, 28, 0)), ("latest", None), ("bookworm", None), ("@sha256:" + "a" * 64, None),
     ("${TAG}", None)],
)
def test_versions_come_from_tags(constraint: str, low: tuple[int, ...] | None) -> None:
    assert docker.lowest(constraint) == low


def test_dockerfile_from_with_args_stages_heredocs_and_copy_from() -> None:
    found = [(r.name, r.constraint, r.line) for r in docker.parse(DOCKERFILE, "Dockerfile")]
    assert found == [
        ("node", "18-alpine", 5),  # --platform dropped, ${NODE_VERSION} from the global ARG
        ("golang", "1.21.5", 19),
        ("gcr.io/distroless/nodejs18-debian12", "latest", 22),
        ("busybox", "1.36", 25),  # COPY --from an image; --from=build is a stage
        ("ghcr.io/astral-sh/uv", "0.4.0", 26),
        ("alpine", "3.18", 27),  # RUN --mount=...,from=
    ]


def test_dockerfile_variants() -> None:
    text = (
        "# escape=`\n"
        "ARG BASE\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n"
        "  AS base\n"
        "FROM ${BASE:-python:3.12-slim} as app\n"
        "FROM $BASE\n"
        "FROM base\n"
        "from scratch\n"
        "COPY --from=0 /a /b\n"
    )
    found = [(r.name, r.constraint, r.line) for r in docker.parse(text, "Dockerfile")]
    assert found == [
        ("mcr.microsoft.com/windows/servercore", "ltsc2022", 3),
        ("python", "3.12-slim", 5),
        ("$BASE", "", 6),  # an ARG without a default stays visible as written, tag unknown
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [("FROM\n", 1), ("FROM node:18 AS\n", 1), ('FROM "node:18\n', 1), ("RUN x\nFROM a b c d\n", 2)],
)
def test_malformed_from_names_the_line(text: str, line: int) -> None:
    with pytest.raises(ManifestError) as error:
        docker.parse(text, "Dockerfile")
    assert error.value.line == line


def test_templated_dockerfiles_are_read_leniently() -> None:
    found = docker.parse("FROM {{ base_image }}\n", "Dockerfile.j2")
    assert [r.name for r in found] == ["{{"]


def test_compose_services_skip_images_they_build() -> None:
    found = [(r.name, r.constraint, r.line) for r in docker.parse(COMPOSE, "compose.yaml")]
    assert found == [
        ("postgres", "15.4", 4),
        ("redis", "7.0-alpine", 8),  # ${REDIS_TAG:-7.0} takes its default
        ("mailhog/mailhog", "latest", 14),
    ]


def test_kubernetes_manifests_all_documents_not_configmap_data() -> None:
    found = [(r.name, r.constraint, r.line) for r in docker.parse(K8S, "k8s/app.yaml")]
    assert found == [
        ("ghcr.io/example/shop-migrate", "1.4.0", 15),
        ("us-docker.pkg.dev/google-samples/microservices-demo/frontend", "v0.8.0", 18),
        ("envoyproxy/envoy", "v1.28.0", 22),
        ("busybox", "1.36", 37),
    ]


def test_annotations_named_image_are_not_images() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    image: docs-only\n"
        "spec:\n  containers:\n    - name: a\n      image: nginx:1.25\n"
    )
    assert [(r.name, r.line) for r in docker.parse(text, "pod.yaml")] == [("nginx", 9)]


def test_other_yaml_is_not_a_manifest() -> None:
    assert docker.parse("image: node:18\nsteps: []\n", "config.yaml") == []  # no apiVersion/kind
    assert docker.parse("apiVersion: v1\nkind: Service\nspec: {}\n", "svc.yaml") == []
    broken_values = "image: [\nnot: yaml\n"
    assert docker.parse(broken_values, "values.yaml") == []


def test_helm_templates_are_not_yaml_until_rendered() -> None:
    template = (
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n"
        "      containers:\n{{- range .Values.containers }}\n"
        '        - image: "{{ .image }}"\n{{- end }}\n        - image: nginx:1.25\n'
    )
    assert docker.parse(template, "charts/shop/templates/deploy.yaml") == []


def test_a_broken_kubernetes_manifest_is_unparsed() -> None:
    with pytest.raises(ManifestError) as error:
        docker.parse(K8S.replace("kind: CronJob", "kind: [CronJob"), "k8s/app.yaml")
    assert error.value.line is not None


def test_alias_bombs_cost_their_size_not_their_expansion() -> None:
    lines = ["apiVersion: v1", "kind: List", "a0: &a0", "  image: nginx:1.25"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 40)]
    found = docker.parse("\n".join(lines) + "\n", "bomb.yaml")
    assert [(r.name, r.constraint) for r in found] == [("nginx", "1.25")]


def test_every_kind_end_to_end(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = {"Dockerfile": DOCKERFILE, "compose.yaml": COMPOSE, "deploy/k8s/app.yaml": K8S}
    after = {"Dockerfile": fixture("docker/after.Dockerfile"),
             "compose.yaml": fixture("docker/after.compose.yaml"),
             "deploy/k8s/app.yaml": fixture("docker/after.k8s.yaml")}
    found = dependency_findings(repo, capsys, before, after)
    digest = "sha256:6d9ac9237a84afe1516540f40a0fafdc86859b2141954b4d643af7066d598b74"
    envoy = "sha256:" + "0123456789abcdef" * 4
    assert summary(found) == {
        ("major", "node", "18-alpine", "20-alpine"),
        ("patch", "golang", "1.21.5", "1.21.6"),
        ("changed", "busybox", "1.36", f"1.36@{digest}"),  # tag to digest
        ("minor", "ghcr.io/astral-sh/uv", "0.4.0", "0.5.1"),
        ("minor", "alpine", "3.18", "3.19"),
        ("added", "datadog/serverless-init", None, "1"),
        ("major", "postgres", "15.4", "16.1"),
        ("minor", "redis", "7.0-alpine", "7.2-alpine"),
        ("removed", "mailhog/mailhog", "latest", None),
        ("added", "axllent/mailpit", None, "v1.13"),
        ("minor", "us-docker.pkg.dev/google-samples/microservices-demo/frontend", "v0.8.0",
         "v0.9.0"),
        ("changed", "envoyproxy/envoy", "v1.28.0", f"v1.28.0@{envoy}"),
        ("patch", "busybox", "1.36", "1.36.1"),
        ("removed", "ghcr.io/example/shop-migrate", "1.4.0", None),
    }
    assert {f["ecosystem"] for f in found} == {"docker"}
    # A new image is no vendor (images are not catalogued); a major of one production runs is the CTO's.
    assert by_subject(found)["axllent/mailpit"]["level"] is None
    assert (by_subject(found)["postgres"]["scope"], by_subject(found)["postgres"]["level"]) == ("runtime", "cto")
    node = next(f for f in found if f["subject"] == "node")
    assert node["line"] == 5


def test_a_broken_compose_file_is_unparsed(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    found = dependency_findings(repo, capsys, {"compose.yaml": COMPOSE},
                                {"compose.yaml": COMPOSE + "  bad: [\n"})
    assert [(f["kind"], f["subject"]) for f in found] == [("unparsed", "compose.yaml")]
    assert found[0]["line"] is not None


def test_reordering_services_changes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    head, services = COMPOSE.split("services:\n", 1)
    db, rest = services.split("  cache:\n", 1)
    reordered = head + "services:\n  cache:\n" + rest.replace("x-worker", db + "x-worker")
    assert reordered != COMPOSE
    assert dependency_findings(repo, capsys, {"compose.yaml": COMPOSE},
                               {"compose.yaml": reordered}) == []


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("node:20-alpine@sha256:" + "a" * 64, "node:20-alpine@sha256:" + "b" * 64, "lockfile"),
        ("busybox:latest@sha256:" + "a" * 64, "busybox@sha256:" + "b" * 64, "changed"),
        ("busybox:latest@sha256:" + "a" * 64, "busybox:latest@sha256:" + "b" * 64, "lockfile"),
        ("node:20-alpine", "node:20-alpine@sha256:" + "b" * 64, "changed"),  # tag to digest
        ("node:20-alpine@sha256:" + "a" * 64, "node:22-alpine@sha256:" + "b" * 64, "major"),
        ("node@sha256:" + "a" * 64, "node@sha256:" + "b" * 64, "changed"),  # no tag to go by
    ],
)
def test_a_new_digest_under_the_same_tag_is_a_lock_refresh(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str
) -> None:
    found = dependency_findings(repo, capsys, {"Dockerfile": f"FROM {before}\n"},
                                {"Dockerfile": f"FROM {after}\n"})
    assert [(f["kind"], f["subject"]) for f in found] == [(kind, found[0]["subject"])]
    assert found[0]["subject"] in ("node", "busybox")


def test_a_builder_stage_bump_is_judged_even_when_the_runtime_stage_stays(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # from microservices-demo: the JDK builder moved 21 -> 24, the JRE runtime stayed on 25
    text = "FROM eclipse-temurin:{}-jdk-noble AS builder\nRUN make\nFROM eclipse-temurin:25.0.1_8-jre\n"
    found = dependency_findings(repo, capsys, {"Dockerfile": text.format("21.0.9_10")},
                                {"Dockerfile": text.format("24.0.2_12")})
    assert summary(found) == {
        ("major", "eclipse-temurin", "21.0.9_10-jdk-noble", "24.0.2_12-jdk-noble"),
    }
    assert found[0]["line"] == 1


def test_bulk_documents_are_skipped_and_lines_stay_true() -> None:
    from ownership_gate.classifiers.dependency.ecosystems import docker_read

    crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\nspec:\n"
    crd += "".join(f"  f{i}:\n    properties:\n      image:\n        type: string\n" for i in range(2000))
    config = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  image: evil:1\n"
    deployment = (
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: a\n          image: nginx:1.25\n"
    )
    text = crd + config + deployment
    line = text.splitlines().index("          image: nginx:1.25") + 1
    assert [(r.name, r.constraint, r.line) for r in docker_read.parse(text, "k8s/all.yaml")] == [
        ("nginx", "1.25", line)
    ]


_SERVICE = "services:\n  db:\n    image: {}\n"
_POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      image: {}\n"


@pytest.mark.parametrize(("path", "before", "after", "expected"), [
    ("compose.yaml", _SERVICE.format("postgres:15"), _SERVICE.format("${POSTGRES_IMAGE}"),
     [("unparsed", "${POSTGRES_IMAGE}", "${POSTGRES_IMAGE} cannot be resolved: ${POSTGRES_IMAGE} is set outside"),
      ("removed", "postgres", "dependency postgres removed")]),
    ("compose.yaml", _SERVICE.format("postgres:15"), _SERVICE.format("postgres:${PG_TAG}"),
     [("unparsed", "postgres", "postgres:${PG_TAG} cannot be resolved: ${PG_TAG} is set outside")]),
    ("compose.yaml", _SERVICE.format("postgres:15"), _SERVICE.format("${POSTGRES_IMAGE:-postgres:16}"),
     [("major", "postgres", "postgres 15 -> 16")]),
    ("compose.yaml", _SERVICE.format("${POSTGRES_IMAGE}"), _SERVICE.format("${POSTGRES_IMAGE}") + "  # db\n", []),
    ("Dockerfile", "FROM node:20\n", "ARG BASE\nFROM ${BASE}\n",
     [("unparsed", "${BASE}", "${BASE} cannot be resolved: ${BASE} is set outside"),
      ("removed", "node", "dependency node removed")]),
    ("Dockerfile", "FROM node:20\n", "ARG BASE=node:22\nFROM ${BASE}\n", [("major", "node", "node 20 -> 22")]),
    ("Dockerfile", "FROM node:20\n", "ARG TOOLS\nFROM node:20\nCOPY --from=${TOOLS} /bin/tool /bin/\n",
     [("unparsed", "${TOOLS}", "${TOOLS} cannot be resolved: ${TOOLS} is set outside")]),
    ("Dockerfile", "FROM node:20\n", "ARG TOOLS=busybox:1.36\nFROM node:20\nCOPY --from=${TOOLS} /bin/sh /bin/\n",
     [("added", "busybox", "new dependency busybox")]),
    ("k8s/db.yaml", _POD.format("postgres:15"), _POD.format("${POSTGRES_IMAGE}"),
     [("unparsed", "${POSTGRES_IMAGE}", "${POSTGRES_IMAGE} cannot be resolved: ${POSTGRES_IMAGE} is set outside"),
      ("removed", "postgres", "dependency postgres removed")]),
    ("k8s/db.yaml", _POD.format("postgres:15"), _POD.format("${POSTGRES_IMAGE:=postgres:16}"),
     [("major", "postgres", "postgres 15 -> 16")]),
])
def test_images_taken_from_variables(path: str, before: str, after: str, expected: list[tuple[str, str, str]]) -> None:
    """A variable with a default reads as its default; one set outside the file cannot be
    named, and a change to it fails closed as `unparsed`."""
    found = diff("docker", path, before, after)
    assert [(f.kind, f.subject) for f in found] == [(k, s) for k, s, _ in expected]
    assert all(f.detail.startswith(d) for f, (_, _, d) in zip(found, expected, strict=True)), found


def test_a_compose_image_from_an_unset_variable_needs_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"compose.yaml": _SERVICE.format("postgres:15")})
    repo.commit({"compose.yaml": _SERVICE.format("${POSTGRES_IMAGE}")})
    code, doc = run_json(capsys, "--base", base)
    unparsed = [f for c in doc["changes"] for f in c["findings"] if f["kind"] == "unparsed"]
    assert [(f["subject"], f["line"]) for f in unparsed] == [("${POSTGRES_IMAGE}", 3)]
    assert code == 1


BUILT_FROM = """\
services:
  clickhouse:
    image: clickhouse-local
    build:
      context: ./clickhouse
      args:
        BASE_IMAGE: "altinity/clickhouse-server:{}"
  web:
    build:
      context: .
      args:
        - NODE_VERSION=20
        - RUNTIME_IMAGE=node:20.11-alpine
        - BUILDER_IMAGE=${{BUILDER}}
"""


def test_a_compose_build_argument_naming_an_image_is_the_image_built_from() -> None:
    found = [(r.name, r.constraint, r.line) for r in docker.parse(BUILT_FROM.format("25.3.6.10034"), "compose.yaml")]
    assert found == [
        ("altinity/clickhouse-server", "25.3.6.10034", 7),
        ("node", "20.11-alpine", 13),  # a version argument is no image; one set from a variable is not named here
    ]


@pytest.mark.parametrize(("path", "before", "after", "kind", "level"), [
    ("docker-compose.yml", "25.3.6.10034", "25.8.28.10001", "minor", "cto"),  # a datastore's minor moves its data
    ("docker-compose.yml", "25.3.6.10034", "25.3.7.10001", "patch", "engineer"),
    # A development container's services run in an editor's environment, never in production.
    (".devcontainer/docker-compose.yml", "25.3.6.10034", "25.8.28.10001", "minor", "engineer"),
])
def test_a_datastore_upgrade_with_the_built_in_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str, kind: str, level: str
) -> None:
    base = repo.commit({path: BUILT_FROM.format(before)})
    repo.commit({path: BUILT_FROM.format(after)})
    code, doc = run_json(capsys, "--base", base)
    found = [(f["kind"], f["subject"], f["level"]) for c in doc["changes"] for f in c["findings"]
             if f["type"] == "dependency"]
    assert found == [(kind, "altinity/clickhouse-server", level if level == "cto" else None)]
    assert doc["required_level"] == level
    assert code == (1 if level == "cto" else 0)


@pytest.mark.parametrize(("image", "before", "after", "kind", "level"), [
    # PostgreSQL's second number is a bug-fix release since 10: the storage format stays.
    ("postgres", "15.5", "15.7-alpine", "patch", None),
    ("bitnami/postgresql", "16.1.0", "16.4.0", "patch", None),
    ("postgres", "15.7", "16.3", "major", "cto"),
    # Before 10 the first two numbers made the major.
    ("postgres", "9.5", "9.6", "minor", "cto"),
    # Another datastore's minor still moves its data.
    ("redis", "7.2", "7.4", "minor", "cto"),
])
def test_a_postgres_minor_release_is_a_patch(
    repo: Repo, capsys: pytest.CaptureFixture[str], image: str, before: str, after: str, kind: str, level: str | None
) -> None:
    compose = "services:\n  db:\n    image: {}:{}\n"
    found = dependency_findings(repo, capsys, {"docker-compose.yml": compose.format(image, before)},
                                {"docker-compose.yml": compose.format(image, after)})
    assert [(f["kind"], f["subject"], f["level"]) for f in found] == [(kind, image, level)]


@pytest.mark.parametrize(("image", "scope"), [
    ("localstack/localstack", "test"), ("docker.io/wiremock/wiremock", "test"), ("selenium/standalone-chrome", "test"),
    ("stoplight/prism", "test"), ("mockoon/cli", "test"),
    ("mcr.microsoft.com/azure-storage/azurite", "test"), ("mcr.microsoft.com/playwright", "test"),
    ("AXLLENT/Mailpit", "test"),
    # A hosted service's own image, a datastore, a registry's namesake: what production may run.
    ("postgres", "runtime"), ("minio/minio", "runtime"), ("localstack-proxy/app", "runtime"),
    ("ghcr.io/selenium/standalone-chrome", "runtime"),
])
def test_the_images_of_test_doubles_are_test_scope(image: str, scope: str) -> None:
    from ownership_gate.classifiers.dependency.ecosystems.images import scope as image_scope

    image_name = parse_image(image)
    assert image_name is not None and image_scope(image_name.repository) == scope


TEST_DOUBLES = """services:
  localstack:
    image: localstack/localstack:{0}
  stub:
    image: wiremock/wiremock:{1}
  db:
    image: postgres:{2}
"""


@pytest.mark.parametrize(("before", "after", "level"), [
    (("2.3", "2.35.0", "16"), ("3", "3x-alpine", "16"), None),  # a test double's major: nobody's sign-off
    (("2.3", "2.35.0", "16"), ("2.3", "2.35.0", "17"), "cto"),  # beside them, production's datastore still counts
])
def test_a_test_doubles_major_needs_no_sign_off(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: tuple[str, ...], after: tuple[str, ...], level: str | None
) -> None:
    found = dependency_findings(repo, capsys, {"docker-compose.yml": TEST_DOUBLES.format(*before)},
                                {"docker-compose.yml": TEST_DOUBLES.format(*after)})
    assert [(f["kind"], f["subject"], f["scope"], f["level"]) for f in found if f["level"]] == (
        [("major", "postgres", "runtime", "cto")] if level else [])
    assert {f["subject"]: f["scope"] for f in found} == (
        {"localstack/localstack": "test", "wiremock/wiremock": "test"} if level is None else {"postgres": "runtime"})


@pytest.mark.parametrize(("after", "kind"), [
    ("alpine:latest", "major"),
    ("alpine", "major"),
    # Pinned to a digest instead: nothing new arrives unreviewed.
    ("alpine@sha256:" + "1" * 64, "changed"),
])
def test_a_pinned_image_let_float_is_a_major(repo: Repo, capsys: pytest.CaptureFixture[str], after: str, kind: str) -> None:
    found = dependency_findings(repo, capsys, {"Dockerfile": "FROM alpine:3.16\nCOPY app /app\n"},
                                {"Dockerfile": f"FROM {after}\nCOPY app /app\n"})
    assert [(f["kind"], f["subject"], f["from"]) for f in found] == [(kind, "alpine", "3.16")]


@pytest.mark.parametrize(("before", "kind"), [
    ("latest", "major"),  # `latest` may have been any major: the pin may go back one
    ("3.16@sha256:" + "1" * 64, "changed"),  # a digest of the same version, now named by its tag
])
def test_a_floating_image_pinned_to_a_version_is_a_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, kind: str
) -> None:
    found = dependency_findings(repo, capsys, {"Dockerfile": f"FROM alpine:{before}\nCOPY app /app\n"},
                                {"Dockerfile": "FROM alpine:3.16\nCOPY app /app\n"})
    assert [(f["kind"], f["subject"], f["to"]) for f in found] == [(kind, "alpine", "3.16")]


@pytest.mark.parametrize(("after", "kind"), [
    # The floating tag named its major, and the pin is of that major (the image restating its own name).
    ("2.8.14-node22.20.0", "changed"),
    ("22.20.0", "changed"),
    # Another major than the one the floating tag named may go back, or forward.
    ("2.8.14-node20.19.0", "major"),
])
def test_a_floating_tag_of_a_major_pinned_in_that_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], after: str, kind: str
) -> None:
    found = dependency_findings(repo, capsys, {"Dockerfile": "FROM defradigital/node:latest-22\nCOPY app /app\n"},
                                {"Dockerfile": f"FROM defradigital/node:{after}\nCOPY app /app\n"})
    assert [(f["kind"], f["subject"], f["to"]) for f in found] == [(kind, "defradigital/node", after)]


@pytest.mark.parametrize(("constraint", "named"), [
    ("3.10-alpine3.18", "alpine3.18"), ("18-alpine", "alpine"), ("3.12-slim-bookworm", "bookworm"),
    ("1.18.3-erlang-27.3-ubuntu-noble-20250127", "noble"), ("8.10-ubi9", "ubi9"), ("ltsc2022", "ltsc2022"),
    ("3.12", None), ("latest", None), ("bookworm@sha256:" + "a" * 64, "bookworm"), ("22-alpine-slim", "alpine"),
])
def test_the_os_release_an_image_tag_names(constraint: str, named: str | None) -> None:
    assert docker.os_release(constraint) == named


@pytest.mark.parametrize(("before", "after", "kind"), [
    # Back to an older Alpine release under the same Python: the libraries production links against change.
    ("python:3.10-alpine3.18", "python:3.10-alpine3.16", "major"),
    ("python:3.11-slim-bullseye", "python:3.11.9-slim-bookworm", "major"),
    ("node:18.12.1-alpine3.16", "node:18-alpine", "major"),  # the Alpine release let float
    # A dated build of the same Ubuntu release (the Elixir release is the same too): not another system.
    ("hexpm/elixir:1.18.3-erlang-27.3-ubuntu-noble-20250127", "hexpm/elixir:1.18.3-erlang-27.3.3-ubuntu-noble-20250404",
     "changed"),
    ("node:20.11-bookworm-slim", "node:20.12-bookworm-slim", "minor"),
    # Forward along Alpine's 3.x stable branches under the same Ruby: an update of the same line.
    ("ruby:4.0.5-alpine3.22", "ruby:4.0.5-alpine3.24", "changed"),
])
def test_an_image_moved_to_another_os_release_is_a_major(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str
) -> None:
    found = dependency_findings(repo, capsys, {"Dockerfile": f"FROM {before}\nCMD [\"app\"]\n"},
                                {"Dockerfile": f"FROM {after}\nCMD [\"app\"]\n"})
    assert [f["kind"] for f in found] == [kind]
    if kind == "major":
        assert "its OS" in found[0]["detail"]


def test_an_image_the_last_stage_is_built_on_ships() -> None:
    text = (
        "FROM python:3.12-slim AS python\n"
        "FROM node:20 AS assets\n"
        "FROM python AS build\n"
        "COPY --from=golang:1.22 /usr/local/go /go\n"
        "FROM python AS run\n"
        "COPY --from=assets /app/dist /dist\n"
    )
    # `run` inherits `python` (the image) but only copies files out of `assets`, and `build` is not its base.
    assert [(r.name, r.scope) for r in docker.parse(text, "Dockerfile")] == [
        ("python", "runtime"), ("node", "build"), ("golang", "build")]


@pytest.mark.parametrize(("text", "base"), [
    ("FROM python:3.12-slim AS build\nRUN make\nFROM node:20-slim\n", ("node", "20-slim", 3)),
    # The last stage built on an earlier one: the image that lineage starts from.
    ("FROM python:3.12-slim AS base\nFROM node:20 AS assets\nFROM base AS run\nFROM run\n", ("python", "3.12-slim", 1)),
    ("ARG NODE_MAJOR=20\nFROM docker.io/library/node:${NODE_MAJOR}-slim\n", ("node", "20-slim", 2)),
    # Stages a build argument chooses between, all on one image: that image.
    ("FROM alpine:3.20 AS build-amd64\nFROM alpine:3.20 AS build-arm64\nFROM build-${TARGETARCH}\n",
     ("alpine", "3.20", 1)),
    # No one image to name: stages on different images, `scratch`, a variable set outside the file.
    ("FROM alpine:3.20 AS build-amd64\nFROM debian:12 AS build-arm64\nFROM build-${TARGETARCH}\n", None),
    ("FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\n", None),
    ("ARG BASE\nFROM ${BASE}\n", None),
    ("ARG TAG\nFROM python:${TAG}\n", None),
])
def test_the_image_the_shipped_stage_is_built_on(text: str, base: tuple[str, str, int] | None) -> None:
    found = docker.shipped_base(text, "Dockerfile")
    assert (None if found is None else (found.name, found.constraint, found.line)) == base


def test_only_a_dockerfile_names_a_shipped_base() -> None:
    assert docker.shipped_base(_SERVICE.format("postgres:16"), "compose.yaml") is None


_PYTHON_TO_NODE = """\
ARG PYTHON_MAJOR=3.12
ARG NODE_MAJOR=20
FROM python:${{PYTHON_MAJOR}}-slim AS assets
RUN pip install mkdocs && mkdocs build
FROM {}
COPY --from=assets /site /site
CMD ["serve"]
"""
_ELIXIR = """\
FROM elixir:1.8.1-alpine AS build
RUN mix release
FROM {}
COPY --from=build /app/_build/prod/rel/shop /app
CMD ["/app/bin/shop", "foreground"]
"""


@pytest.mark.parametrize(("before", "after", "subject", "detail"), [
    # The runtime moved to another language; python still builds the assets.
    (_PYTHON_TO_NODE.format("python:${PYTHON_MAJOR}-slim"), _PYTHON_TO_NODE.format("node:${NODE_MAJOR}-slim"),
     "node", "python:3.12-slim -> node:20-slim"),
    # The release runs on a bare Alpine instead of the Elixir image; elixir still builds it.
    (_ELIXIR.format("elixir:1.8.1-alpine"), _ELIXIR.format("alpine:3.9"), "alpine", "elixir:1.8.1-alpine -> alpine:3.9"),
])
def test_the_shipped_stage_built_on_another_image_needs_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, subject: str, detail: str
) -> None:
    base = repo.commit({"Dockerfile": before})
    repo.commit({"Dockerfile": after})
    code, doc = run_json(capsys, "--base", base)
    found = [f for c in doc["changes"] for f in c["findings"] if f["type"] == "dependency"]
    before_image, _, after_image = detail.partition(" -> ")
    assert [(f["kind"], f["subject"], f["from"], f["to"], f["scope"], f["level"], f["line"]) for f in found] == [
        ("major", subject, before_image, after_image, "runtime", "cto", 5 if subject == "node" else 3)]
    assert found[0]["detail"] == f"base image of the shipped stage replaced: {detail}"
    assert code == 1


@pytest.mark.parametrize(("before", "after"), [
    ("govukpay/openjdk:alpine-3.8.1-jre-8.181.13", "govukpay/openjdk:alpine-3.8.1-jre-base-8.181.13"),
    ("python:3.12", "python:3.12-slim"),
    ("eclipse-temurin:21-jdk", "eclipse-temurin:21-jre"),
])
def test_the_shipped_stage_built_on_another_variant_needs_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str
) -> None:
    base = repo.commit({"Dockerfile": f"FROM {before}\nRUN apk --no-cache upgrade\nCMD [\"app\"]\n"})
    repo.commit({"Dockerfile": f"FROM {after}\nRUN apk --no-cache upgrade\nCMD [\"app\"]\n"})
    code, doc = run_json(capsys, "--base", base)
    found = [f for c in doc["changes"] for f in c["findings"] if f["type"] == "dependency"]
    assert [(f["kind"], f["from"], f["to"], f["scope"], f["level"], f["line"]) for f in found] == [
        ("major", before, after, "runtime", "cto", 1)]
    assert found[0]["detail"] == f"base image of the shipped stage is another variant: {before} -> {after}"
    assert code == 1


@pytest.mark.parametrize(("tag", "commit"), [
    ("2d679f4bc2c1ab1fc46e2ef440d8ef300da607b8", True), ("sha-2d679f4", True), ("git-c3a4d87", True),
    ("1.2.3", False), ("20240101", False), ("deadbeef", False), ("18-alpine", False), ("abc12", False),
])
def test_a_tag_that_is_a_commits_hash_names_no_version(tag: str, commit: bool) -> None:
    from ownership_gate.classifiers.dependency.ecosystems import docker
    from ownership_gate.classifiers.dependency.ecosystems.images import names_a_commit, tag_lowest

    assert names_a_commit(tag) is commit
    if commit:
        assert tag_lowest(tag) is None and not docker.floats(tag)


@pytest.mark.parametrize(("before", "after", "kind"), [
    # An image rebuilt from another commit; a version pinned to a build: neither is a step, nor floats.
    ("2d679f4bc2c1ab1fc46e2ef440d8ef300da607b8", "c3a4d876a5681cceef9f927392732c259308d158", "changed"),
    ("1.4.2", "sha-c3a4d87", "changed"),
])
def test_an_image_tagged_with_a_commit_is_no_version_step(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, kind: str
) -> None:
    compose = "services:\n  app:\n    image: trussworks/circleci-docker-primary:{}\n"
    found = dependency_findings(repo, capsys, {"docker-compose.yml": compose.format(before)},
                                {"docker-compose.yml": compose.format(after)})
    assert [(f["kind"], f["from"], f["to"]) for f in found] == [(kind, before, after)]


@pytest.mark.parametrize(("tag", "words"), [
    ("alpine-3.8.1-jre-base-8.181.13", {"alpine", "jre", "base"}),
    ("3.12", set()), ("3.12-slim-bookworm", {"slim", "bookworm"}), ("20-alpine3.19", {"alpine"}),
    ("8u181-jdk", {"jdk"}), ("3.13.0rc1-slim", {"slim"}), ("1.2.3-r0", set()), ("21-jre@sha256:" + "a" * 64, {"jre"}),
    # A floating tag names the newest release, not a variant.
    ("latest", set()), ("latest-22", set()),
])
def test_the_words_of_a_tag_besides_its_version(tag: str, words: set[str]) -> None:
    from ownership_gate.classifiers.dependency.ecosystems import docker

    assert docker.variant(tag) == frozenset(words)
    assert docker.variant("@sha256:" + "a" * 64) is None


def test_the_old_base_leaving_the_file_stays_removed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"Dockerfile": "FROM python:3.12-slim\nCMD [\"app\"]\n"},
                                {"Dockerfile": "FROM node:20-slim\nCMD [\"app\"]\n"})
    assert summary(found) == {("major", "node", "python:3.12-slim", "node:20-slim"),
                              ("removed", "python", "3.12-slim", None)}


def test_a_stage_the_last_is_built_on_is_followed_to_its_image(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = "FROM {} AS base\nRUN apt-get update\nFROM base AS run\nCMD [\"app\"]\n"
    found = dependency_findings(repo, capsys, {"Dockerfile": text.format("python:3.12-slim")},
                                {"Dockerfile": text.format("ubuntu:24.04")})
    assert summary(found) == {("major", "ubuntu", "python:3.12-slim", "ubuntu:24.04"),
                              ("removed", "python", "3.12-slim", None)}


def test_a_runtime_image_already_copied_from_becomes_the_base(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # node was in production already (its binary copied in), with no finding of its own: the base still moved.
    found = dependency_findings(
        repo, capsys,
        {"Dockerfile": "FROM python:3.12-slim\nCOPY --from=node:20-slim /usr/local/bin/node /usr/local/bin/\n"},
        {"Dockerfile": "FROM node:20-slim\nCOPY --from=python:3.12-slim /usr/local/bin/python3 /usr/local/bin/\n"})
    assert summary(found) == {("major", "node", "python:3.12-slim", "node:20-slim")}


@pytest.mark.parametrize(("path", "before", "after", "expected"), [
    # A builder stage's base replaced: what ships is built on the same image as before.
    ("Dockerfile", "FROM node:20 AS build\nRUN make\nFROM nginx:1.27\nCOPY --from=build /dist /srv\n",
     "FROM oven/bun:1.1 AS build\nRUN make\nFROM nginx:1.27\nCOPY --from=build /dist /srv\n",
     {("added", "oven/bun", None, "1.1", "build"), ("removed", "node", "20", None, "build")}),
    # The same repository at another tag: a step, judged as ever.
    ("Dockerfile", "FROM node:20.11-slim\n", "FROM node:20.12-slim\n", {("minor", "node", "20.11-slim", "20.12-slim", "runtime")}),
    # The same variant at another version, or refreshed to another digest, is no other image.
    ("Dockerfile", "FROM python:3.12.1-slim-bookworm\n", "FROM python:3.12.2-slim-bookworm\n",
     {("patch", "python", "3.12.1-slim-bookworm", "3.12.2-slim-bookworm", "runtime")}),
    ("Dockerfile", "FROM node:20-slim@sha256:" + "a" * 64 + "\n", "FROM node:20-slim@sha256:" + "b" * 64 + "\n",
     {("lockfile", "node", "20-slim@sha256:" + "a" * 64, "20-slim@sha256:" + "b" * 64, "runtime")}),
    # Docker Hub's full name is the same image.
    ("Dockerfile", "FROM node:20-slim\n", "FROM docker.io/library/node:20-slim\n", set()),
    # A development Dockerfile builds no production image: what it is built on are tools, in `dev`; and a
    # sandbox standing in for the service, the same. `scratch` is no image.
    ("Dockerfile.dev", "FROM python:3.12-slim\n", "FROM node:20-slim\n",
     {("added", "node", None, "20-slim", "dev"), ("removed", "python", "3.12-slim", None, "dev")}),
    ("e2e/Dockerfile", "FROM python:3.12-slim\n", "FROM node:20-slim\n",
     {("added", "node", None, "20-slim", "dev"), ("removed", "python", "3.12-slim", None, "dev")}),
    ("sandbox/Dockerfile", "FROM python:3.11-slim\n", "FROM python:3.13-slim\n",
     {("major", "python", "3.11-slim", "3.13-slim", "dev")}),
    # A pipeline's folder may build the image production runs: what it is built on stays a runtime dependency.
    ("ci/Dockerfile.lambda", "FROM python:3.11-slim\n", "FROM python:3.13-slim\n",
     {("major", "python", "3.11-slim", "3.13-slim", "runtime")}),
    ("Dockerfile", "FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\n",
     "FROM golang:1.22 AS build\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\n",
     {("added", "gcr.io/distroless/static", None, "nonroot", "runtime")}),
])
def test_what_is_no_replaced_base_keeps_its_findings(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str,
    expected: set[tuple[str, str, str | None, str | None, str]],
) -> None:
    found = dependency_findings(repo, capsys, {path: before}, {path: after})
    assert {(f["kind"], f["subject"], f["from"], f["to"], f["scope"]) for f in found} == expected


def test_a_base_from_a_variable_set_outside_stays_unparsed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"Dockerfile": "FROM python:3.12-slim\n"},
                                {"Dockerfile": "ARG NODE_MAJOR\nFROM node:${NODE_MAJOR}-slim\n"})
    assert summary(found) == {("unparsed", "node", None, "${NODE_MAJOR}-slim"), ("removed", "python", "3.12-slim", None)}


def test_a_dockerfile_added_or_deleted_replaces_no_base(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    found = dependency_findings(repo, capsys, {"api/Dockerfile": "FROM python:3.12-slim\n"},
                                {"api/Dockerfile": None, "web/Dockerfile": "FROM node:20-slim\n"})
    assert summary(found) == {("added", "node", None, "20-slim"), ("removed", "python", "3.12-slim", None)}


def test_a_replaced_base_takes_the_place_of_the_new_images_finding() -> None:
    from ownership_gate.classifiers.dependency.compare import base_replaced
    from ownership_gate.classifiers.dependency.ecosystems.base import Requirement

    old, new = Requirement("python", "3.12-slim", 1), Requirement("node", "@sha256:" + "a" * 64, 3)
    added = diff("docker", "Dockerfile", "FROM python:3.12-slim AS b\nFROM python:3.12-slim\n",
                 "FROM python:3.12-slim AS b\nFROM node@sha256:" + "a" * 64 + "\n")
    assert [(f.kind, f.subject) for f in added] == [("added", "node")]
    found = base_replaced(added, old, new, REGISTRY["docker"])
    assert [(f.kind, f.subject, f.from_, f.to, f.line) for f in found] == [
        ("major", "node", "python:3.12-slim", "node@sha256:" + "a" * 64, 3)]
    assert base_replaced(added, old, old._replace(constraint="3.13-slim"), REGISTRY["docker"]) == added
    assert base_replaced(added, None, new, REGISTRY["docker"]) == added
