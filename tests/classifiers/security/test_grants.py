"""Access given to people, teams and groups in data files (grants.py), judged through the CLI on real repositories."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Repo, findings, run_json

OPERATORS = """\
operators_production:
  - username: alice
    email: alice@example.org
    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@laptop
{more}
"""
BOB = """\
  - username: bob
    email: bob@example.org
    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBob bob@laptop
"""

ORGANISATION = """\
inputs = {{
  users = {{
    "alice" = {{
      given_name = "Alice"
      email      = "alice@example.org"
      groups     = [{groups}]
    }}
  }}
}}
"""

ACCOUNT = {
    "account-type": "member",
    "environments": [
        {"name": "development", "access": [{"sso_group_name": "platform-admins", "level": "sandbox"}]},
        {"name": "production", "access": [{"sso_group_name": "platform-admins", "level": "developer"}]},
    ],
}


def _access(doc: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((str(f["subject"]), str(f["detail"])) for f in findings(doc, "security") if f["kind"] == "access")


def test_an_operator_given_an_ssh_key_to_production_asks_the_cto(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "ansible/group_vars/all/vars.yml"
    base = repo.commit({path: OPERATORS.format(more="")})
    repo.commit({path: OPERATORS.format(more=BOB)})
    code, doc = run_json(capsys, "--base", base)
    # what it gets is shown cut to sixty characters
    assert _access(doc) == [(f"{path}: bob", "access granted: bob gets public_key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBob"
                                             " bob@lapt (in operators_production)")]
    assert {f["level"] for f in findings(doc, "security")} == {"cto"}
    assert code == 1


def test_a_user_given_another_group_in_terragrunt_inputs(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "terragrunt/accounts/root/organization/terragrunt.hcl"
    base = repo.commit({path: ORGANISATION.format(groups='"triage"')})
    repo.commit({path: ORGANISATION.format(groups='"triage", "infra-admins"')})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == [(f"{path}: alice", "access widened: alice gets groups=infra-admins (in inputs/users)")]
    assert code == 1


def test_an_sso_group_given_a_level_in_one_environment(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "environments/payments.json"
    base = repo.commit({path: json.dumps(ACCOUNT, indent=2)})
    widened = json.loads(json.dumps(ACCOUNT))
    widened["environments"][1]["access"].append({"sso_group_name": "platform-admins", "level": "administrator"})
    widened["environments"][1]["access"].append({"github_slug": "data-architects", "level": "read-only"})
    repo.commit({path: json.dumps(widened, indent=2)})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == [
        (f"{path}: data-architects", "access granted: data-architects gets level=read-only"
                                     " (in environments/production/access)"),
        (f"{path}: platform-admins", "access widened: platform-admins gets level=administrator"
                                     " (in environments/production/access)"),
    ]
    assert code == 1


def test_a_team_membership_resource_with_its_role(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"github/teams.tf": 'resource "github_team" "sre" {\n  name = "sre"\n}\n'})
    repo.commit({"github/teams.tf": 'resource "github_team" "sre" {\n  name = "sre"\n}\n\n'
                                    'resource "github_team_membership" "carol" {\n'
                                    '  team_id  = github_team.sre.id\n  username = "carol"\n  role     = "maintainer"\n}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert ("github/teams.tf: resource github_team_membership carol",
            "access granted: resource github_team_membership carol gets role=maintainer") in _access(doc)
    assert code == 1


@pytest.mark.parametrize(("path", "before", "after"), [
    # an email corrected and a key taken away: nobody new gets in
    ("ansible/group_vars/all/vars.yml", OPERATORS.format(more=BOB),
     OPERATORS.format(more=BOB.replace("bob@example.org", "bob@example.com").replace(
         "    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBob bob@laptop\n", ""))),
    # a group taken away
    ("terragrunt.hcl", ORGANISATION.format(groups='"triage", "infra-admins"'), ORGANISATION.format(groups='"triage"')),
    # a package's authors have roles that grant nothing
    ("composer.json", '{"name": "acme/app", "authors": []}\n',
     '{"name": "acme/app", "authors": [{"name": "Dana", "email": "dana@example.org", "role": "Developer"}]}\n'),
    # a form's permission rows: a role and its flags (`email: 1` lets the role send mail), nobody named
    ("app/doctype/onboarding/onboarding.json", '{"permissions": []}\n',
     '{"permissions": [{"role": "HR Manager", "read": 1, "write": 1, "email": 1}]}\n'),
    # a Grafana data source: a `user` to connect as and `access: proxy`, no grant to anyone
    ("grafana/provisioning/datasources/postgres.yaml", "apiVersion: 1\ndatasources: []\n",
     "apiVersion: 1\ndatasources:\n  - name: Postgres\n    type: postgres\n    access: proxy\n"
     "    user: grafana_reader\n    url: db.internal:5432\n"),
    # a development environment's and the seed data's users
    ("environments/development/users.yml", "users: []\n",
     "users:\n  - username: erin\n    email: erin@example.org\n    roles: [admin]\n"),
    ("db/seeds/users.yml", "users: []\n", "users:\n  - username: erin\n    email: erin@example.org\n    roles: [admin]\n"),
])
def test_what_lets_nobody_new_in_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str
) -> None:
    base = repo.commit({path: before, "README.md": "app\n"})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == []
    assert code == 0


def test_an_entry_moved_within_its_list_is_no_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "ansible/group_vars/all/vars.yml"
    base = repo.commit({path: OPERATORS.format(more=BOB)})
    alice, bob = OPERATORS.format(more="").split("\n", 1)[1], BOB
    repo.commit({path: "operators_production:\n" + bob + alice})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == []
    assert code == 0


COLLABORATORS = """\
module "billing-ui" {{
  source     = "./modules/repository-collaborators"
  repository = "billing-ui"
  collaborators = [
    {{
      github_user  = "supplier-dev"
      permission   = "admin"
      email        = "dev@supplier.example"
      review_after = "{review}"
    }},
  ]
}}
"""


def test_a_time_boxed_grant_renewed_asks_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "terraform/billing-ui.tf"
    base = repo.commit({path: COLLABORATORS.format(review="2024-09-01")})
    repo.commit({path: COLLABORATORS.format(review="2025-02-28")})
    code, doc = run_json(capsys, "--base", base)
    [found] = [f for f in findings(doc, "security") if f["kind"] == "access"]
    assert found["detail"] == ("access extended: supplier-dev keeps permission=admin until 2025-02-28 (was 2024-09-01)"
                               " (in module billing-ui/collaborators)")
    assert (found["from"], found["to"]) == ("2024-09-01", "2025-02-28")
    assert code == 1


def test_a_grant_ending_sooner_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "terraform/billing-ui.tf"
    base = repo.commit({path: COLLABORATORS.format(review="2025-02-28")})
    repo.commit({path: COLLABORATORS.format(review="2024-12-01")})
    _, doc = run_json(capsys, "--base", base)
    assert _access(doc) == []


HUB = """\
jupyterhub:
  hub:
    config:
      GitHubOAuthenticator:
        allowed_organizations:
          - analytics-access:all-users
{more}        scope: [read:org]
      Authenticator:
        admin_users: [yuvi, sarah]
  singleuser:
    image: {{name: quay.io/hub/image, tag: "2024.1"}}
