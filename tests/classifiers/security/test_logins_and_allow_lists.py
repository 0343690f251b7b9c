"""SSH public keys added (a login granted to whoever holds the private key), and plain-text allow lists."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.security.ssh_keys import keys
from ownership_gate.formats import ruby
from tests.conftest import Repo, findings, run_json

ALICE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk3jCw1bYv7S2nL0bH1uQzYt5vX2bQ0rGf8x7cJm9Qp alice@laptop"
BOB = ("ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAA6oD5Ps9h6pKokzaAcCI6R08CKm2a"
       "Sv86h/O2HTEQkzeJq/Uvu4gbrONAM0FK5R bob")
PLAYBOOK = """\
- hosts: sn06
  tasks:
    - name: keys of the stats account
      authorized_key:
        user: stats
        key: "{{ item }}"
      loop:
        - "%s"
"""


def _access(repo: Repo, capsys: pytest.CaptureFixture[str], before: dict[str, str | None],
            after: dict[str, str | None]) -> tuple[int, list[tuple[str, str, int | None, str]]]:
    base = repo.commit(before)
    repo.commit(after)
    code, doc = run_json(capsys, "--base", base)
    return code, [(f["kind"], f["subject"], f["line"], f["detail"]) for f in findings(doc, "security")]


def test_a_key_added_to_a_playbooks_list_grants_a_login(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, found = _access(repo, capsys, {"sn06.yml": PLAYBOOK % ALICE},
                          {"sn06.yml": PLAYBOOK % ALICE + f'        - "{BOB}"\n'})
    assert found == [("access", "sn06.yml", 9, "an SSH public key is added (bob): whoever holds its private key "
                                                "can log in where it is installed")]
    assert code == 1


@pytest.mark.parametrize("path", ["pubkeys/josie.pub", "deploy/authorized_keys", "keys/ops.tf"])
def test_a_key_file_or_a_key_in_terraform_added(repo: Repo, capsys: pytest.CaptureFixture[str], path: str) -> None:
    text = ALICE + "\n" if not path.endswith(".tf") else (
        f'resource "aws_key_pair" "ops" {{\n  key_name   = "ops"\n  public_key = "{ALICE}"\n}}\n')
    code, found = _access(repo, capsys, {"README.md": "infra\n"}, {path: text})
    assert [(kind, subject) for kind, subject, _, _ in found] == [("access", path)]
    assert code == 1


PUPPET_USER = """\
class users::alice {
  govuk::user { 'alice':
    fullname => 'Alice Example',
    ssh_key  => '%s',
  }
}
"""
NIX_HOST = """\
{ ... }: {
  users.users.root.openssh.authorizedKeys.keys = [
    "%s"
  ];
}
"""


@pytest.mark.parametrize(("path", "text"), [
    ("modules/users/manifests/alice.pp", PUPPET_USER % ALICE),
    ("hosts/builder/configuration.nix", NIX_HOST % ALICE),
    ("salt/users/init.sls", f"alice:\n  ssh_auth.present:\n    - user: alice\n    - names:\n      - {ALICE}\n"),
])
def test_a_key_installed_by_configuration_management_grants_a_login(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, text: str
) -> None:
    code, found = _access(repo, capsys, {"README.md": "infra\n"}, {path: text})
    assert [(kind, subject, detail.split(":")[0]) for kind, subject, _, detail in found] == [
        ("access", path, "an SSH public key is added (alice@laptop)")]
    assert code == 1
    # The same user's key replaced by a placeholder (a stolen laptop) takes a login away: none.
    code, found = _access(repo, capsys, {}, {path: text.replace(ALICE, "XXXXXXXXXXXXXXXXXXXXXXXX")})
    assert found == [] and code == 0


@pytest.mark.parametrize(("before", "after"), [
    # A key taken away: fewer can log in.
    ({"sn06.yml": PLAYBOOK % ALICE + f'        - "{BOB}"\n'}, {"sn06.yml": PLAYBOOK % ALICE}),
    # A key moved from one file to another.
    ({"pubkeys/alice.pub": ALICE + "\n"}, {"pubkeys/alice.pub": None, "keys/alice.pub": ALICE + "\n"}),
    # A host's key: which server to trust, not who may log in.
    ({"README.md": "infra\n"}, {"ssh/known_hosts": f"github.com {ALICE}\n"}),
    ({"README.md": "infra\n"}, {"group_vars/all.yml": f"trusted_hosts:\n  - \"[git.example.org]:2222 {ALICE}\"\n"}),
    # Keys in tests and docs.
    ({"README.md": "infra\n"}, {"tests/fixtures/id.pub": ALICE + "\n", "docs/ssh.pub": BOB + "\n"}),
])
def test_no_login_granted(repo: Repo, capsys: pytest.CaptureFixture[str], before: dict[str, str | None],
                          after: dict[str, str | None]) -> None:
    code, found = _access(repo, capsys, before, after)
    assert found == []
    assert code == 0


def test_an_authorized_keys_entrys_options_are_no_host() -> None:
    entry = 'from="10.0.0.1,bastion.example.org",no-pty ' + ALICE
    assert [name for _, name in keys(entry, "authorized_keys").values()] == ["alice@laptop"]
    assert keys("|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= " + ALICE, "hosts.yml") == {}


# --- plain-text allow lists ----------------------------------------------------------------------

WHITELIST = "# hosts the egress proxy lets commons reach\n.github.com\npypi.org\n"


@pytest.mark.parametrize("path", ["files/squid_whitelist/web_whitelist", "proxy/allowed_domains.txt",
                                  "firewall/allowlist.conf"])
def test_an_entry_added_to_a_plain_text_allow_list_lets_one_more_in(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    code, found = _access(repo, capsys, {path: WHITELIST}, {path: WHITELIST + "collector.newrelic.com\n"})
    assert found == [("access", path, None, "allow list widened: collector.newrelic.com added")]
    assert code == 1


@pytest.mark.parametrize(("before", "after"), [
    # Taken away, reordered, or commented: nobody new let in.
    ({"files/web_whitelist": WHITELIST}, {"files/web_whitelist": "pypi.org\n"}),
    ({"files/web_whitelist": WHITELIST}, {"files/web_whitelist": "pypi.org\n.github.com  # code hosting\n"}),
    # Moved from one list to another.
    ({"files/web_whitelist": WHITELIST, "files/ftp_whitelist": "ftp.ncbi.nlm.nih.gov\n"},
     {"files/web_whitelist": WHITELIST + "ftp.ncbi.nlm.nih.gov\n", "files/ftp_whitelist": ""}),
    # A staging environment's list.
    ({"staging/web_whitelist": WHITELIST}, {"staging/web_whitelist": WHITELIST + "example.org\n"}),
])
def test_no_one_more_let_in(repo: Repo, capsys: pytest.CaptureFixture[str], before: dict[str, str | None],
                            after: dict[str, str | None]) -> None:
    code, found = _access(repo, capsys, before, after)
    assert found == []
    assert code == 0


API_SERVICE = """\
<?php
namespace App\\Domain\\Api\\Services;

