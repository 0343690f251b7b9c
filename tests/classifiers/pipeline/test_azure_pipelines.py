"""`pipeline` findings for Azure Pipelines YAML: stages, deployment jobs, variable groups, key vaults, templates."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.pipeline.compare import findings, read
from ownership_gate.classifiers.pipeline.findings import platform
from tests.conftest import Repo, kinds_and_subjects, run_json
from tests.test_hook_imports import POLICY as HOOK_POLICY
from tests.test_hook_imports import _staged_run

PATH = "azure-pipelines.release.yml"

RELEASE = """\
name: $(Date:yyyyMMdd)$(Rev:.r)

trigger:
  branches:
    include: [main]
pr: none

resources:
  repositories:
    - repository: templates
      type: github
      name: contoso/pipeline-templates
      ref: refs/tags/v1.4
      endpoint: contoso

variables:
  - name: buildConfiguration
    value: Release

pool:
  vmImage: ubuntu-22.04

stages:
  - stage: Build
    displayName: Build and test
    jobs:
      - job: Build
        steps:
          - task: UseDotNet@2
            inputs:
              version: 8.x
          - task: DotNetCoreCLI@2
            inputs:
              command: build
              arguments: --configuration $(buildConfiguration)
          - task: DotNetCoreCLI@2
            displayName: Unit tests
            inputs:
              command: test
              projects: "**/*.UnitTests.csproj"
          - template: steps/sonar-scan.yml@templates
          - script: dotnet ef migrations script --idempotent --output $(Build.ArtifactStagingDirectory)/migrate.sql
            displayName: Script the EF migrations
          - publish: $(Build.ArtifactStagingDirectory)
            artifact: drop

  - stage: Staging
    dependsOn: Build
    variables:
      - group: bookings-staging
    jobs:
      - deployment: Web
        environment: bookings-staging
        strategy:
          runOnce:
            deploy:
              steps:
                - task: AzureKeyVault@2
                  inputs:
                    azureSubscription: contoso-staging
                    KeyVaultName: kv-bookings-staging
                    SecretsFilter: SqlConnection
                - task: AzureCLI@2
                  displayName: Open the SQL firewall
                  inputs:
                    azureSubscription: contoso-staging
                    scriptType: bash
                    scriptLocation: inlineScript
                    inlineScript: az sql server firewall-rule create -g bookings -s sql-bookings-staging -n agent
                - task: AzureWebApp@1
                  inputs:
                    azureSubscription: contoso-staging
                    appName: bookings-staging
                    package: $(Pipeline.Workspace)/drop/**/*.zip
                - script: curl --fail https://bookings-staging.azurewebsites.net/health
                  displayName: Health check
"""

PRODUCTION = """\

  - stage: Production
    dependsOn: Staging
    jobs:
      - deployment: Web
        environment: bookings-production
        strategy:
          runOnce:
            deploy:
              steps:
                - template: steps/swap-slots.yml@templates
                  parameters:
                    azureSubscription: contoso-production
                    appName: bookings-production