"""


@pytest.mark.parametrize(("more", "after", "expected"), [
    ("", "          - analytics-access:biomass-team\n", [(
        "config/hub.values.yaml: allowed_organizations",
        "access widened: analytics-access:biomass-team added to allowed_organizations"
        " (in jupyterhub/hub/config/GitHubOAuthenticator)")]),
    ("          - analytics-access:biomass-team\n", "", []),  # a team taken off lets nobody new in
])
def test_a_team_added_to_an_allow_list_of_who_logs_in(
    repo: Repo, capsys: pytest.CaptureFixture[str], more: str, after: str, expected: list[tuple[str, str]]
) -> None:
    path = "config/hub.values.yaml"
    base = repo.commit({path: HUB.format(more=more)})
    repo.commit({path: HUB.format(more=after)})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == expected
    assert code == (1 if expected else 0)


def test_an_image_tag_beside_an_allow_list_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "config/hub.values.yaml"
    base = repo.commit({path: HUB.format(more="")})
    repo.commit({path: HUB.format(more="").replace('"2024.1"', '"2024.2"')})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == []
    assert code == 0


def test_a_new_hub_with_administrators_is_access_granted(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "hubs\n"})
    repo.commit({"config/carbon.cluster.json": json.dumps(
        {"hubs": [{"name": "prod", "auth": {"admin_users": ["ana", "ben"], "allowed_users": ["cy"]}}]})})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == [
        ("config/carbon.cluster.json: admin_users", "access granted: ana, ben added to admin_users (in hubs/prod/auth)"),
        ("config/carbon.cluster.json: allowed_users", "access granted: cy added to allowed_users (in hubs/prod/auth)"),
    ]
    assert code == 1


OLD_HUB = """\
jupyterhub:
  auth:
    type: custom
    admin:
      users:
        - felder
        - yuvipanda
{more}  singleuser:
    memory: {{limit: 4G}}
"""


def test_a_user_added_to_the_administrators_listed_under_admin(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "deployments/datahub/config/common.yaml"
    base = repo.commit({path: OLD_HUB.format(more="")})
    repo.commit({path: OLD_HUB.format(more="        - isaacmerritt\n")})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == [(f"{path}: admin.users",
                             "access widened: isaacmerritt added to admin.users (in jupyterhub/auth/admin)")]
    assert code == 1


PLAY = """\
- name: Set up those proxy websites
  hosts: proxies
  user: root
  gather_facts: true
  roles:
  - role: httpd/website
    site_name: paste.example.org
{more}"""


def test_an_ansible_play_logging_in_as_root_grants_nobody_anything(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "playbooks/include/proxies-websites.yml"
    base = repo.commit({path: PLAY.format(more="")})
    repo.commit({path: PLAY.format(more="    tags:\n    - paste.example.org\n")})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == []
    assert code == 0


CONCOURSE_TEAM = """\
roles:
- name: owner
  local:
    users: [admin]
  github:
    users:
    - alice
{more}- name: viewer
  github:
    teams: [acme:support]