class Api
{
    public function getAPIKeyUser(string $apiKey): bool|array
    {
        $apiUser = $this->userRepo->getUserByApiKey($apiKey);
        if ($apiUser) {
            return $apiUser;
        }
        return false;
    }
}
"""


@pytest.mark.parametrize(("path", "before", "after", "line"), [
    ("app/Domain/Api/Services/Api.php", API_SERVICE,
     API_SERVICE.replace("            return $apiUser;", "            $this->authService->setUserSession($apiUser);\n"
                         "            return $apiUser;"), 10),
    ("app/views.py", "def activate(request, user):\n    user.activate()\n",
     "def activate(request, user):\n    user.activate()\n    login(request, user)\n", 3),
    ("app/controllers/invites_controller.rb", "def accept\n  @user.accept!\nend\n",
     "def accept\n  @user.accept!\n  sign_in @user\nend\n", 3),
    ("web/login.py", "def finish(user):\n    login_user(user)\n", "def finish(user):\n    login_user(user, remember=True)\n",
     2),
])
def test_a_call_that_signs_a_user_in(repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str,
                                     after: str, line: int) -> None:
    code, found = _access(repo, capsys, {path: before}, {path: after})
    assert [(kind, subject, number) for kind, subject, number, _ in found] == [("access", path, line)]
    assert found[0][3].startswith("a user is now signed in here: ")
    assert code == 1


ROUTES = "Rails.application.routes.draw do\n  devise_for :users\n  resources :pets\nend\n"
DJANGO_URLS = ("from django.urls import include, path\n\nurlpatterns = [\n"
               "    path('pets/', include('pets.urls')),\n]\n")


@pytest.mark.parametrize(("path", "before", "after", "line"), [
    # Sign-in routes for another kind of account (an admin panel's own logins).
    ("config/routes.rb", ROUTES, ROUTES.replace("  resources", "  devise_for :admin_users, ActiveAdmin::Devise.config\n"
                                                "  resources"), 3),
    # A model whose accounts now sign in with a password.
    ("app/models/admin_user.rb", None,
     "class AdminUser < ApplicationRecord\n  devise :database_authenticatable, :recoverable, :rememberable\nend\n", 2),
    # A Django URL configuration mounting a sign-in library's views: social logins, a headless API.
    ("conf/urls.py", DJANGO_URLS, DJANGO_URLS.replace("]\n", "    url(r'^social/', include(allauth.socialaccount.urls)),\n]\n"),
     5),
    ("recipes/urls.py", DJANGO_URLS, DJANGO_URLS.replace("]\n", '    path("_allauth/", include("allauth.headless.urls")),\n]\n'),
     5),
])
def test_a_kind_of_account_that_can_now_sign_in(repo: Repo, capsys: pytest.CaptureFixture[str], path: str,
                                                before: str | None, after: str, line: int) -> None:
    first = {"README.md": "pets\n"} | ({path: before} if before is not None else {})
    code, found = _access(repo, capsys, first, {path: after})
    assert [(kind, subject, number) for kind, subject, number, _ in found] == [("access", path, line)]
    assert found[0][3].startswith("a kind of account can now sign in: ")
    assert code == 1


@pytest.mark.parametrize(("before", "after"), [
    # Devise's routes moved into a locale scope: the same accounts sign in where they did.
    ({"config/routes.rb": ROUTES},
     {"config/routes.rb": ROUTES.replace("  devise_for :users\n", "").replace(
         "  resources :pets\n", "  scope ':locale' do\n    devise_for :users\n  end\n  resources :pets\n")}),
    # The same call, moved within the file and laid out anew.
    ({"app/views.py": "def a(request, user):\n    login(request, user)\n\ndef b():\n    pass\n"},
     {"app/views.py": "def b():\n    pass\n\ndef a(request, user):\n    login(request,  user)\n"}),
    # Moved to another file.
    ({"app/views.py": "def a(request, user):\n    login(request, user)\n", "app/flows.py": "X = 1\n"},
     {"app/views.py": "def a(request, user):\n    finish(request, user)\n",
      "app/flows.py": "X = 1\n\ndef finish(request, user):\n    login(request, user)\n"}),
    # A project's own app's URLs are no sign-in library's.
    ({"conf/urls.py": DJANGO_URLS},
     {"conf/urls.py": DJANGO_URLS.replace("]\n", "    path('accounts/', include('accounts.urls')),\n]\n")}),
    # Not a sign-in: a mailer's method, a translation key, an analytics field, a test.
    ({"app/models/form.rb": "def save\nend\n"},
     {"app/models/form.rb": "def save\n  AuthMailer.sign_in(session).deliver_now\nend\n"}),
    ({"config/locales/id.yml": "id:\n  hello: Halo\n"}, {"config/locales/id.yml": "id:\n  sign_in: Masuk\n"}),
    ({"app/track.rb": "def track\nend\n"}, {"app/track.rb": "def track\n  { sign_in_type: sign_in_type }\nend\n"}),
    ({"spec/requests/login_spec.rb": "it 'works' do\nend\n"},
     {"spec/requests/login_spec.rb": "it 'works' do\n  sign_in user\nend\n"}),
])
def test_no_one_newly_signed_in(repo: Repo, capsys: pytest.CaptureFixture[str], before: dict[str, str | None],
                                after: dict[str, str | None]) -> None:
    code, found = _access(repo, capsys, before, after)
    assert found == []
    assert code == 0


CONTROLLER = """\
class BusinessEntitiesController < ApplicationController
  before_action :authenticate_user!

  def new
    authorize @business_entity
  end

  def create
    authorize business_entity_service.build_new(business_entity_params)
    persist_and_redirect(:new)
  end

  def edit
    authorize business_entity
  end

  private

  def business_entity
    @business_entity ||= BusinessEntity.find(params[:id])
  end