"""


def _found(old: str | None, new: str | None, path: str = PATH) -> list[tuple[str, str]]:
    return sorted((f.kind, f.subject) for f in findings("azure", path, old, new))


def test_a_new_deployment_stage_ships_with_a_new_service_connection() -> None:
    assert _found(RELEASE, RELEASE + PRODUCTION) == [
        # Its step template from the template repository now runs where it holds production's credentials.
        ("action", f"{PATH}: repository contoso/pipeline-templates (refs/tags/v1.4)"),
        ("deploy", f"{PATH}: job Production/Web"),
        ("secret", f"{PATH}: service connection contoso-production"),
    ]


def test_a_deployment_moved_to_another_environment() -> None:
    found = findings("azure", PATH, RELEASE, RELEASE.replace(
        "environment: bookings-staging", "environment:\n          name: bookings-production"))
    assert [(f.kind, f.subject, f.detail) for f in found] == [(
        "deploy", f"{PATH}: job Staging/Web",
        "changed a job that ships (environment bookings-staging -> bookings-production)",
    )]


@pytest.mark.parametrize(("after", "secret"), [
    (RELEASE.replace("      - group: bookings-staging\n", "      - group: bookings-staging\n      - group: payments-prod\n"),
     "group payments-prod"),
    # A variable group inserted by a template expression is read as well.
    (RELEASE.replace("      - group: bookings-staging\n",
                     "      - group: bookings-staging\n      - ${{ if eq(variables.live, true) }}:\n"
                     "        - group: payments-prod\n"),
     "group payments-prod"),
    (RELEASE.replace("SecretsFilter: SqlConnection", "SecretsFilter: 'SqlConnection,StripeApiKey'"),
     "keyvault kv-bookings-staging: StripeApiKey"),
    (RELEASE.replace("SecretsFilter: SqlConnection", "SecretsFilter: '*'"), "keyvault kv-bookings-staging: *"),
])
def test_a_new_variable_group_or_key_vault_secret(after: str, secret: str) -> None:
    assert _found(RELEASE, after) == [("deploy", f"{PATH}: job Staging/Web"), ("secret", f"{PATH}: {secret}")]


def test_a_shipping_job_changed_only_in_an_inert_step_is_routine() -> None:
    after = RELEASE.replace("curl --fail https://", "curl --fail --retry 5 https://").replace(
        "                  displayName: Health check\n",
        "                  displayName: Health check\n                - script: echo \"done\"\n")
    assert _found(RELEASE, after) == []
    # The inline script of a task that reaches Azure is no inert step.
    assert _found(RELEASE, RELEASE.replace("-n agent", "-n agent --start-ip-address 0.0.0.0")) == [
        ("deploy", f"{PATH}: job Staging/Web")]


def test_a_task_major_bump_or_a_hosted_image_bump_is_routine() -> None:
    after = RELEASE.replace("AzureCLI@2", "AzureCLI@3").replace("AzureWebApp@1", "AzureWebApp@2").replace(
        "ubuntu-22.04", "ubuntu-24.04").replace("version: 8.x", "version: 9.x")
    assert _found(RELEASE, after) == []


def test_a_trigger_change_on_a_shipping_pipeline() -> None:
    assert _found(RELEASE, RELEASE.replace("include: [main]", "include: [main, hotfix/*]")) == [
        ("deploy", f"{PATH}: on")]
    # Pull requests now run it too: every branch, as `pr` left out does.
    assert _found(RELEASE, RELEASE.replace("pr: none\n", "")) == [("deploy", f"{PATH}: on")]
    # Run on completion of another pipeline.
    upstream = RELEASE.replace("resources:\n", (
        "resources:\n  pipelines:\n    - pipeline: api\n      source: bookings-api-ci\n"
        "      trigger:\n        branches: [main]\n"))
    assert _found(RELEASE, upstream) == [("deploy", f"{PATH}: on")]
    # Running on fewer events ships less often.
    assert _found(upstream, RELEASE) == []


def test_a_template_repository_moved_to_another_ref() -> None:
    assert _found(RELEASE + PRODUCTION, (RELEASE + PRODUCTION).replace("refs/tags/v1.4", "refs/tags/v2.0")) == [
        ("action", f"{PATH}: repository contoso/pipeline-templates (refs/tags/v2.0)")]


def test_a_stage_that_no_longer_waits_for_the_one_before_it() -> None:
    approval = RELEASE + PRODUCTION.replace("    dependsOn: Staging\n", "") .replace(
        "  - stage: Production\n",
        "  - stage: Approve\n    jobs:\n      - job: Wait\n        pool: server\n        steps:\n"
        "          - task: ManualValidation@0\n            inputs:\n              notifyUsers: cab@contoso.com\n"
        "  - stage: Production\n")
    # Production waited for the approval stage written before it; told to wait for Staging only, it skips it.
    skipped = approval.replace("  - stage: Production\n", "  - stage: Production\n    dependsOn: Staging\n")
    assert _found(approval, skipped) == [("deploy", f"{PATH}: job Production/Web")]


LOOP = """\
parameters:
  - name: environments
    type: object
    default: [dev, test]
  - name: imageTag
    type: string
    default: latest

stages:
  - stage: Publish
    jobs:
      - job: Push
        steps:
          - task: Docker@2
            inputs:
              containerRegistry: acr-shared
              repository: bookings-api
              tags: ${{ parameters.imageTag }}
  - ${{ each env in parameters.environments }}:
      - stage: Migrate_${{ env }}
        jobs:
          - deployment: Migrate
            environment: bookings-${{ env }}
            strategy:
              runOnce:
                deploy:
                  steps:
                    - template: steps/run-entity-framework.yml@templates
                      parameters:
                        azureSubscription: ${{ variables.subscription }}
"""


def test_a_run_parameter_changes_the_jobs_that_read_it() -> None:
    # The loop over the environments now runs the migrations against production too; the image push does not
    # read the environments.
    assert _found(LOOP, LOOP.replace("default: [dev, test]", "default: [dev, test, prod]")) == [
        ("deploy", f"{PATH}: job Migrate_${{{{ env }}}}/Migrate")]
    assert _found(LOOP, LOOP.replace("default: latest", "default: stable")) == [
        ("deploy", f"{PATH}: job Publish/Push")]


CI = """\
trigger: [main]
pr:
  branches:
    include: [main]

resources:
  repositories:
    - repository: templates
      type: github
      name: contoso/pipeline-templates
      ref: refs/tags/v1.4

