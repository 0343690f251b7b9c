"""`pipeline` findings: what a workflow change does, judged in real repositories."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.pipeline.compare import findings as compare
from tests.conftest import Repo, findings, kinds_and_subjects, run_json

POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
default_level: engineer
rules:
  - id: pipelines
    level: cto
    when: {type: pipeline}
    reason: How production is shipped and which secrets CI holds.
"""

CI = """\
name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.11", "3.12"]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python }}
      - run: pytest
"""

RELEASE = """\
name: Release
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m build
      - uses: pypa/gh-action-pypi-publish@release/v1
"""



@pytest.fixture
def gated(repo: Repo) -> str:
    return repo.commit({
        ".ownership-gate.yaml": POLICY,
        ".github/workflows/ci.yml": CI,
        ".github/workflows/release.yml": RELEASE,
    })


CD = """\
name: CD
on:
  push:
    branches: [main]
jobs:
  smoke-test:
    runs-on: ubuntu-latest
    steps:
      - run: make smoke
  deploy-int:
    needs: [smoke-test]
    if: ${{ !cancelled() && needs.smoke-test.result == 'success' }}
    runs-on: ubuntu-latest
    environment: int
    steps:
      - run: make deploy ENV=int
"""


@pytest.mark.parametrize(("after", "expected"), [
    # Held back until the regression tests pass too: it ships what it shipped, when it did or less often.
    (CD.replace("needs: [smoke-test]", "needs: [smoke-test, regression]").replace(
        "== 'success' }}", "== 'success' && needs.regression.result == 'success' }}"), []),
    # A condition that may run it where it did not run: `always()` or-ed in.
    (CD.replace("if: ${{ !cancelled() &&", "if: ${{ always() || !cancelled() &&"),
     [("deploy", ".github/workflows/cd.yml: job deploy-int")]),
    # Waiting on one job fewer lets it ship sooner.
    (CD.replace("needs: [smoke-test]", "needs: []").replace("if: ${{ !cancelled() && needs.smoke-test.result == 'success' }}", "if: ${{ !cancelled() }}"),
     [("deploy", ".github/workflows/cd.yml: job deploy-int")]),
])
def test_a_job_that_ships_held_back_for_more_jobs_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], after: str, expected: list[tuple[str, str]],
) -> None:
    regression = "  regression:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make regression\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/cd.yml": CD})
    repo.commit({".github/workflows/cd.yml": after.replace("  deploy-int:\n", regression + "  deploy-int:\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == expected
    assert code == (1 if expected else 0)


BUILD_AND_PUSH = """\
name: Build and push the api image
on:
  push:
    branches:
      - main
jobs:
  call-build-container-workflow:
    uses: acme/workflows/.github/workflows/build-container.yaml@main
    with:
      microservice_name: api
"""


@pytest.mark.parametrize(("path", "expected"), [
    # Its file says it deploys, whatever the reusable workflow it hands the work to is called: more branches ship.
    (".github/workflows/Build-and-deploy-api.yaml",
     [("deploy", ".github/workflows/Build-and-deploy-api.yaml: on")]),
    (".github/workflows/build-api.yaml", []),
])
def test_a_workflow_named_to_deploy_run_on_more_branches(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, expected: list[tuple[str, str]],
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: BUILD_AND_PUSH})
    repo.commit({path: BUILD_AND_PUSH.replace("      - main\n", "      - main\n      - release-*\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == expected
    assert code == (1 if expected else 0)


E2E = """\
name: End-to-end test
on:
  workflow_call:
jobs:
  JOB:
    name: NAME
    runs-on: ubuntu-latest
    environment: main
    steps:
      - uses: actions/checkout@v4
      - run: curl -fsS "https://dev.example.org/Patient?family=EVERYMAN" | jq -e '.entry[0]'
"""


@pytest.mark.parametrize(("job", "name", "expected"), [
    # A test job takes an environment for the credentials it tests the deployment with: it ships nothing.
    ("e2e", "End-to-end tests", []),
    # One named for shipping, or not named for testing, ships by its environment.
    ("deploy", "Deploy", [("deploy", ".github/workflows/end-to-end.yaml: job deploy")]),
    ("apply", "Apply", [("deploy", ".github/workflows/end-to-end.yaml: job apply")]),
])
def test_a_test_job_with_an_environment_ships_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str], job: str, name: str, expected: list[tuple[str, str]],
) -> None:
    workflow = E2E.replace("JOB", job).replace("NAME", name)
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/end-to-end.yaml": workflow})
    repo.commit({".github/workflows/end-to-end.yaml": workflow.replace("EVERYMAN", "SHEPARD")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == expected
    assert code == (1 if expected else 0)


def test_toolchain_matrix_and_test_steps_are_routine(repo: Repo, gated: str, capsys: pytest.CaptureFixture[str]) -> None:
    ci = CI.replace('["3.11", "3.12"]', '["3.12", "3.13"]').replace("run: pytest", "run: pytest -x --durations=10")
    release = RELEASE.replace('python-version: "3.12"', 'python-version: "3.13"').replace("checkout@v4", "checkout@v5")
    repo.commit({".github/workflows/ci.yml": ci, ".github/workflows/release.yml": release})
    code, doc = run_json(capsys, "--base", gated)
    assert kinds_and_subjects(doc, "pipeline") == []
    assert code == 0


def test_a_docker_step_image_bump_is_routine_and_a_new_image_is_not(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    ci = CI.replace("      - run: pytest\n", "      - uses: docker://acme/ci-goreleaser:1.21.4-1\n        with:\n          args: check\n"
                    "        env:\n          GORELEASER_KEY: ${{ secrets.GORELEASER_KEY }}\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/ci.yml": ci})
    repo.commit({".github/workflows/ci.yml": ci.replace(":1.21.4-1", ":1.21.5-1")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == []
    assert code == 0
    repo.commit({".github/workflows/ci.yml": ci.replace("acme/ci-goreleaser:1.21.4-1", "other/builder:2")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("action", ".github/workflows/ci.yml: docker://other/builder")]
    assert code == 1


def test_pull_request_target_is_a_trigger_finding(repo: Repo, gated: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".github/workflows/ci.yml": CI.replace("  pull_request:\n", "  pull_request_target:\n")})
    code, doc = run_json(capsys, "--base", gated)
    assert kinds_and_subjects(doc, "pipeline") == [("trigger", ".github/workflows/ci.yml: on pull_request_target")]
    assert code == 1


CHATOPS_CHECKOUT = """\
      - uses: actions/checkout@v4
        with:
          repository: ${{ github.event.client_payload.pull_request.head.repo.full_name }}
          ref: ${{ github.event.client_payload.pull_request.head.ref }}
"""


def test_checking_out_pull_request_code_in_a_run_that_holds_secrets(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ChatOps `/test` command (`repository_dispatch`) that checks out the pull request's branch runs
    that unreviewed code with the repository's secrets; on `pull_request` it would run without them."""
    chatops = CI.replace("  pull_request:\n", "  pull_request:\n  repository_dispatch:\n    types: [test-command]\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/ci.yml": chatops})
    repo.commit({".github/workflows/ci.yml": chatops.replace("      - uses: actions/checkout@v4\n", CHATOPS_CHECKOUT)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("checkout", ".github/workflows/ci.yml: job test")]
    (found,) = findings(doc, "pipeline")
    assert "(ref: ${{ github.event.client_payload.pull_request.head.ref }})" in found["detail"]
    assert "`repository_dispatch`" in found["detail"] and code == 1

    # The same checkout where only `pull_request` and `push` start the workflow holds no secrets for a fork.
    base = repo.commit({".github/workflows/ci.yml": CI})
    repo.commit({".github/workflows/ci.yml": CI.replace("      - uses: actions/checkout@v4\n", CHATOPS_CHECKOUT)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0


@pytest.mark.parametrize("ref", [
    "${{ github.event.pull_request.head.sha }}", "${{ github.head_ref }}", "refs/pull/${{ github.event.number }}/merge",
    "${{ github.event.workflow_run.head_branch }}",
])
def test_what_names_a_pull_requests_own_code(ref: str) -> None:
    from ownership_gate.classifiers.pipeline.workflow import untrusted_checkout

    assert untrusted_checkout({"uses": "actions/checkout@v4", "with": {"ref": ref}}) == f"ref: {ref}"
    assert untrusted_checkout({"uses": "actions/setup-node@v4", "with": {"ref": ref}}) is None
    assert untrusted_checkout({"uses": "actions/checkout@v4", "with": {"ref": "${{ github.sha }}"}}) is None


def test_permissions_widened_and_a_new_secret(repo: Repo, gated: str, capsys: pytest.CaptureFixture[str]) -> None:
    ci = CI.replace("  contents: read\n", "  contents: write\n").replace(
        "      - run: pytest\n", "      - run: pytest\n        env:\n          TOKEN: ${{ secrets.CODECOV_TOKEN }}\n"
    )
    repo.commit({".github/workflows/ci.yml": ci})
    code, doc = run_json(capsys, "--base", gated)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("permissions", ".github/workflows/ci.yml: contents"),
        ("secret", ".github/workflows/ci.yml: CODECOV_TOKEN"),
    ]
    detail = next(f["detail"] for f in findings(doc, "pipeline") if f["kind"] == "permissions")
    assert detail == "contents: read -> write (job test)"
    assert code == 1


def test_oidc_grant_where_the_default_token_applied(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    no_block = CI.replace("permissions:\n  contents: read\n", "")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/ci.yml": no_block})
    # An explicit block narrows the default token, except id-token, which the default never holds.
    repo.commit({".github/workflows/ci.yml": CI.replace("  contents: read\n", "  contents: read\n  id-token: write\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("permissions", ".github/workflows/ci.yml: id-token")]
    assert code == 1


def test_write_given_to_a_job_that_had_the_default_token(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The repository's default may be read-only (a workflow that failed until `packages: write` was added):
    write given where the job had the default is wider; read given takes nothing it lacked."""
    no_block = CI.replace("permissions:\n  contents: read\n", "")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/ci.yml": no_block})
    job_block = "    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n{more}"
    repo.commit({".github/workflows/ci.yml": no_block.replace("    runs-on: ubuntu-latest\n", job_block.format(more=""))})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    repo.commit({".github/workflows/ci.yml": no_block.replace(
        "    runs-on: ubuntu-latest\n", job_block.format(more="      packages: write\n"))})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("permissions", ".github/workflows/ci.yml: packages")]
    assert code == 1


def test_changing_the_shipping_job_or_its_triggers(repo: Repo, gated: str, capsys: pytest.CaptureFixture[str]) -> None:
    release = RELEASE.replace('tags: ["v*"]', 'tags: ["v*"]\n  workflow_dispatch:').replace(
        "environment: pypi", "environment: production"
    )
    repo.commit({".github/workflows/release.yml": release})
    code, doc = run_json(capsys, "--base", gated)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("deploy", ".github/workflows/release.yml: job publish"),
        ("deploy", ".github/workflows/release.yml: on"),
    ]
    detail = next(f["detail"] for f in findings(doc, "pipeline") if f["subject"].endswith("job publish"))
    assert "environment pypi -> production" in detail
    assert code == 1


def test_a_shipping_workflow_that_runs_on_fewer_events_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    manual = RELEASE.replace('tags: ["v*"]', 'tags: ["v*"]\n  workflow_dispatch:')
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/release.yml": manual})
    repo.commit({".github/workflows/release.yml": RELEASE})  # the manual run taken out
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    # The events it keeps, with other filters, are new ways to ship.
    repo.commit({".github/workflows/release.yml": RELEASE.replace('tags: ["v*"]', 'branches: ["**"]')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/release.yml: on")]
    assert code == 1


def test_a_time_limit_on_a_shipping_job_is_routine(repo: Repo, gated: str, capsys: pytest.CaptureFixture[str]) -> None:
    limited = RELEASE.replace("    environment: pypi\n", "    environment: pypi\n    timeout-minutes: 15\n").replace(
        "      - uses: actions/checkout@v4\n", "      - uses: actions/checkout@v4\n        timeout-minutes: 5\n", 1)
    assert limited.count("timeout-minutes") == 2
    repo.commit({".github/workflows/release.yml": limited})
    code, doc = run_json(capsys, "--base", gated)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    # What the job runs is still read beside it.
    repo.commit({".github/workflows/release.yml": limited.replace("environment: pypi", "environment: production")})
    code, doc = run_json(capsys, "--base", gated)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/release.yml: job publish")]
    assert code == 1


def test_a_shipping_workflow_run_at_other_times_of_its_schedule_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    nightly = RELEASE.replace('tags: ["v*"]', 'tags: ["v*"]\n  schedule:\n    - cron: "30 9 * * MON-FRI"')
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/release.yml": nightly})
    repo.commit({".github/workflows/release.yml": nightly.replace("30 9 * * MON-FRI", "22 15 * * MON-FRI")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    # One more time a day it ships is one more run, and a schedule where none was a new way to ship.
    twice = nightly.replace('    - cron: "30 9 * * MON-FRI"', '    - cron: "30 9 * * MON-FRI"\n    - cron: "0 18 * * *"')
    repo.commit({".github/workflows/release.yml": twice})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/release.yml: on")] and code == 1
    unscheduled = repo.commit({".github/workflows/release.yml": RELEASE})
    repo.commit({".github/workflows/release.yml": nightly})
    code, doc = run_json(capsys, "--base", unscheduled)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/release.yml: on")] and code == 1


MATRIX = RELEASE.replace("    environment: pypi\n", "    environment: pypi\n    strategy:\n      matrix:\n"
                                                 "        python: [\"3.12\"]\n")


@pytest.mark.parametrize(("before", "after", "changed"), [
    # The runner's image by its version, and how a matrix's jobs run beside each other: the same job.
    (RELEASE, RELEASE.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-24.04"), False),
    (MATRIX, MATRIX.replace("      matrix:\n", "      fail-fast: false\n      max-parallel: 2\n      matrix:\n"), False),
    # Another operating system is another job.
    (RELEASE, RELEASE.replace("runs-on: ubuntu-latest", "runs-on: windows-2022"), True),
])
def test_a_shipping_jobs_runner_version_and_matrix_settings_are_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, changed: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/release.yml": before})
    repo.commit({".github/workflows/release.yml": after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == (
        [("deploy", ".github/workflows/release.yml: job publish")] if changed else [])
    assert code == (1 if changed else 0)


def test_a_shipping_job_given_narrower_permissions_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # The job had the repository's default token, which may write everything; it is now read-only.
    default = RELEASE.replace("permissions:\n  contents: read\n", "").replace(
        "    permissions:\n      id-token: write\n", "")
    base = repo.commit({".github/workflows/release.yml": default})
    narrowed = default.replace("    environment: pypi\n", "    environment: pypi\n    permissions:\n      contents: read\n")
    repo.commit({".github/workflows/release.yml": narrowed})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    repo.commit({".github/workflows/release.yml": narrowed.replace("contents: read", "contents: write")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("permissions", ".github/workflows/release.yml: contents")]
    assert code == 1


def test_a_workflow_copied_from_another_is_judged_as_new(
    repo: Repo, gated: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """git reports a copy when the source changes too; the copy runs beside it, so all of it is new."""
    repo.commit({
        ".github/workflows/release.yml": RELEASE.replace("python -m build", "python -m build --sdist"),
        ".github/workflows/release-again.yml": RELEASE,
    })
    statuses = repo.git("diff", "--raw", "-C", gated, "HEAD")
    assert "C100\t.github/workflows/release.yml\t.github/workflows/release-again.yml" in statuses
    code, doc = run_json(capsys, "--base", gated)
    assert ("deploy", ".github/workflows/release-again.yml: job publish") in kinds_and_subjects(doc, "pipeline")
    assert code == 1


def test_new_workflow_that_ships_with_a_third_party_action(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY})
    deploy = """\
on: {push: {branches: [main]}}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: superfly/flyctl-actions/setup-flyctl@master
      - run: flyctl deploy --remote-only
        env:
          FLY_API_TOKEN: ${{ secrets.FLY_API_TOKEN }}
"""
    repo.commit({".github/workflows/deploy.yml": deploy})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("action", ".github/workflows/deploy.yml: superfly/flyctl-actions/setup-flyctl"),
        ("deploy", ".github/workflows/deploy.yml: job deploy"),
        ("secret", ".github/workflows/deploy.yml: FLY_API_TOKEN"),
    ]
    assert code == 1


def test_a_workflow_that_no_longer_parses_fails_closed(repo: Repo, gated: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".github/workflows/ci.yml": "on: [push\njobs: {"})
    code, doc = run_json(capsys, "--base", gated)
    assert [k for k, _ in kinds_and_subjects(doc, "pipeline")] == ["unparsed"]
    assert code == 1


def test_gitlab_deploy_job_id_tokens_and_outside_includes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = """\
stages: [test, deploy]
test:
  stage: test
  image: python:3.12
  script: [pytest]
"""
    after = before.replace("python:3.12", "python:3.13") + """\
include:
  - remote: https://example.org/templates/deploy.yml
deploy-prod:
  stage: deploy
  environment: production
  id_tokens:
    AWS_TOKEN:
      aud: sts.amazonaws.com
  script: [./deploy.sh]
"""
    base = repo.commit({".ownership-gate.yaml": POLICY, ".gitlab-ci.yml": before})
    repo.commit({".gitlab-ci.yml": after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("action", ".gitlab-ci.yml: remote: https://example.org/templates/deploy.yml"),
        ("deploy", ".gitlab-ci.yml: job deploy-prod"),
        ("permissions", ".gitlab-ci.yml: id_tokens"),
    ]
    assert code == 1


def test_renamed_onto_a_workflow_path_is_judged_as_new() -> None:
    # A file moved into .github/workflows/ starts running: it is compared with no workflow at all.
    found = compare("github", ".github/workflows/x.yml", None, RELEASE)
    assert ("permissions", ".github/workflows/x.yml: id-token") in [(f.kind, f.subject) for f in found]


def test_removing_a_shipping_workflow() -> None:
    found = compare("github", ".github/workflows/release.yml", RELEASE, None)
    assert [(f.kind, f.detail) for f in found] == [("deploy", "removed a pipeline that ships (publish)")]


CIRCLECI = """\
version: 2.1
orbs:
  node: circleci/node@5.1.0
defaults: &defaults
  docker:
    - image: cimg/node:18.17
jobs:
  test:
    <<: *defaults
    steps:
      - checkout
      - run: npm ci && npm test
  deploy:
    <<: *defaults
    steps:
      - checkout
      - run:
          name: Ship
          command: npx vercel deploy --prod --token "$VERCEL_TOKEN"
workflows:
  main:
    jobs:
      - test
      - deploy:
          requires: [test]
          context: vercel
          filters:
            branches:
              only: main
"""


def test_circleci_image_and_orb_bumps_are_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".circleci/config.yml": CIRCLECI})
    repo.commit({".circleci/config.yml": CIRCLECI.replace("cimg/node:18.17", "cimg/node:20.11")
                 .replace("circleci/node@5.1.0", "circleci/node@5.2.0").replace("npm ci && npm test", "npm ci && npm run test:ci")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == []
    assert code == 0


def test_circleci_orb_context_and_shipping_job(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".circleci/config.yml": CIRCLECI})
    changed = (CIRCLECI.replace("  node: circleci/node@5.1.0\n", "  node: circleci/node@5.1.0\n  slack: acme-tools/notify@1.2.0\n")
               .replace("--prod", "--prod --force")
               .replace("          context: vercel\n", "          context: [vercel, aws-prod]\n")
               .replace("              only: main\n", "              only: [main, staging]\n"))
    repo.commit({".circleci/config.yml": changed})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("action", ".circleci/config.yml: acme-tools/notify"),
        ("deploy", ".circleci/config.yml: job deploy"),
        ("deploy", ".circleci/config.yml: on"),
        ("secret", ".circleci/config.yml: context aws-prod"),
    ]
    assert code == 1


def test_circleci_a_shipping_job_no_longer_waiting_for_another(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".circleci/config.yml": CIRCLECI})
    repo.commit({".circleci/config.yml": CIRCLECI.replace("          requires: [test]\n", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".circleci/config.yml: on")]
    assert code == 1


def test_circleci_scripts_stay_with_the_release_path_rule(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "app\n", ".circleci/config.yml": CIRCLECI})  # the built-in policy
    repo.commit({".circleci/config.yml": CIRCLECI.replace("cimg/node:18.17", "cimg/node:20.11")})
    code, doc = run_json(capsys, "--base", base)
    assert code == 0
    repo.commit({".circleci/release.sh": "#!/bin/sh\nnpx vercel deploy --prod\n"})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["type"], f["rule"]) for c in doc["changes"] for f in c["findings"] if f["level"] == "cto"] == [
        ("path", "release-files")
    ]
    assert code == 1


def assert_pipeline_step(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str, found: list[tuple[str, str]]
) -> None:
    """`path` committed as `before`, then as `after`: exactly the pipeline findings `found`, exit 1 if any."""
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == found
    assert code == (1 if found else 0)


CIRCLECI_COMMANDS = """\
version: 2.1
commands:
  deploy_to:
    parameters:
      env: {type: string}
    steps:
      - run:
          name: Deploy to << parameters.env >>
          command: |
            helm upgrade app ./chart --install --wait --force \\
              --values values-<< parameters.env >>.yaml
  say:
    steps:
      - run: echo hello
jobs:
  test:
    docker: [{image: cimg/node:18.17}]
    steps:
      - checkout
      - say
      - run: npm test
  release:
    docker: [{image: cimg/base:2023.01}]
    steps:
      - checkout
      - deploy_to:
          env: production
workflows:
  main:
    jobs: [test, release]
"""


@pytest.mark.parametrize(("old", "new", "found"), [
    # A command the release job calls deploys differently: the release job changed.
    ("--wait --force", "--wait", [("deploy", ".circleci/config.yml: job release")]),
    # It now deploys somewhere else: the call's parameters are the job's too.
    ("env: production", "env: staging", [("deploy", ".circleci/config.yml: job release")]),
    # A command only a test job calls: nothing that ships changed.
    ("echo hello", "echo hi", []),
])
def test_circleci_commands_are_part_of_the_jobs_that_call_them(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, found: list[tuple[str, str]]
) -> None:
    assert_pipeline_step(repo, capsys, ".circleci/config.yml", CIRCLECI_COMMANDS, CIRCLECI_COMMANDS.replace(old, new),
                         found)


WOODPECKER = """\
when:
  - event: [push, pull_request, tag]
steps:
  test:
    image: docker.io/golang:1.22
    commands:
      - go test ./...
  publish-preview:
    image: woodpeckerci/plugin-docker-buildx:3.2.1
    settings:
      dry_run: true
      repo: acme/server
      tag: test
    when:
      event: pull_request
  publish:
    image: woodpeckerci/plugin-docker-buildx:3.2.1
    settings:
      repo: acme/server
      tags: [latest, 1.4.0]
      username:
        from_secret: docker_username
      password:
        from_secret: docker_password
    when:
      event: tag
"""


def test_woodpecker_version_bumps_are_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".woodpecker/docker.yaml": WOODPECKER})
    repo.commit({".woodpecker/docker.yaml": WOODPECKER.replace("golang:1.22", "golang:1.23")
                 .replace("plugin-docker-buildx:3.2.1", "plugin-docker-buildx:4.0.0").replace("1.4.0", "1.5.0")
                 .replace("go test ./...", "go test -race ./...")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == []
    assert code == 0


def test_woodpecker_preview_step_that_now_pushes_with_secrets(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".woodpecker/docker.yaml": WOODPECKER})
    repo.commit({".woodpecker/docker.yaml": WOODPECKER.replace(
        "      dry_run: true\n", "      registry_token:\n        from_secret: registry_token\n"
    ).replace("      tag: test\n", "      tag: pull_${CI_COMMIT_PULL_REQUEST}\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("deploy", ".woodpecker/docker.yaml: job publish-preview"),
        ("secret", ".woodpecker/docker.yaml: registry_token"),
    ]
    assert code == 1


DRONE = """\
kind: pipeline
name: default
steps:
  - name: build
    image: golang:1.21
    commands: [make build]
---
kind: pipeline
name: notify
steps:
  - name: chat
    image: plugins/slack
    settings:
      webhook:
        from_secret: slack_webhook
"""


def test_drone_documents_plugins_and_the_first_format_sections(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".drone.yml": DRONE})
    repo.commit({".drone.yml": DRONE + """\
  - name: ship
    image: acme-tools/drone-fly:2
    settings:
      app: web
      token:
        from_secret: fly_token
"""})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("action", ".drone.yml: acme-tools/drone-fly"),
        ("deploy", ".drone.yml: job notify: ship"),
        ("secret", ".drone.yml: fly_token"),
    ]
    assert code == 1
    legacy = "build:\n  image: golang:1.5\n  commands:\n    - make test\n"
    base = repo.commit({".drone.yml": legacy})
    repo.commit({".drone.yml": legacy + "publish:\n  s3:\n    acl: public-read\n    bucket: downloads.example.com\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".drone.yml: job s3")]
    assert code == 1


def test_a_drone_step_that_runs_commands_runs_no_plugin(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    step = ("kind: pipeline\nname: default\nsteps:\n- name: Unit Tests\n  image: IMAGE\n  commands:\n  - npm test\n"
            "  settings:\n    group: build-stage\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".drone.yml": step.replace("IMAGE", "quay.io/acme/sonar-node:1")})
    # The repository's own commands run in another image: a toolchain, not a third party's plugin.
    repo.commit({".drone.yml": step.replace("IMAGE", "node:14-alpine")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0


MAKEFILE = """\
VERSION := $(shell cat VERSION)
IMAGE = acme/app

.PHONY: test docker

test:
\tpytest -q

docker: build ## Build and publish the image
\t@echo "Publishing $(IMAGE):$(VERSION)"
\tdocker build -t $(IMAGE):$(VERSION) \\
\t\t--build-arg PYTHON_VERSION=3.12 .
\tdocker push $(IMAGE):$(VERSION)

define HELP
docker: not a target
\tdocker push not/a-recipe
endef
"""


def test_makefile_targets_that_ship() -> None:
    from ownership_gate.classifiers.pipeline.makefile import read

    jobs = read(MAKEFILE).jobs
    assert sorted(jobs) == ["docker", "test"]  # `.PHONY` is no target, a `define` block holds none
    assert jobs["docker"].ships and not jobs["test"].ships
    # Only the shipping lines are compared, with the file's variables written out (a version's left as written).
    assert jobs["docker"].shape == "docker push acme/app:$(VERSION)"
    # A rule with its recipe on the same line, targets with a double colon, and assignments that look alike.
    inline = read("release:: dist ; twine upload dist/*\nX := a:b\nY ::= c\nlint: ; ruff check .\n").jobs
    assert sorted(inline) == ["lint", "release"] and inline["release"].ships


def test_makefile_targets_named_for_a_release_ship() -> None:
    # A release assembled and packaged here ships by its name; what it prints is not what it ships.
    release = "release: clean ui\n\t@echo Packaging\n\tcp -r static $(BUILDPATH)\n\ttar czf app.tgz $(BUILDPATH)\n\n" \
              "prod:\n\tdocker compose -f docker-compose.prod.yml up --build\n"
    found = compare("make", "Makefile", release, release.replace("@echo Packaging", "@echo Packing"))
    assert found == []
    found = compare("make", "Makefile", release, release.replace("\ttar czf", "\trm -r $(BUILDPATH)/static/local\n\ttar czf"))
    assert [(f.kind, f.subject) for f in found] == [("deploy", "Makefile: target release")]
    # `prod` runs the production setup on this machine: not a release.
    found = compare("make", "Makefile", release, release.replace("--build", "--build --force-recreate"))
    assert found == []


def test_makefile_shipping_target_changes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "Makefile": MAKEFILE})
    # Wording, the build step, its build arguments and other targets are daily work.
    routine = repo.commit({"Makefile": MAKEFILE.replace("Publishing", "Pushing").replace("3.12", "3.13")
                           .replace("pytest -q", "pytest -q -x")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == []
    assert code == 0
    # Publishing for more platforms, with buildx, changes what is released.
    repo.commit({"Makefile": MAKEFILE.replace(
        "\tdocker push $(IMAGE):$(VERSION)\n",
        "\tdocker buildx build --platform linux/amd64,linux/arm64 -t $(IMAGE):$(VERSION) --push .\n")})
    code, doc = run_json(capsys, "--base", routine)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", "Makefile: target docker")]
    assert findings(doc, "pipeline")[0]["detail"] == "changed a target that ships"
    assert code == 1
    # A vendored project's Makefile is someone else's release, not ours.
    repo.commit({"vendor/github.com/x/lint/Makefile": "image-push:\n\tdocker push x/lint\n"})
    code, doc = run_json(capsys, "--base", "HEAD~1")
    assert kinds_and_subjects(doc, "pipeline") == []


def test_makefile_shipping_target_added_is_a_new_way_to_ship() -> None:
    found = compare("make", "mk/release.mk", "build:\n\tgo build ./...\n",
                    "build:\n\tgo build ./...\n\nrelease: build\n\tgoreleaser release\n\tgh release create $(TAG)\n")
    assert [(f.kind, f.subject, f.detail) for f in found] == [
        ("deploy", "mk/release.mk: target release", "added a target that ships")
    ]


BUILD_PUSH = """\
name: Publish checker
on:
  push:
    branches: [main]
jobs:
  build-image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: depot/build-push-action@v1
        with:
          file: checker.Dockerfile
          tags: ghcr.io/acme/checker:latest
          push: true
"""

HELMFILE = """\
name: Production apply
on:
  push:
    branches: [main]
jobs:
  helmfile-apply:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: helmfile --environment production sync
"""


@pytest.mark.parametrize(("workflow", "before", "after"), [
    # A drop-in for docker/build-push-action pushing the image: what it builds from is what ships.
    (BUILD_PUSH, "file: checker.Dockerfile", "file: checker/Dockerfile"),
    # helmfile sync applies the releases to the cluster.
    (HELMFILE, "      - run: helmfile", "      - run: helmfile --selector tier=web"),
])
def test_a_build_push_drop_in_and_helmfile_ship(workflow: str, before: str, after: str) -> None:
    found = compare("github", ".github/workflows/ship.yml", workflow, workflow.replace(before, after))
    assert [f.kind for f in found] == ["deploy"]
    # Pushing on some runs only (not for pull requests) still ships what it builds.
    some = workflow.replace("push: true", "push: ${{ github.event_name != 'pull_request' }}")
    assert [f.kind for f in compare("github", ".github/workflows/ship.yml", some, some.replace(before, after))] == [
        "deploy"]
    # Without pushing there is nothing to ship: the same edit is routine.
    quiet = workflow.replace("push: true", "push: false").replace("helmfile --environment production sync", "helmfile lint")
    assert compare("github", ".github/workflows/ship.yml", quiet, quiet.replace(before, after)) == []


PUBLISHED = """\
name: Publish
on:
  release:
    types: [published]
jobs:
  publish-artifacts:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: |
          VERSION="1.4.9"
          ./scripts/upload.sh "gateway-$VERSION"
      - uses: softprops/action-gh-release@v2
        with:
          release_name: gateway-1.4.9
"""


def test_the_release_number_a_shipping_job_publishes_under_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/publish.yml": PUBLISHED})
    repo.commit({".github/workflows/publish.yml": PUBLISHED.replace("1.4.9", "1.4.10")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == []
    assert code == 0
    # What the job runs to publish is still a change.
    repo.commit({".github/workflows/publish.yml": PUBLISHED.replace("./scripts/upload.sh", "./scripts/upload-all.sh")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/publish.yml: job publish-artifacts")]
    assert code == 1


MIRROR = """\
name: Mirror repositories
on:
  schedule:
    - cron: "0 2 * * *"
permissions:
  id-token: write
  contents: read
jobs:
  mirror:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/mirror
          aws-region: eu-west-2
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/ci/providers/github
          access_token_lifetime: 600s
      - run: ./mirror.sh
"""


@pytest.mark.parametrize(("old", "new", "expected"), [
    # An AWS role session from the default hour to three.
    ("          aws-region: eu-west-2\n", "          aws-region: eu-west-2\n          role-duration-seconds: 10800\n",
     "aws-actions/configure-aws-credentials credentials now last 10800 s, not 3600 s (job mirror)"),
    # A Google access token from ten minutes to an hour, as long as the AWS session already lasts.
    ("access_token_lifetime: 600s", "access_token_lifetime: 3600s",
     "google-github-actions/auth credentials now last 3600 s, not 600 s (job mirror)"),
    # Shorter, or computed at run time: nothing more is known to be held.
    ("access_token_lifetime: 600s", "access_token_lifetime: 300s", None),
    ("access_token_lifetime: 600s", "access_token_lifetime: ${{ vars.TOKEN_LIFETIME }}", None),
])
def test_cloud_credentials_held_longer_are_wider_permissions(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, expected: str | None
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/mirror.yml": MIRROR})
    assert old in MIRROR
    repo.commit({".github/workflows/mirror.yml": MIRROR.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    found = [f["detail"] for f in findings(doc, "pipeline")]
    assert found == ([expected] if expected else [])
    assert code == (1 if expected else 0)


PUSHING_MAKEFILE = """\
VERSION ?= 7.4.0
REGISTRY ?= quay.io/acme
DOCKER_BUILD_PLATFORM ?= linux/amd64,linux/arm64
DOCKER_BUILDX := docker buildx build --build-arg VERSION=${VERSION}
DOCKER_BUILDX_PUSH := $(DOCKER_BUILDX) --push

.PHONY: docker-push
docker-push:
\t$(DOCKER_BUILDX_PUSH) --platform ${DOCKER_BUILD_PLATFORM} -t $(REGISTRY)/proxy:${VERSION} .
"""


@pytest.mark.parametrize(("old", "new", "ships"), [
    # The push command lives in a variable: more platforms published is a changed shipping target.
    ("linux/amd64,linux/arm64\n", "linux/amd64,linux/arm64,linux/arm/v7\n", True),
    ("REGISTRY ?= quay.io/acme", "REGISTRY ?= ghcr.io/acme", True),
    # A release number bumped: the same command for the next release.
    ("VERSION ?= 7.4.0", "VERSION ?= 7.5.0", False),
])
def test_a_makefile_push_written_through_its_variables(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, ships: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "Makefile": PUSHING_MAKEFILE})
    assert old in PUSHING_MAKEFILE
    repo.commit({"Makefile": PUSHING_MAKEFILE.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == ([("deploy", "Makefile: target docker-push")] if ships else [])
    assert code == (1 if ships else 0)


NOTIFY = """\
on: {{push: {{branches: [main]}}}}
jobs:
  notify:
    runs-on: ubuntu-latest
    steps:
      - uses: {action}@v2
        with:
          webhook: ${{{{ secrets.{secret} }}}}
"""


@pytest.mark.parametrize(("action", "secret", "expected"), [
    # The same secret and another action of the same repository as an existing workflow: CI held both already.
    ("acme/ci-tools/slack-notify", "SLACK_WEBHOOK", []),
    ("acme/ci-tools", "SLACK_WEBHOOK", []),
    ("acme/ci-tools/slack-notify", "PAGER_TOKEN", [("secret", ".github/workflows/notify.yml: PAGER_TOKEN")]),
    ("other/notify-action", "SLACK_WEBHOOK", [("action", ".github/workflows/notify.yml: other/notify-action")]),
])
def test_a_secret_or_action_another_workflow_already_used_is_not_new(
    repo: Repo, capsys: pytest.CaptureFixture[str], action: str, secret: str, expected: list[tuple[str, str]]
) -> None:
    ci = CI.replace("      - run: pytest\n", "      - run: pytest\n      - uses: acme/ci-tools/report@v1\n"
                    "        with:\n          token: ${{ secrets.SLACK_WEBHOOK }}\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/ci.yml": ci})
    repo.commit({".github/workflows/notify.yml": NOTIFY.format(action=action, secret=secret)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == expected
    assert code == (1 if expected else 0)


def test_a_workflow_that_passed_every_secret_on_held_them_all(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    deploy = ("on: {push: {branches: [main]}}\njobs:\n  deploy:\n"
              "    uses: acme/workflows/.github/workflows/deploy.yml@v1\n    secrets: inherit\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/deploy.yml": deploy})
    repo.commit({".github/workflows/notify.yml": NOTIFY.format(action="acme/workflows/notify", secret="PAGER_TOKEN"),
                 ".github/workflows/ci.yml": deploy.replace("deploy", "check")})
    code, doc = run_json(capsys, "--base", base)
    # Passing every secret on is judged wherever it is newly written; a named one is already held.
    assert kinds_and_subjects(doc, "pipeline") == [
        ("secret", ".github/workflows/ci.yml: (all secrets, via secrets: inherit)")]
    assert code == 1


RELEASED = """\
on: {release: {types: [published]}}
permissions: {contents: write}
jobs:
  terraform-module:
    uses: acme/workflows/.github/workflows/%s@main
"""


@pytest.mark.parametrize(("old", "new", "found"), [
    # The job runs another workflow to release: how releases are made changed.
    ("release.yml", "release-published.yml", [("deploy", ".github/workflows/release.yml: job terraform-module")]),
    # A lint workflow swapped for another ships nothing, before or after.
    ("lint.yml", "lint-terraform.yml", []),
    # The workflow that turns automatic deploys on, named in the plural, ships too.
    ("lint.yml", "set-automatic-deploys.yaml", [("deploy", ".github/workflows/release.yml: job terraform-module")]),
    # The same workflow, its file's ending spelt the other way (its repository renamed `.yaml` to `.yml`).
    ("release.yaml", "release.yml", []),
    ("set-automatic-deploys.yml", "set-automatic-deploys.yaml", []),
])
def test_a_job_that_calls_a_reusable_workflow_named_for_shipping_ships(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, found: list[tuple[str, str]]
) -> None:
    assert_pipeline_step(repo, capsys, ".github/workflows/release.yml", RELEASED % old, RELEASED % new, found)


APPLY = """\
name: Apply production
on:
  push:
    branches: [production]
%s
jobs:
  apply:
    name: Apply
    uses: ./.github/workflows/apply.yml
    with:
      %s: production
      maintenance-mode-on: false
    secrets: inherit
"""


@pytest.mark.parametrize(("given", "found"), [
    # The called workflow is handed the production environment: it deploys there, and may now be run by hand.
    ("environment", [("deploy", ".github/workflows/apply-infra.yml: on")]),
    # An input named otherwise says nothing of where it ships (nor does the file's name, `apply-infra.yml`).
    ("stage", []),
])
def test_a_reusable_workflow_handed_an_environment_ships(
    repo: Repo, capsys: pytest.CaptureFixture[str], given: str, found: list[tuple[str, str]]
) -> None:
    assert_pipeline_step(repo, capsys, ".github/workflows/apply-infra.yml", APPLY % ("", given),
                         APPLY % ("  workflow_dispatch:", given), found)


PINNED = """\
name: Publish image
on: {push: {branches: [main]}}
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@%(checkout)s
      - uses: docker/login-action@%(login)s
        with:
          registry: ghcr.io
          password: ${{ secrets.GITHUB_TOKEN }}
      - run: make image
"""
SHA_A, SHA_B = "b4ffde65f46336ab88eb53be808477a3936bae11", "11bd71901bbe5b1630ceea73d27597364c9af683"


@pytest.mark.parametrize(("before", "after", "expected"), [
    ({"checkout": SHA_A, "login": SHA_A}, {"checkout": "v4", "login": SHA_A},
     [("unpinned", ".github/workflows/publish.yml: actions/checkout")]),
    ({"checkout": SHA_A, "login": SHA_A}, {"checkout": SHA_B, "login": SHA_B}, []),  # a pin moved to another pin
    ({"checkout": "v3", "login": "v2"}, {"checkout": "v4", "login": "v3"}, []),  # never pinned: a version bump
])
def test_an_action_no_longer_pinned_to_a_commit(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: dict[str, str], after: dict[str, str],
    expected: list[tuple[str, str]],
) -> None:
    path = ".github/workflows/publish.yml"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: PINNED % before})
    repo.commit({path: PINNED % after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == expected
    if expected:
        assert findings(doc, "pipeline")[0]["detail"].startswith("actions/checkout is no longer pinned to a commit")
    assert code == (1 if expected else 0)


AUTO_MERGE = """\
name: Dependabot auto-merge
on: pull_request
permissions:
  contents: write
  pull-requests: write
jobs:
  dependabot:
    runs-on: ubuntu-latest
    if: github.actor == 'dependabot[bot]'
    steps:
      - uses: dependabot/fetch-metadata@v2
        id: metadata
%s      - run: gh pr merge --auto --squash "$PR_URL"
        env:
          PR_URL: ${{ github.event.pull_request.html_url }}
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"""
APPROVE = """\
      - run: gh pr review --approve "$PR_URL"
        env:
          PR_URL: ${{ github.event.pull_request.html_url }}
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"""


def test_a_workflow_approving_pull_requests_by_itself(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # The bot's approval is what let Dependabot's pull requests past a required review: taking it away, or
    # adding it, changes what the review gate lets through.
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/auto-merge.yml": AUTO_MERGE % APPROVE})
    repo.commit({".github/workflows/auto-merge.yml": AUTO_MERGE % ""})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("review", ".github/workflows/auto-merge.yml: pull requests")]
    assert findings(doc, "pipeline")[0]["detail"].endswith("no longer gh pr review --approve")
    assert code == 1
    # The same steps with a newer action and the job renamed: nothing CI approves or merges changed.
    repo.commit({".github/workflows/auto-merge.yml": (AUTO_MERGE % APPROVE).replace(
        "fetch-metadata@v2", "fetch-metadata@v3").replace("  dependabot:\n", "  automerge:\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0


def test_an_auto_approve_action_is_a_review_step() -> None:
    from ownership_gate.classifiers.pipeline.workflow import reviewing

    assert reviewing([{"uses": "hmarr/auto-approve-action@v4"}, {"uses": "actions/checkout@v4"},
                      {"run": "gh pr merge --auto --squash \"$PR\""}, {"run": "gh pr view"},
                      {"uses": "cloudposse/actions/github/auto-approve@0.18.0"}]) == {
        "hmarr/auto-approve-action", 'gh pr merge --auto --squash "$PR"', "cloudposse/actions/github/auto-approve"}


@pytest.mark.parametrize(("old", "new"), [
    # Whose pull requests the bot merges by itself: anyone's now, not only Dependabot's.
    ("    if: github.actor == 'dependabot[bot]'\n", ""),
    # When it runs: also on a review submitted.
    ("on: pull_request\n", "on: [pull_request, pull_request_review]\n"),
])
def test_when_and_for_whom_ci_merges_pull_requests_by_itself(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    workflow = AUTO_MERGE % APPROVE
    assert old in workflow
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/auto-merge.yml": workflow})
    repo.commit({".github/workflows/auto-merge.yml": workflow.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert ("review", ".github/workflows/auto-merge.yml: pull requests") in kinds_and_subjects(doc, "pipeline")
    assert code == 1


def test_a_gitlab_job_approving_merge_requests_by_itself(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    pipeline = ("stages: [test]\n\nunit:\n  stage: test\n  script:\n    - pytest\n%s")
    approve = ("\nrenovate-approve:\n  stage: test\n  rules:\n    - if: $CI_MERGE_REQUEST_AUTHOR == 'renovate-bot'\n"
               "  script:\n    - glab mr approve \"$CI_MERGE_REQUEST_IID\"\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".gitlab-ci.yml": pipeline % ""})
    repo.commit({".gitlab-ci.yml": pipeline % approve})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("review", ".gitlab-ci.yml: pull requests")]
    assert code == 1


@pytest.mark.parametrize(("command", "ships"), [
    ("terragrunt apply --terragrunt-non-interactive -auto-approve", True),
    ("terragrunt run-all apply", True),
    ("terraform destroy -auto-approve", True),
    ("terragrunt plan -out plan.tfplan", False),
    # A task runner's target named for shipping.
    ("make docker-release", True), ("make -j4 release", True), ("npm run deploy:prod", True), ("just publish", True),
    ("yarn release", True), ("make build-and-push", True),
    ("make test", False), ("npm run prerelease-check", False), ("make pushd", False),
    ("make V=1 release", True), ("make DOCKER_BUILD_PUSH=true build-docker", False),  # a variable is no target
])
def test_terragrunt_and_destroy_commands_ship(command: str, ships: bool) -> None:
    from ownership_gate.classifiers.pipeline.workflow import SHIPPING_COMMAND

    assert bool(SHIPPING_COMMAND.search(command)) is ships


BUILD_LATEST = """\
name: CI
on: [push]
jobs:
  build-latest:
    runs-on: ubuntu-latest
    if: github.ref == 'refs/heads/main'
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          registry: ${{ env.REGISTRY }}
          username: ${{ github.actor }}
          password: ${{ secrets.GITHUB_TOKEN }}
      - name: Build and push Docker image
        run: make docker-release
"""


def test_a_job_that_ships_through_a_make_target_named_for_it(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/ci.yml": BUILD_LATEST})
    repo.commit({".github/workflows/ci.yml": BUILD_LATEST.replace("${{ env.REGISTRY }}", "ghcr.io")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/ci.yml: job build-latest")]
    assert code == 1


SMOKE = """\
name: smoke
on:
  pull_request:
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Lint
        run: pylint --disable=W0511 ./src
%s      - name: Deploy from source
        run: |
          skaffold run --default-repo local
          kubectl wait --for=condition=available deployment/frontend
"""
KIND = "      - name: Cluster\n        run: kind create cluster\n"


def test_a_job_deploying_to_the_cluster_it_created_ships_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The job tests its manifests on a throwaway kind cluster: editing its lint step changes no way to ship.
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/smoke.yml": SMOKE % KIND})
    repo.commit({".github/workflows/smoke.yml": (SMOKE % KIND).replace("--disable=W0511", "--rcfile=.pylintrc")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    # Without the cluster of its own, `skaffold run` deploys wherever the runner's credentials point.
    repo.commit({".github/workflows/smoke.yml": SMOKE % ""})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/smoke.yml: job e2e")]
    assert code == 1


@pytest.mark.parametrize(("runs", "uses", "ships"), [
    ("kind create cluster\nkubectl apply -f k8s/", (), False),
    ("minikube start\nhelm install app ./chart", (), False),
    ("helm install app ./chart", ("helm/kind-action@v1",), False),
    ("k3d cluster create ci\nskaffold run", (), False),
    ("kind create cluster\nkubectl apply -f k8s/\ndocker push ghcr.io/acme/app", (), True),  # the image is published
    ("kubectl apply -f k8s/", (), True),
    ("pytest", ("helm/kind-action@v1",), False),
])
def test_cluster_commands_ship_unless_the_job_made_the_cluster(runs: str, uses: tuple[str, ...], ships: bool) -> None:
    from ownership_gate.classifiers.pipeline.workflow import ships_by_command

    assert ships_by_command(runs, uses) is ships


CLOUD_BUILD = """\
steps:
  - name: gcr.io/cloud-builders/docker:24.0.9
    args: [build, -t, europe-docker.pkg.dev/$PROJECT_ID/app/web:$SHORT_SHA, .]
  - name: gcr.io/cloud-builders/gcloud
    args:
      - compute
      - instance-groups
      - managed
      - rolling-action
      - start-update
      - web-prod
      - --max-surge=1
      - --max-unavailable=0
%s
timeout: 1800s
"""
SECRETS = """\
availableSecrets:
  secretManager:
    - versionName: projects/$PROJECT_ID/secrets/deploy-key/versions/latest
      env: DEPLOY_KEY
"""


def test_a_cloud_build_config_that_deploys(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "cloudbuild/prod/deploy.yaml": CLOUD_BUILD % ""})
    # A builder image's tag is a toolchain version.
    repo.commit({"cloudbuild/prod/deploy.yaml": (CLOUD_BUILD % "").replace("docker:24.0.9", "docker:27.1.1")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    # How the production group rolls out is how production is shipped; a secret handed to the build is new.
    repo.commit({"cloudbuild/prod/deploy.yaml": (CLOUD_BUILD % SECRETS).replace(
        "--max-surge=1\n      - --max-unavailable=0", "--max-surge=3\n      - --max-unavailable=3")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [
        ("deploy", "cloudbuild/prod/deploy.yaml: job build"),
        ("secret", "cloudbuild/prod/deploy.yaml: DEPLOY_KEY (projects/$PROJECT_ID/secrets/deploy-key/versions/latest)"),
    ]
    assert code == 1


def test_a_cloud_build_config_that_only_tests_ships_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    tests = ("steps:\n  - name: python:3.12\n    entrypoint: bash\n    args: [-c, 'pip install -r requirements.txt && pytest']\n"
             "artifacts:\n  objects:\n    location: gs://$PROJECT_ID-reports\n    paths: [report.xml]\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, "cloudbuild.yaml": tests})
    repo.commit({"cloudbuild.yaml": tests.replace("pytest", "pytest -x")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0
    # Images listed under `images` are pushed when the steps are done: the build now publishes.
    repo.commit({"cloudbuild.yaml": tests + "images: [europe-docker.pkg.dev/$PROJECT_ID/app/web]\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", "cloudbuild.yaml: job build")]
    assert code == 1


@pytest.mark.parametrize(("path", "platform"), [
    ("cloudbuild.yaml", "cloudbuild"),
    ("build/cloudbuild-tf-apply.yaml", "cloudbuild"),
    ("build/int.cloudbuild.yaml", "cloudbuild"),
    ("cloudbuild/staging/deploy.yaml", "cloudbuild"),
    ("docs/cloudbuild.md", None),
    ("deploy/build.yaml", None),
])
def test_cloud_build_files(path: str, platform: str | None) -> None:
    from ownership_gate.classifiers.pipeline.findings import platform as platform_of

    assert platform_of(path) == platform


JENKINSFILE = """\
#!/usr/bin/env groovy

pipeline {
  agent any
  stages {
    stage('Test') {
      steps {
        sh 'make test'
      }
    }
    stage('Push binary to S3') {
      when { branch 'main' }
      steps {
        // for AWS releases
        govuk.uploadArtefactToS3('router', "s3://govuk-integration-artefact/router/release/router")
      }
    }
    stage('Deploy') {
      steps {
        withCredentials([string(credentialsId: 'deploy-token', variable: 'TOKEN')]) {
          sh 'kubectl apply -f k8s/'
        }
      }
    }
  }
}
"""


@pytest.mark.parametrize(("after", "expected"), [
    # Test stages added and run in parallel, a stage re-indented, quotes swapped, a comment reworded: daily work.
    (JENKINSFILE.replace("    stage('Test') {\n      steps {\n        sh 'make test'\n      }\n    }\n",
                         "    stage('Tests') {\n      parallel {\n        stage('Unit') { steps { sh \"make test\" } }\n"
                         "        stage('ZAP') { steps { sh 'make zap' } }\n      }\n    }\n")
     .replace("// for AWS releases", "// the binary AWS runs")
     .replace("govuk.uploadArtefactToS3('router',", 'govuk.uploadArtefactToS3("router",'), []),
    # The step that uploads what is released, pointed elsewhere.
    (JENKINSFILE.replace("release/router\")", "release/router-v2\")"), [("deploy", "Jenkinsfile")]),
    # Another credential handed to the deploy step.
    (JENKINSFILE.replace("'deploy-token'", "'cluster-admin-token'"), [("deploy", "Jenkinsfile")]),
    # The release stage taken out.
    (JENKINSFILE.split("    stage('Push binary")[0] + "  }\n}\n", [("deploy", "Jenkinsfile")]),
])
def test_a_jenkinsfile_is_judged_by_its_lines_that_ship(
    repo: Repo, capsys: pytest.CaptureFixture[str], after: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "Jenkinsfile": JENKINSFILE})
    repo.commit({"Jenkinsfile": after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == expected
    assert code == (1 if expected else 0)


def test_a_test_only_jenkinsfile_added_or_deleted_ships_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    tests_only = "pipeline {\n  stages {\n    stage('Lint') { steps { sh 'npm run lint' } }\n  }\n}\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "hi\n"})
    added = repo.commit({"Jenkinsfile": tests_only})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == []
    repo.commit({"Jenkinsfile": None})
    code, doc = run_json(capsys, "--base", added)
    assert kinds_and_subjects(doc, "pipeline") == []
    assert code == 0


def test_the_startup_policy_leaves_a_jenkinsfile_to_its_reader(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"Jenkinsfile": JENKINSFILE})
    routine = repo.commit({"Jenkinsfile": JENKINSFILE.replace("make test", "make test-all")})
    code, doc = run_json(capsys, "--base", base)
    assert doc["required_level"] == "engineer"
    assert code == 0
    repo.commit({"Jenkinsfile": JENKINSFILE.replace("kubectl apply -f k8s/", "helm upgrade app chart/")})
    code, doc = run_json(capsys, "--base", routine)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", "Jenkinsfile")]
    assert doc["required_level"] == "cto"


SITE = """\
name: Deploy site
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm ci
      - run: npm test -- --coverage
      - name: Publish
        run: aws s3 sync dist/ s3://example-site --delete
        env:
          AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
"""


@pytest.mark.parametrize(("before", "after"), [
    ("      - run: npm test -- --coverage\n", "      - run: npm test\n      - run: npm run lint\n"),
    ("      - run: npm ci\n", "      - run: npm ci --prefer-offline\n      - run: echo \"built $(date)\"\n"),
    ("      - run: npm test -- --coverage\n", ""),
    ("      - uses: actions/setup-node@v4\n        with:\n          node-version: 22\n",
     "      - uses: actions/setup-node@v4\n        with:\n          node-version: 22\n          cache: npm\n"),
])
def test_a_shipping_job_changed_only_in_steps_that_neither_ship_nor_reach_out_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/site.yml": SITE})
    assert before in SITE
    repo.commit({".github/workflows/site.yml": SITE.replace(before, after)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [] and code == 0


@pytest.mark.parametrize(("before", "after", "expected"), [
    # What the shipping step runs, and where.
    ("s3://example-site --delete", "s3://example-site-v2 --delete", [("deploy", "job deploy")]),
    # A step that reads a secret, runs a cloud command, or runs someone else's code.
    ("      - run: npm ci\n", "      - run: npm ci\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
     [("deploy", "job deploy"), ("secret", "NPM_TOKEN")]),
    ("      - run: npm ci\n", "      - run: npm ci\n      - run: aws cloudfront create-invalidation --paths '/*'\n",
     [("deploy", "job deploy")]),
    ("      - run: npm ci\n", "      - run: npm ci\n      - uses: acme/notify-action@v1\n",
     [("action", "acme/notify-action"), ("deploy", "job deploy")]),
    ("      - run: npm ci\n", "      - run: npm ci\n      - run: ./scripts/upload-assets.sh\n",
     [("deploy", "job deploy")]),
    # Where a set-up tool publishes to, and what every later step runs with.
    ("          node-version: 22\n", "          node-version: 22\n          registry-url: https://npm.pkg.github.com\n"
     "          scope: '@acme'\n", [("deploy", "job deploy")]),
    ("      - run: npm ci\n", "      - run: npm ci\n      - run: echo \"DOCKER_CONTENT_TRUST=0\" >> $GITHUB_ENV\n",
     [("deploy", "job deploy")]),
    # Which code is checked out is what ships.
    ("      - uses: actions/checkout@v4\n", "      - uses: actions/checkout@v4\n        with:\n          ref: release\n",
     [("deploy", "job deploy")]),
    # The job itself: its environment, runner or conditions.
    ("    environment: production\n", "    environment: production\n    if: github.actor != 'bot'\n",
     [("deploy", "job deploy")]),
])
def test_a_step_that_ships_or_reaches_out_still_asks(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/site.yml": SITE})
    assert before in SITE
    repo.commit({".github/workflows/site.yml": SITE.replace(before, after)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [
        (kind, f".github/workflows/site.yml: {subject}") for kind, subject in expected]
    assert code == 1


def test_where_a_job_ships_cannot_be_told_from_its_steps(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # No step of it ships or reaches out: it ships by its environment, through a step not recognised, so every
    # step change is read as a change to what it ships.
    quiet = SITE.replace("      - name: Publish\n        run: aws s3 sync dist/ s3://example-site --delete\n"
                         "        env:\n          AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}\n",
                         "      - run: node tools/go.js\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/site.yml": quiet})
    repo.commit({".github/workflows/site.yml": quiet.replace("node tools/go.js", "node tools/go.js --all")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "pipeline") == [("deploy", ".github/workflows/site.yml: job deploy")]
    assert code == 1


GITLAB_DEPLOY = """\
stages: [test, deploy]
deploy_production:
  stage: deploy
  environment: production
  script:
    - echo "deploying $CI_COMMIT_SHA"
    - npm run build
    - kubectl apply -f k8s/production.yaml
"""
CIRCLE_DEPLOY = """\
version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/node:22.0
    steps:
      - checkout
      - run: npm test
      - run: npx serverless deploy --stage production
workflows:
  main:
    jobs:
      - deploy
"""


@pytest.mark.parametrize(("platform", "path", "text", "inert", "shipping"), [
    ("gitlab", ".gitlab-ci.yml", GITLAB_DEPLOY, ('echo "deploying', 'echo "shipping'),
     ("k8s/production.yaml", "k8s/live.yaml")),
    ("circleci", ".circleci/config.yml", CIRCLE_DEPLOY, ("npm test", "npm test -- --ci"),
     ("--stage production", "--stage live")),
])
def test_gitlab_and_circleci_jobs_changed_only_in_inert_lines(
    platform: str, path: str, text: str, inert: tuple[str, str], shipping: tuple[str, str]
) -> None:
    assert compare(platform, path, text, text.replace(*inert)) == []
    assert [f.kind for f in compare(platform, path, text, text.replace(*shipping))] == ["deploy"]


LINT = """\
name: Lint
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: terraform-linters/setup-tflint@v4
      - run: tflint --recursive
"""


@pytest.mark.parametrize(("before", "after", "expected"), [
    # A linter's action in a job that ships nothing, reads no secret and may not write holds nothing to give away.
    ("", "", []),
    # Handed the run's token, a credential, or the secrets of a reusable workflow, it holds them.
    ("      - uses: terraform-linters/setup-tflint@v4\n",
     "      - uses: terraform-linters/setup-tflint@v4\n        with:\n          github_token: ${{ secrets.GITHUB_TOKEN }}\n",
     [("action", "terraform-linters/setup-tflint")]),
    ("      - uses: terraform-linters/setup-tflint@v4\n",
     "      - uses: terraform-linters/setup-tflint@v4\n        with:\n          api-key: 18f4ef488f514d06874b75f5809cea93\n",
     [("action", "terraform-linters/setup-tflint")]),
    ("  contents: read\n", "  contents: write\n", [("action", "terraform-linters/setup-tflint")]),
])
def test_a_new_third_party_action_that_holds_nothing_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], before: str, after: str, expected: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY})
    repo.commit({".github/workflows/lint.yml": LINT.replace(before, after) if before else LINT})
    code, doc = run_json(capsys, "--base", base)
    found = [(kind, subject.rpartition(": ")[2]) for kind, subject in kinds_and_subjects(doc, "pipeline")
             if kind == "action"]
    assert found == expected
    assert code == (1 if expected else 0)


def test_a_reusable_workflow_handed_every_secret_holds_them(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, ".github/workflows/lint.yml": LINT})
    repo.commit({".github/workflows/lint.yml": LINT + (
        "  regression:\n    uses: acme/functional-tests/.github/workflows/e2e.yaml@main\n    secrets: inherit\n")})
    code, doc = run_json(capsys, "--base", base)
    assert ("action", ".github/workflows/lint.yml: acme/functional-tests/.github/workflows/e2e.yaml") in (
        kinds_and_subjects(doc, "pipeline"))
    assert code == 1


BUILD_AND_PUBLISH = """\
name: Publish
on:
  push:
    branches: [main]
permissions:
  id-token: write
jobs:
  build:
    name: CDP-build-workflow
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build
        uses: acme/build-action/build@main
      - name: STEP
        uses: acme/build-action/ACTION@main
        with:
          path: ./changelog
      - name: Publish test results
        uses: acme/reporter@v2
"""


@pytest.mark.parametrize(("step", "action", "ships"), [
    ("Publish Database Schema", "db-migrations", True),
    ("Schema", "publish-db-migrations", True),
    # Named for shipping what only reports: test results, coverage, release notes.
    ("Schema", "db-migrations", False),
    ("Publish coverage report", "upload", False),
])
def test_a_job_with_a_step_named_for_shipping_ships(step: str, action: str, ships: bool) -> None:
    workflow = BUILD_AND_PUBLISH.replace("STEP", step).replace("ACTION", action)
    found = compare("github", ".github/workflows/publish.yml", workflow,
                    workflow.replace("      - uses: actions/checkout@v4\n",
                                     "      - uses: actions/checkout@v4\n      - run: echo start\n")
                    .replace("path: ./changelog", "path: ./changelog\n          force: true"))
    assert [f.kind for f in found] == (["deploy"] if ships else [])


def test_a_step_that_runs_commands_is_judged_by_them_not_its_name() -> None:
    # `Publish Telescope assets` copies a package's assets into the application: its command ships nothing.
    workflow = BUILD_AND_PUBLISH.replace(
        "      - name: STEP\n        uses: acme/build-action/ACTION@main\n        with:\n          path: ./changelog\n",
        "      - name: Publish Telescope assets\n        run: php artisan telescope:publish\n")
    found = compare("github", ".github/workflows/publish.yml", workflow,
                    workflow.replace("telescope:publish", "telescope:publish --force"))
    assert found == []