end
"""
EDIT = "  def edit\n    authorize business_entity\n  end\n\n"


@pytest.mark.parametrize(("after", "counts"), [
    # Actions sorted by a linter: every method as it was.
    (CONTROLLER.replace(EDIT, "").replace("  def create\n", EDIT + "  def create\n"), False),
    # Reordered, and a check changed on the way.
    (CONTROLLER.replace(EDIT, "").replace("  def create\n", EDIT.replace("business_entity", "@record") +
                                          "  def create\n"), True),
])
def test_ruby_methods_only_reordered_change_no_check(repo: Repo, capsys: pytest.CaptureFixture[str], after: str,
                                                     counts: bool) -> None:
    path = "app/controllers/business_entities_controller.rb"
    _, found = _access(repo, capsys, {path: CONTROLLER}, {path: after})
    assert bool(found) is counts


def test_a_method_moved_past_other_code_is_not_only_reordered() -> None:
    # An action moved below `private` is no longer routable, a helper moved above it becomes one; and which of
    # two methods of one name wins depends on their order.
    moved_private = CONTROLLER.replace(EDIT, "").replace("  def business_entity\n", EDIT + "  def business_entity\n")
    assert not ruby.only_reordered(CONTROLLER, moved_private)
    twice = CONTROLLER.replace("  private\n", EDIT + "  private\n")
    assert not ruby.only_reordered(twice, twice.replace(EDIT, "", 1).replace("  private\n", "  private\n" + EDIT))
    assert ruby.only_reordered(CONTROLLER, CONTROLLER.replace(EDIT, "").replace("  def create\n",
                                                                                 EDIT + "  def create\n"))


PROPERTIES = """\
server.port=4211
trusted.s2s.service.names=${TRUSTED_S2S_SERVICE_NAMES:cmc,ccd_gw,api_gw}
gov.pay.operational_services=${GOV_PAY_OPERATIONAL_SERVICES:#{ccd_gw,api_gw}}
"""
VALUES = """\
java:
  environment:
    DATA_STORE_S2S_AUTHORISED_SERVICES: ccd_data,ccd_gw,probate_backend
    LOG_LEVEL: INFO
"""


@pytest.mark.parametrize(("path", "before", "after", "expected"), [
    # A service added to the callers a service trusts may now call it.
    ("src/main/resources/application.properties", PROPERTIES, PROPERTIES.replace("api_gw}", "api_gw,ccpay_gw}"),
     [("access", "src/main/resources/application.properties: trusted.s2s.service.names", None,
       "trusted callers widened: ccpay_gw added to trusted.s2s.service.names")]),
    ("charts/ccd-data-store/values.yaml", VALUES, VALUES.replace("probate_backend", "probate_backend,et_msg_handler"),
     [("access", "charts/ccd-data-store/values.yaml: DATA_STORE_S2S_AUTHORISED_SERVICES", None,
       "trusted callers widened: et_msg_handler added to DATA_STORE_S2S_AUTHORISED_SERVICES")]),
    # One taken away or the same in another order lets nobody new in.
    ("src/main/resources/application.properties", PROPERTIES, PROPERTIES.replace("cmc,ccd_gw,api_gw", "api_gw,cmc"),
     []),
    # A developer's compose file and a staging environment's values set nothing production trusts.
    ("docker-compose.yml", VALUES, VALUES.replace("probate_backend", "probate_backend,et_msg_handler"), []),
    ("charts/ccd-data-store/values-staging.yaml", VALUES,
     VALUES.replace("probate_backend", "probate_backend,et_msg_handler"), []),
])
def test_a_service_added_to_the_callers_a_service_trusts(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str,
    expected: list[tuple[str, str, int | None, str]],
) -> None:
    code, found = _access(repo, capsys, {path: before}, {path: after})
    assert found == expected
    assert code == (1 if expected else 0)