pool:
  vmImage: ubuntu-latest

steps:
  - task: UseDotNet@2
    inputs:
      version: 8.x
  - task: DotNetCoreCLI@2
    inputs:
      command: test
      projects: "**/*.Tests.csproj"
  - task: PublishTestResults@2
    inputs:
      testResultsFormat: VSTest
  - template: steps/sonar-scan.yml@templates
"""


@pytest.mark.parametrize("after", [
    CI.replace("include: [main]", "include: [main, release/*]"),
    CI.replace("refs/tags/v1.4", "refs/tags/v2.0"),
    CI.replace("*.Tests.csproj", "*.UnitTests.csproj") + "  - script: npm ci && npm test\n",
    # The steps split into two jobs, one of them new.
    CI.split("steps:\n")[0] + "jobs:\n  - job: Lint\n    steps:\n      - script: npm ci && npm run lint\n"
    "  - job: Test\n    steps:\n" + "".join(f"    {line}\n" for line in CI.split("steps:\n")[1].splitlines()),
])
def test_a_pipeline_that_only_tests_has_no_findings(after: str) -> None:
    assert read("azure", after) is not None and not read("azure", after).ships  # type: ignore[union-attr]
    assert _found(CI, after, "azure-pipelines.yml") == []


def test_a_pr_trigger_change_on_a_pipeline_that_ships_nothing() -> None:
    assert _found(CI, CI.replace("    include: [main]", "    include: [main, develop]\n  drafts: false"),
                  "azure-pipelines.yml") == []


def test_a_file_that_is_not_yaml(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({PATH: RELEASE})
    repo.commit({PATH: RELEASE + "  - stage: [unclosed\n"})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert (code, kinds_and_subjects(doc, "pipeline")) == (1, [("unparsed", PATH)])


def test_a_template_job_ships_by_its_path_or_the_environment_it_is_handed() -> None:
    text = """\
stages:
  - stage: Build
    jobs:
      - template: jobs/build.yml
        parameters: {configuration: Release}
  - stage: Test
    jobs:
      - template: jobs/build.yml
        parameters: {configuration: Debug}
      - template: jobs/integration.yml
        parameters: {environment: qa}
  - template: stages/release-to-aks.yml@templates
    parameters: {cluster: prod-uks}