"""
BOSH_MANIFEST = """\
instance_groups:
  - name: concourse
    jobs:
      - name: web
        properties:
          main_team:
            auth:
              config: |+
{team}
"""


def _embedded(team: str) -> str:
    return BOSH_MANIFEST.format(team="\n".join(" " * 16 + line for line in team.splitlines()))


@pytest.mark.parametrize(("path", "write"), [
    ("ci/teams/main.yml", lambda team: team),
    # A BOSH manifest handing the team's roles to Concourse as a YAML document in a string.
    ("manifests/concourse-manifest/github_auth/config.yml", _embedded),
])
def test_a_user_given_a_role_in_a_concourse_team(repo: Repo, capsys: pytest.CaptureFixture[str], path: str,
                                                 write: Callable[[str], str]) -> None:
    base = repo.commit({path: write(CONCOURSE_TEAM.format(more=""))})
    repo.commit({path: write(CONCOURSE_TEAM.format(more="    - bob\n"))})
    code, doc = run_json(capsys, "--base", base)
    assert [detail for _, detail in _access(doc)] == [
        f"access widened: bob added to roles.owner.github.users (in {_place(path)}roles/owner/github)"]
    assert code == 1
    # Someone taken out of a role lets nobody new in.
    base = repo.commit({})
    repo.commit({path: write(CONCOURSE_TEAM.format(more=""))})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == [] and code == 0


def test_a_user_let_sign_in_to_a_team(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    team = "main_team:\n  auth:\n    github:\n      users:\n      - alice\n"
    base = repo.commit({"concourse/config.yml": team})
    repo.commit({"concourse/config.yml": team + "      - bob\n"})
    code, doc = run_json(capsys, "--base", base)
    assert [detail for _, detail in _access(doc)] == [
        "access widened: bob added to auth.github.users (in main_team/auth/github)"]
    assert code == 1


def _place(path: str) -> str:
    return "" if path.startswith("ci/") else "instance_groups/concourse/jobs/web/properties/main_team/auth/config/"


def test_a_multi_line_string_that_is_no_mapping_stays_a_string(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    script = "jobs:\n  - name: backup\n    run: |\n      set -e\n      echo users: alice\n"
    base = repo.commit({"ci/pipeline.yml": script})
    repo.commit({"ci/pipeline.yml": script.replace("alice", "alice bob")})
    code, doc = run_json(capsys, "--base", base)
    assert _access(doc) == [] and code == 0


SERVICES = {"authorisedServices": [
    {"id": "ccd_gw", "caseTypeId": ["*"], "jurisdictionId": "*", "permissions": ["READ"]},
    {"id": "bulk_scan_processor", "caseTypeId": ["*"], "jurisdictionId": "*", "permissions": ["HASHTOKEN"]},
]}


def test_a_service_given_permissions_in_an_apis_list_of_services(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry named by its `id` with the `permissions` it holds: which services may do what."""
    path = "src/main/resources/service_config.json"
    base = repo.commit({path: json.dumps(SERVICES, indent=2)})
    widened = json.loads(json.dumps(SERVICES))
    widened["authorisedServices"][1]["permissions"].insert(0, "CREATE")
    widened["authorisedServices"].append({"id": "et_cos", "jurisdictionId": "EMPLOYMENT", "permissions": ["READ"]})
    repo.commit({path: json.dumps(widened, indent=2)})
    code, doc = run_json(capsys, "--base", base)
    assert sorted(f["subject"] for f in findings(doc, "security")) == [f"{path}: bulk_scan_processor", f"{path}: et_cos"]
    assert code == 1

    # A permission taken away lets nobody new in; an `id` beside only a loose word (`level`) is no entry at all.
    narrowed = json.loads(json.dumps(SERVICES))
    narrowed["authorisedServices"][0]["permissions"] = []
    narrowed["authorisedServices"].append({"id": "reports", "level": "gold"})
    base = repo.commit({path: json.dumps(SERVICES, indent=2)})
    repo.commit({path: json.dumps(narrowed, indent=2)})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0


def test_a_documents_sections_with_their_groups_are_no_grants(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """`groups` (and `roles`) beside an `id` are as often a document's own structure: a questionnaire's sections."""
    path = "data/en/survey.json"
    schema = {"sections": [{"id": "section1", "groups": [{"id": "about-you", "blocks": []}]}]}
    base = repo.commit({path: json.dumps(schema, indent=2)})
    schema["sections"].append({"id": "section613", "groups": [{"id": "turnover", "blocks": []}]})
    repo.commit({path: json.dumps(schema, indent=2)})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0