"""
    pipeline = read("azure", text)
    assert pipeline is not None
    assert {name: (job.ships, job.environment) for name, job in pipeline.jobs.items()} == {
        "Build/jobs/build.yml": (False, None),
        "Test/jobs/build.yml": (False, None),
        "Test/jobs/integration.yml": (True, "qa"),
        "stages/release-to-aks.yml@templates": (True, None),
    }
    # Its parameters are part of it: a template job that ships, given another cluster, is changed.
    assert _found(text, text.replace("prod-uks", "prod-ukw")) == [
        ("deploy", f"{PATH}: job stages/release-to-aks.yml@templates")]
    assert _found(text, text.replace("configuration: Debug", "configuration: Release")) == []


@pytest.mark.parametrize(("step", "ships"), [
    ("- task: Docker@2\n  inputs: {containerRegistry: acr-prod, repository: web}", True),  # builds and pushes
    ("- task: Docker@2\n  inputs: {command: build, repository: web}", False),
    ("- task: HelmDeploy@0\n  inputs: {command: upgrade, chartType: FilePath, chartPath: charts/web}", True),
    ("- task: HelmDeploy@0\n  inputs: {command: package, chartPath: charts/web}", False),
    ("- task: KubernetesManifest@1\n  inputs: {action: deploy, manifests: k8s/*.yml}", True),
    ("- task: KubernetesManifest@1\n  inputs: {action: bake, renderType: helm}", False),
    ("- task: TerraformTaskV4@4\n  inputs: {provider: azurerm, command: apply}", True),
    ("- task: TerraformTaskV4@4\n  inputs: {provider: azurerm, command: plan}", False),
    ("- task: SqlAzureDacpacDeployment@1\n  inputs: {deployType: SqlTask, SqlFile: migrate.sql}", True),
    ("- task: NuGetCommand@2\n  inputs: {command: push}", True),
    ("- task: DotNetCoreCLI@2\n  inputs: {command: push}", True),
    ("- task: DotNetCoreCLI@2\n  inputs: {command: test}", False),
    ("- task: Npm@1\n  inputs: {command: publish}", True),
    ("- task: AzureCLI@2\n  inputs: {scriptType: bash, inlineScript: az webapp deploy --src-path app.zip}", True),
    ("- task: AzureCLI@2\n  inputs: {scriptType: bash, inlineScript: az account show}", False),
    ("- task: PublishPipelineArtifact@1\n  inputs: {targetPath: out, artifact: drop}", False),
    ("- publish: out\n  artifact: drop", False),
    ("- bash: helm upgrade --install web charts/web", True),
    ("- pwsh: ./build.ps1 -Configuration Release", False),
    ("- template: steps/docker-push.yml@templates", True),
    ("- template: steps/publish-test-results.yml@templates", False),
])
def test_which_steps_ship(step: str, ships: bool) -> None:
    text = "jobs:\n  - job: Work\n    steps:\n" + "".join(f"      {line}\n" for line in step.splitlines())
    pipeline = read("azure", text)
    assert pipeline is not None and pipeline.jobs["Work"].ships is ships


def test_a_new_service_connection_is_a_new_secret() -> None:
    text = "jobs:\n  - job: Work\n    steps:\n      - task: AzureCLI@2\n        inputs:\n" \
           "          azureSubscription: contoso-dev\n          scriptType: bash\n          inlineScript: az account show\n"
    assert _found(text, text.replace("contoso-dev", "contoso-prod")) == [
        ("secret", f"{PATH}: service connection contoso-prod")]
    # A reference is read where its value is written: here, the parameter's default.
    assert _found(text, text.replace("contoso-dev", "$(serviceConnection)")) == []
    given = "parameters:\n  - name: serviceConnection\n    default: contoso-dev\n" + text.replace(
        "contoso-dev", "${{ parameters.serviceConnection }}")
    assert _found(given, given.replace("default: contoso-dev", "default: contoso-prod")) == [
        ("secret", f"{PATH}: service connection contoso-prod")]


@pytest.mark.parametrize(("path", "expected"), [
    ("azure-pipelines.yml", "azure"),
    ("azure-pipelines.yaml", "azure"),
    ("azure-pipelines.sds.release.yml", "azure"),
    ("azure-pipelines-ci.yml", "azure"),
    ("services/api/azure-pipelines.yml", "azure"),
    ("azure-pipelines/release.yml", "azure"),
    (".azure-pipelines/templates/deploy.yml", "azure"),
    (".azuredevops/ci.yaml", "azure"),
    (".azuredevops/pull_request_template.md", None),
    ("pipelines/release.yml", None),
    ("deploy/values.yaml", None),
    ("node_modules/pkg/azure-pipelines.yml", None),
    (".github/workflows/azure-pipelines.yml", "github"),
])
def test_azure_pipelines_files(path: str, expected: str | None) -> None:
    assert platform(path) == expected


MIGRATE = """\

  - stage: Migrate_Production
    displayName: Run EF migrations against production
    dependsOn: Staging
    jobs:
      - job: Migrate
        steps:
          - download: current
            artifact: drop
          - task: SqlAzureDacpacDeployment@1
            inputs:
              azureSubscription: contoso-production
              ServerName: sql-bookings-prod.database.windows.net
              DatabaseName: bookings
              deployType: SqlTask
              SqlFile: $(Pipeline.Workspace)/drop/migrate.sql
"""


def test_a_release_pipeline_gaining_a_production_migration_stage(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({PATH: RELEASE, "README.md": "# Bookings\n"})
    repo.commit({"README.md": "# Bookings\n\nReleased from `main`.\n"})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert (code, kinds_and_subjects(doc, "pipeline")) == (0, [])
    repo.commit({PATH: RELEASE + MIGRATE})
    code, doc = run_json(capsys, "--base", base, "--policy", "builtin:startup")
    assert kinds_and_subjects(doc, "pipeline") == [
        ("deploy", f"{PATH}: job Migrate_Production/Migrate"),
        ("secret", f"{PATH}: service connection contoso-production"),
    ]
    assert code == 1 and doc["required_level"] == "cto"


def test_the_hook_reads_azure_pipelines_only_for_a_staged_azure_pipeline(repo: Repo) -> None:
    policy = HOOK_POLICY + "  - {id: ci, level: cto, when: {type: pipeline}}\n"
    repo.commit({".ownership-gate.yaml": policy, ".github/workflows/ci.yml": "on: push\njobs: {}\n"})
    modules, report = _staged_run(repo, {".github/workflows/ci.yml": "on: [push, pull_request]\njobs: {}\n"})
    assert "ownership_gate.classifiers.pipeline.compare" in modules
    assert not {"ownership_gate.classifiers.pipeline.azure", "ownership_gate.classifiers.pipeline.azure_steps"} & modules
    modules, report = _staged_run(repo, {"azure-pipelines.yml": CI.replace("steps:\n", "steps:\n  - bash: helm upgrade --install web charts/web\n")})
    assert "ownership_gate.classifiers.pipeline.azure" in modules
    assert [c["level"] for c in report["changes"] if c["path"] == "azure-pipelines.yml"] == ["cto"]
