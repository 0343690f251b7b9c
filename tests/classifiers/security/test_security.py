"""`security` findings: settings and access checks recognised by content, in real repositories."""

from __future__ import annotations

import pytest

from tests.conftest import Repo, findings, kinds_and_subjects, run_json

POLICY = """\
version: 1
levels:
  - name: engineer
  - name: cto
default_level: engineer
rules:
  - id: security
    level: cto
    when: {type: security}
    reason: Security settings and access checks protect customer data.
"""

DOORKEEPER = """\
Doorkeeper.configure do
  orm :active_record
  force_ssl_in_redirect_uri true
  access_token_expires_in 2.hours
end
"""

DJANGO_SETTINGS = """\
import os

DEBUG = False
ALLOWED_HOSTS = ["app.example.com"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
TIME_ZONE = "UTC"
"""

CONTROLLER = """\
class InvoicesController < ApplicationController
  before_action :authenticate_user!

  def index
    @invoices = current_user.invoices
  end
end
"""

ROUTE = """\
import express from "express";

export const router = express.Router();

router.get("/embed/:id", async (req, res) => {
  const doc = await loadDocument(req.params.id);
  res.render("embed", { doc });
});
"""



@pytest.fixture
def app(repo: Repo) -> str:
    return repo.commit({
        ".ownership-gate.yaml": POLICY,
        "config/initializers/doorkeeper.rb": DOORKEEPER,
        "app/settings.py": DJANGO_SETTINGS,
        "app/controllers/invoices_controller.rb": CONTROLLER,
        "src/routes/embed.ts": ROUTE,
        "app/models/security.rb": "class Security < ApplicationRecord\n  has_many :prices\nend\n",
    })


def test_rails_initializer_setting_names_old_and_new_value(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"config/initializers/doorkeeper.rb": DOORKEEPER.replace("force_ssl_in_redirect_uri true",
                                                                          "force_ssl_in_redirect_uri false")})
    code, doc = run_json(capsys, "--base", app)
    [setting] = findings(doc, "security")
    assert (setting["kind"], setting["subject"]) == ("setting", "config/initializers/doorkeeper.rb: force_ssl_in_redirect_uri")
    assert setting["detail"] == "force_ssl_in_redirect_uri: true -> false"
    assert code == 1


@pytest.mark.parametrize(("path", "before", "after"), [
    ("config/environments/development.rb", "Rails.application.configure do\n  config.force_ssl = true\nend\n",
     "Rails.application.configure do\n  config.force_ssl = false\nend\n"),
    ("app/config/config_dev.yml", "framework:\n  session:\n    cookie_secure: true\n",
     "framework:\n  session:\n    cookie_secure: false\n"),
    ("provision/dev/nginx_site.conf", "server {\n  listen 80;\n}\n", "server {\n  listen 80;\n  location / {}\n}\n"),
])
def test_a_setting_in_a_file_named_for_another_environment_is_none(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    # A real credential committed there is still out in the open.
    repo.commit({path: after + '# STRIPE = "sk_live_' + "a1B2c3D4e5F6g7H8i9J0k1L2" + '"\n'})
    code, doc = run_json(capsys, "--base", base)
    assert [kind for kind, _ in kinds_and_subjects(doc, "security")] == ["credential"] and code == 1


RAILS_APPLICATION = """\
module Petitions
  class Application < Rails::Application
    config.load_defaults 7.1
    config.time_zone = "London"
  end
end
"""


def test_how_rails_derives_its_cookie_keys_is_a_security_setting(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"config/application.rb": RAILS_APPLICATION})
    repo.commit({"config/application.rb": RAILS_APPLICATION.replace(
        '    config.time_zone = "London"\n',
        '    config.time_zone = "Europe/London"\n    config.active_support.hash_digest_class = OpenSSL::Digest::SHA1\n')})
    code, doc = run_json(capsys, "--base", base)
    [setting] = findings(doc, "security")
    assert setting["subject"] == "config/application.rb: config.active_support.hash_digest_class"
    assert setting["detail"] == "config.active_support.hash_digest_class: (not set) -> OpenSSL::Digest::SHA1"
    assert code == 1


def test_the_rails_release_whose_defaults_an_application_takes_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # `load_defaults` decides, among much else, how cookies are encrypted and sent and how forgery is checked.
    base = repo.commit({"config/application.rb": RAILS_APPLICATION.replace("7.1", "6.1")})
    repo.commit({"config/application.rb": RAILS_APPLICATION})
    code, doc = run_json(capsys, "--base", base)
    [setting] = findings(doc, "security")
    assert setting["subject"] == "config/application.rb: config.load_defaults"
    assert setting["detail"] == "config.load_defaults: 6.1 -> 7.1"
    assert code == 1


def test_django_settings_keys_with_values(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    settings = DJANGO_SETTINGS.replace("SESSION_COOKIE_SECURE = True", "SESSION_COOKIE_SECURE = False").replace(
        'TIME_ZONE = "UTC"', 'TIME_ZONE = "Europe/Paris"'
    )
    repo.commit({"app/settings.py": settings})
    code, doc = run_json(capsys, "--base", app)
    [setting] = findings(doc, "security")
    assert setting["subject"] == "app/settings.py: SESSION_COOKIE_SECURE"
    assert (setting["from"], setting["to"]) == ("True", "False")
    assert setting["detail"] == "SESSION_COOKIE_SECURE: True -> False"
    assert code == 1


def test_the_language_cookies_settings_are_no_security_settings(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"app/settings.py": DJANGO_SETTINGS + 'LANGUAGE_COOKIE_NAME = "site_language"\n'
                 "LANGUAGE_COOKIE_SECURE = True\nCSRF_COOKIE_NAME = \"site_csrf\"\n"})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [("setting", "app/settings.py: CSRF_COOKIE_NAME")]
    assert code == 1


ACTUATOR_PROPERTIES = """\
spring.main.allow-circular-references=true
management.endpoints.enabled-by-default=false
management.endpoint.health.enabled=true
management.endpoints.web.base-path=/
management.endpoints.web.path-mapping.health=/company-accounts/healthcheck
"""


@pytest.mark.parametrize(("old", "new", "setting"), [
    ("management.endpoints.enabled-by-default=false\n", "", "management.endpoints.enabled-by-default"),
    ("management.endpoint.health.enabled=true\n",
     "management.endpoint.health.enabled=true\nmanagement.endpoints.web.exposure.include=*\n",
     "management.endpoints.web.exposure.include"),
    # Where the endpoints are mapped is routing.
    ("management.endpoints.web.base-path=/\n", "management.endpoints.web.base-path=/company-accounts\n", None),
])
def test_spring_boot_actuator_endpoints_turned_on_or_exposed(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, setting: str | None
) -> None:
    path = "src/main/resources/application.properties"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: ACTUATOR_PROPERTIES})
    repo.commit({path: ACTUATOR_PROPERTIES.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert set(kinds_and_subjects(doc, "security")) == ({("setting", f"{path}: {setting}")} if setting else set())
    assert code == (1 if setting else 0)


def test_django_rest_framework_default_authentication(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    drf = ("\nREST_FRAMEWORK = {\n    'DEFAULT_AUTHENTICATION_CLASSES': 'rest_framework.authentication.SessionAuthentication',"
           "\n    'PAGE_SIZE': 50,\n}\n")
    repo.commit({"app/settings.py": DJANGO_SETTINGS + drf})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [
        ("setting", "app/settings.py: REST_FRAMEWORK.DEFAULT_AUTHENTICATION_CLASSES")]
    assert code == 1


MULTILINE_SETTINGS = """\
import os

ALLOWED_HOSTS = [
    "app.example.com",
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "PAGE_SIZE": 50,
}
if os.environ.get("STAGING"):
    SESSION_COOKIE_SECURE = False


class ProductionConfig:
    SECRET_KEY = os.environ.get("SECRET_KEY")
"""


def test_python_settings_written_over_several_lines_are_compared_by_value(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "config/settings.py": MULTILINE_SETTINGS})
    # Re-wrapped, and a page size changed: no security setting moved.
    rewrapped = MULTILINE_SETTINGS.replace('[\n    "app.example.com",\n]', "['app.example.com']").replace("50", "100")
    repo.commit({"config/settings.py": rewrapped})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0

    # An entry added to a list, one dropped from another, and a setting in a branch changed: each counts.
    changed = (MULTILINE_SETTINGS.replace('    "app.example.com",\n', '    "app.example.com",\n    "*",\n')
               .replace('        "rest_framework.authentication.BasicAuthentication",\n', "")
               .replace("SESSION_COOKIE_SECURE = False", "SESSION_COOKIE_SECURE = None")
               .replace('os.environ.get("SECRET_KEY")', '"dev-secret"'))
    repo.commit({"config/settings.py": changed})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [
        ("setting", "config/settings.py: ALLOWED_HOSTS"),
        ("setting", "config/settings.py: REST_FRAMEWORK.DEFAULT_AUTHENTICATION_CLASSES"),
        ("setting", "config/settings.py: SECRET_KEY"),
        ("setting", "config/settings.py: SESSION_COOKIE_SECURE"),
    ]
    hosts = findings(doc, "security")[0]
    assert (hosts["from"], hosts["to"]) == ("['app.example.com']", "['app.example.com', '*']")
    assert code == 1


CSP_SETTINGS = """\
import os

CSP_DEFAULT_SRC = ["'self'"]
CSP_SCRIPT_SRC = ["'self'"]
LOGGING_HANDLERS = ["console"]
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    CSP_DEFAULT_SRC.append(AWS_STORAGE_BUCKET_HOSTNAME)
    CSP_SCRIPT_SRC += [AWS_STORAGE_BUCKET_HOSTNAME]
    LOGGING_HANDLERS.append("sentry")
"""


def test_a_python_setting_changed_in_place_by_a_later_statement(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"app/settings/base.py": CSP_SETTINGS})
    repo.commit({"app/settings/base.py": CSP_SETTINGS.replace('"sentry"', '"syslog"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []  # a logging handler is no security setting
    assert code == 0

    repo.commit({"app/settings/base.py": CSP_SETTINGS.replace("(AWS_STORAGE_BUCKET_HOSTNAME)", "(CDN_DOMAIN)")
                 .replace("[AWS_STORAGE_BUCKET_HOSTNAME]", "[CDN_DOMAIN]")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [
        ("setting", "app/settings/base.py: CSP_DEFAULT_SRC#2"),
        ("setting", "app/settings/base.py: CSP_SCRIPT_SRC#2"),
    ]
    appended = findings(doc, "security")[0]
    assert (appended["from"], appended["to"]) == (
        "CSP_DEFAULT_SRC.append(AWS_STORAGE_BUCKET_HOSTNAME)", "CSP_DEFAULT_SRC.append(CDN_DOMAIN)")
    assert code == 1


def test_security_header_on_a_route(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    route = ROUTE.replace(
        '  res.render("embed", { doc });',
        '  res.set("Content-Security-Policy", "frame-ancestors *");\n  res.render("embed", { doc });',
    )
    repo.commit({"src/routes/embed.ts": route})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [("setting", "src/routes/embed.ts")]
    assert "frame-ancestors *" in findings(doc, "security")[0]["detail"]
    assert code == 1


SECURE_HEADERS = """\
<?php

class SecureHeaders
{
    public function handle($request, Closure $next)
    {
        $csp = [
            "default-src 'none'",
            "object-src 'none'",
            "require-trusted-types-for 'script'",
            "style-src 'unsafe-inline' 'self'",
        ];
        $response = $next($request);
        $response->header('Content-Security-Policy', implode('; ', $csp));
        return $response;
    }
}
"""


def test_a_content_security_policy_directive_built_in_code(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # The policy is assembled from its directives; the header's name is on a line that did not change.
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/Http/Middleware/SecureHeaders.php": SECURE_HEADERS})
    repo.commit({"app/Http/Middleware/SecureHeaders.php": SECURE_HEADERS.replace(
        "            \"require-trusted-types-for 'script'\",\n", "")})
    code, doc = run_json(capsys, "--base", base)
    [setting] = findings(doc, "security")
    assert setting["kind"] == "setting" and "require-trusted-types-for" in setting["detail"]
    assert code == 1


SECURE_HEADERS_RB = """\
SecureHeaders::Configuration.default do |config|
  config.csp = {
    default_src: %w['none'],
    script_src: %w['self'],
    block_all_mixed_content: true,
  }
end
"""


@pytest.mark.parametrize("after", [
    SECURE_HEADERS_RB.replace("block_all_mixed_content: true", "upgrade_insecure_requests: true"),
    SECURE_HEADERS_RB.replace("script_src: %w['self']", "script_src: %w['self' 'unsafe-inline']"),
    SECURE_HEADERS_RB.replace("block_all_mixed_content: true", "form_action: %w['self' https://pay.example]"),
])
def test_directives_written_the_ruby_way(repo: Repo, capsys: pytest.CaptureFixture[str], after: str) -> None:
    """secure_headers and Rails' `policy.script_src` spell the directives with underscores."""
    base = repo.commit({".ownership-gate.yaml": POLICY, "config/initializers/secure_headers.rb": SECURE_HEADERS_RB})
    repo.commit({"config/initializers/secure_headers.rb": after})
    code, doc = run_json(capsys, "--base", base)
    assert [f["kind"] for f in findings(doc, "security")] == ["setting"] and code == 1


def test_where_a_form_posts_is_no_directive(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    view = "def get_context_data(self):\n    context = {}\n    return context\n"
    page = "<main>\n</main>\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "barriers/views/plans.py": view, "templates/plan.html": page})
    repo.commit({
        "barriers/views/plans.py": view.replace("    return", '    context["form_action"] = reverse("plans:edit")\n    return'),
        "templates/plan.html": page.replace("<main>\n", '<main>\n<form action="{{ form_action }}" method="POST">\n'),
    })
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0


def test_an_image_source_in_data_is_no_directive(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    engine = "def parse(result):\n    return {'url': result['url']}\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "searx/engines/images.py": engine})
    repo.commit({"searx/engines/images.py": engine.replace("}", ", 'img_src': result['thumb']}")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0


def test_access_check_removed_but_moved_checks_cancel(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({"app/controllers/invoices_controller.rb": CONTROLLER.replace("  before_action :authenticate_user!\n", "")})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [("access", "app/controllers/invoices_controller.rb")]
    assert code == 1

    # The same check moved to the base controller, as a refactor does: no change of access.
    moved = repo.commit({
        "app/controllers/invoices_controller.rb": CONTROLLER,
    })
    repo.commit({
        "app/controllers/invoices_controller.rb": CONTROLLER.replace("  before_action :authenticate_user!\n", ""),
        "app/controllers/billing_controller.rb": "class BillingController < ApplicationController\n"
                                                 "  before_action :authenticate_user!\nend\n",
    })
    code, doc = run_json(capsys, "--base", moved)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_file_named_for_authentication(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    extension = """\
export class AuthenticationExtension {
  async reauthenticate(user: User, action: string): Promise<boolean> {
    return user.lastSignInAt > Date.now() - 5 * 60 * 1000 || action === "view";
  }
}
"""
    repo.commit({"server/AuthenticationExtension.ts": extension})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [("access", "server/AuthenticationExtension.ts")]
    assert code == 1


def test_look_alikes_are_routine(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({
        # A domain model that happens to be called Security (stocks, not safety).
        "app/models/security.rb": "class Security < ApplicationRecord\n  has_many :prices\n  has_many :trades\nend\n",
        # A page that shows an admin badge: the server decides access, not the page.
        "app/components/UserCard.tsx": "export const UserCard = ({ user }) => (\n"
                                       "  <div>{user.isAdmin ? <Badge>Admin</Badge> : null}</div>\n);\n",
        # Tests of authentication are not authentication.
        "spec/requests/auth_spec.rb": "describe 'login' do\n  it { authorize(user, :show) }\nend\n",
        # A page named for security documents it: prose sets nothing.
        "app/content/data-manual/security.md": "# Security\n\nTeams should follow the Secure by\nDesign principles to build a\n"
                                               "secure: service.\n",
        # Nor are the suites named for their kind, a build's test source sets, and the mocks tests run against.
        "integration-tests/mockApis/auth.js": "const stubLogin = () => stubFor({ request: { url: '/auth/login' } })\n",
        "orchestration-shared-test/src/main/java/app/extensions/CommonPasswordsExtension.java": (
            "class CommonPasswordsExtension {\n  void reset() { passwords.clear(); }\n}\n"),
        "src/testUtils/java/app/AuthorizationHeadersProvider.java": "class AuthorizationHeadersProvider {\n"
                                                                    "  String token() { return login(); }\n}\n",
        "src/integrationTest/kotlin/app/PermissionsTest.kt": "class PermissionsTest {\n  val roles = listOf(1)\n}\n",
        # Cucumber's steps and set-up, which its `.feature` files run.
        "features/step_definitions/login_steps.rb": "When(/^I sign in$/) do\n  authorize(user, :admin)\nend\n",
        "features/support/authentication.rb": "def sign_in_as(user)\n  session[:user_id] = user.id\nend\n",
        # A Django app's own tests module, in an app named for authentication.
        "accounts/authentication/tests.py": "def test_login(client):\n    assert client.login(username='a', password='b')\n",
        # A link in a comment is not a call.
        "src/util.ts": "// see https://developer.mozilla.org/docs/Web/API\nexport const one = 1;\n",
        # Laravel's translations of its authentication and session messages.
        "resources/lang/hr-HR/auth.php": "<?php\nreturn ['failed' => 'Neispravni podaci.', 'throttle' => 'Previše pokušaja.'];\n",
        "lang/hr-HR/settings.php": "<?php\nreturn ['session' => ['timeout' => 'Istek sesije']];\n",
        # Data shapes named for what they carry: a DTO, an enum, a typed language's model classes.
        "src/main/kotlin/app/dto/ActionPlanSessionsDTO.kt": "data class ActionPlanSessionDTO(\n"
                                                              "  val sessionNumber: Int,\n  val submittedBy: String?,\n)\n",
        "src/role-access/models/allocate-role.enum.ts": "export enum AllocateRoleState {\n  CHOOSE_ROLE = 'choose-role',\n}\n",
        "src/main/java/app/api/model/UserPermission.java": "public class UserPermission {\n  private String name;\n}\n",
        # A TypeScript file of interfaces and type aliases only: the shape of a session record.
        "src/models/ISessionItem.ts": ('import { Evidence } from "./IVeriCredential";\n'
                                       'export type CheckResult = "MATCH" | "NO_MATCH";\n'
                                       "export interface ISessionItem {\n  sessionId: string;\n"
                                       "  accessToken?: string;\n  hmrcUuid?: string;\n}\n"),
    })
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_a_typescript_file_of_types_that_gains_code_counts(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    shape = "export interface ISessionItem {\n  sessionId: string;\n}\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/models/ISessionItem.ts": shape})
    repo.commit({"src/models/ISessionItem.ts": shape + "export const isExpired = (s) => s.expiry < Date.now();\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "src/models/ISessionItem.ts")]
    assert code == 1


def test_rename_in_a_file_named_for_authentication_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    helper = "export function issue(user) {\n  return user.getJwtToken(expires, service);\n}\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "server/utils/authentication.ts": helper})
    repo.commit({"server/utils/authentication.ts": helper.replace("getJwtToken", "getSessionToken")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_a_function_only_exported_in_a_file_named_for_authentication_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    sessions = ("export const getSession = (id) => fetch(`/sessions/${id}`).then(handleSessionResponse);\n\n"
                "const handleSessionResponse = async (response) => {\n  if (!response.ok) throw new Error();\n"
                "  return response.json();\n};\n")
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/server/lib/okta/api/sessions.ts": sessions})
    # Exported for a test to call it: the same function.
    repo.commit({"src/server/lib/okta/api/sessions.ts": sessions.replace(
        "const handleSessionResponse", "export const handleSessionResponse")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    repo.commit({"src/server/lib/okta/api/sessions.ts": sessions.replace("!response.ok", "response.status >= 500")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "src/server/lib/okta/api/sessions.ts")]
    assert code == 1


APPLICATION_POLICY = """\
class ApplicationPolicy
  private

  def check_permissions(record, permissions, user, role_fallback: nil)
    record.grants_permission_to?(permissions, [user, user&.roles])
  rescue NoMethodError
    user&.has_role?(role_fallback)
  end
end
"""


def test_a_call_added_to_a_permission_check_is_no_rename(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # `.flatten` swaps no name for another: the roles a grant is matched against change, so who is permitted does.
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/policies/application_policy.rb": APPLICATION_POLICY})
    repo.commit({"app/policies/application_policy.rb": APPLICATION_POLICY.replace(
        "[user, user&.roles])", "[user, user&.roles].flatten)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "app/policies/application_policy.rb")]
    assert code == 1
    repo.commit({"app/policies/application_policy.rb": APPLICATION_POLICY.replace("check_permissions", "permitted")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0  # a rename


def assert_access_finding(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str, access: bool
) -> None:
    """`before` committed, then `after`: an `access` finding on `path` (and exit 1) exactly when `access`."""
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if access else [])
    assert code == (1 if access else 0)


VERIFY_MFA = """\
public class VerifyMfaCodeHandler {
    public Response handle(Request request) {
        try {
            return verify(request);
        } catch (Exception e) {
            LOG.error("Unexpected exception thrown");
            return error();
        }
    }
}
"""


@pytest.mark.parametrize(("old", "new", "access"), [
    ('LOG.error("Unexpected exception thrown");', 'LOG.error("Unexpected exception thrown", e);', False),
    ('LOG.error("Unexpected exception thrown");', 'LOG.warn("Verification failed");', False),
    # What it writes down now includes the code being checked.
    ('LOG.error("Unexpected exception thrown");', 'LOG.error("Failed for token {}", request.token());', True),
    # A value it now writes out: the payload it sends holds a secret key.
    ('LOG.error("Unexpected exception thrown");', 'LOG.error("Verification payload: {}", payload);', True),
    ('LOG.error("Unexpected exception thrown");', 'LOG.error(f"Verification payload: ${payload}");', True),
    ('LOG.error("Unexpected exception thrown");', 'LOG.error("Unexpected exception thrown");\n'
                                                  '            return verify(request);', True),
])
def test_only_what_code_named_for_authentication_logs_changed(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, access: bool
) -> None:
    path = "frontend-api/src/main/java/app/authentication/lambda/VerifyMfaCodeHandler.java"
    assert_access_finding(repo, capsys, path, VERIFY_MFA, VERIFY_MFA.replace(old, new), access)


@pytest.mark.parametrize(("new", "access"), [
    # A logger's own level method (`errorRequest`), the caught error made text: still only the error written down.
    ("logger.errorRequest(req, JSON.stringify(err));", False),
    ("logger.errorRequest(req, JSON.stringify(req.session));", True),
])
def test_a_log_line_that_only_formats_what_it_wrote(
    repo: Repo, capsys: pytest.CaptureFixture[str], new: str, access: bool
) -> None:
    middleware = ("export const authentication = (req, res, next) => {\n  try {\n    check(req);\n    next();\n"
                  "  } catch (err) {\n    logger.errorRequest(req, err);\n    next(err);\n  }\n};\n")
    assert_access_finding(repo, capsys, "src/middlewares/authentication.middleware.ts", middleware,
                          middleware.replace("logger.errorRequest(req, err);", new), access)


WORK_ORDERS_CONTROLLER = """\
namespace RepairsApi.V2.Controllers
{
    [ApiController]
    [Route("/api/v2/workOrders")]
    public class WorkOrdersController : Controller
    {
        [HttpGet]
        [Route("{id}/variation-tasks")]
        [ProducesResponseType(404)]
        [Authorize(Roles = UserGroups.ContractManager)]
        public async Task<IActionResult> GetWorkOrderVariations(int id)
        {
            return Ok(await _listVariationTasksUseCase.Execute(id));
        }

        [HttpGet]
        [Route("{id}")]
        public async Task<IActionResult> GetWorkOrder(int id)
        {
            return Ok(await _getWorkOrderUseCase.Execute(id));
        }
    }
}
"""
VARIATIONS_ACTION = """\
        [HttpGet]
        [Route("{id}/variation-tasks")]
        [ProducesResponseType(404)]
        [Authorize(Roles = UserGroups.ContractManager)]
        public async Task<IActionResult> GetWorkOrderVariations(int id)
        {
            return Ok(await _listVariationTasksUseCase.Execute(id));
        }

"""


@pytest.mark.parametrize(("old", "new", "access"), [
    # The action stays, open to every signed-in user.
    ("        [Authorize(Roles = UserGroups.ContractManager)]\n", "", True),
    # Another action let in without signing in.
    ('        [Route("{id}")]\n', '        [Route("{id}")]\n        [AllowAnonymous]\n', True),
    # The action deleted with its check: nobody reaches it any more.
    (VARIATIONS_ACTION, "", False),
])
def test_aspnet_core_authorisation_attributes(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, access: bool
) -> None:
    path = "RepairsApi/V2/Controllers/WorkOrdersController.cs"
    assert_access_finding(repo, capsys, path, WORK_ORDERS_CONTROLLER, WORK_ORDERS_CONTROLLER.replace(old, new), access)


BUNDLE_PERMISSIONS = """\
from .enums import BundleStatus


def user_can_preview_bundle(user, bundle) -> bool:
    return (
        user.has_perm("bundles.view")
        and bundle.status == BundleStatus.IN_REVIEW
        and bool(set(user.active_team_ids) & set(bundle.active_team_ids))
    )
"""


@pytest.mark.parametrize(("imported", "old", "new", "access"), [
    # Names swapped, and the test around them too: the check now lets in a set of statuses.
    ("PREVIEWABLE_STATUSES", "bundle.status == BundleStatus.IN_REVIEW", "bundle.status in PREVIEWABLE_STATUSES", True),
    ("BundleStatus", "bundle.status == BundleStatus.IN_REVIEW", "bundle.status != BundleStatus.IN_REVIEW", True),
    # A rename: every line an old one with names swapped.
    ("BundleState", "bundle.status == BundleStatus.IN_REVIEW", "bundle.status == BundleState.IN_REVIEW", False),
])
def test_an_operator_changed_around_renamed_names_is_no_rename(
    repo: Repo, capsys: pytest.CaptureFixture[str], imported: str, old: str, new: str, access: bool
) -> None:
    renamed = BUNDLE_PERMISSIONS.replace(old, new).replace("import BundleStatus", f"import {imported}")
    assert_access_finding(repo, capsys, "cms/bundles/permissions.py", BUNDLE_PERMISSIONS, renamed, access)


TOKENS_GO = """\
package api

func (api *API) TokensHandler(req *Request) (*Response, error) {
\tprintln("in TokensHandler 2")
\tvalidationErrs := req.ValidateCredentials()
\tif validationErrs != nil {
\t\treturn nil, badRequest(validationErrs)
\t}
\tfmt.Println("in TokensHandler 3")
\treturn api.signIn(req)
}
"""


@pytest.mark.parametrize(("old", "new", "access"), [
    ('\tprintln("in TokensHandler 2")\n', "", False),
    ('\tfmt.Println("in TokensHandler 3")\n', '\tfmt.Println("signing in")\n', False),
    # A print that starts writing out a secret is a change, as a log line's is.
    ('\tprintln("in TokensHandler 2")\n', '\tprintln("token: " + req.Token)\n', True),
    ('\tprintln("in TokensHandler 2")\n', '\tprintln("in TokensHandler 2")\n\treq.SkipValidation = true\n', True),
])
def test_only_what_code_named_for_authentication_prints_changed(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, access: bool
) -> None:
    assert_access_finding(repo, capsys, "api/tokens.go", TOKENS_GO, TOKENS_GO.replace(old, new), access)


SERVICE_CONFIG_POLICY = """\
class ServiceConfigPolicy < BasePolicy
  def new?
    admin?
  end
  alias index? new?
  alias create? new?
end
"""


@pytest.mark.parametrize("constant", ["true", "false"])
def test_a_check_that_became_a_constant_is_no_rename(
    repo: Repo, capsys: pytest.CaptureFixture[str], constant: str
) -> None:
    # One word swapped for another reads like a rename, but `true` lets every user in (and `false` no one).
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/policies/service_config_policy.rb": SERVICE_CONFIG_POLICY})
    repo.commit({"app/policies/service_config_policy.rb": SERVICE_CONFIG_POLICY.replace("    admin?", f"    {constant}")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "app/policies/service_config_policy.rb")]
    assert code == 1
    repo.commit({"app/policies/service_config_policy.rb": SERVICE_CONFIG_POLICY.replace("admin?", "superuser?")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0  # a rename


GO_SESSION = """\
package sql

import (
	"context"

	"github.com/acme/app/x/stringsx"
)

func (p *Persister) UpsertSession(ctx context.Context, s *Session) error {
	s.Location = stringsx.GetPointer(stringsx.Truncate(*s.Location, 512))
	return p.save(ctx, s)
}
"""


def test_a_helper_moved_to_another_package_in_session_code_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The import block gains the helper's new package and the call is renamed: a move, no new logic.
    base = repo.commit({".ownership-gate.yaml": POLICY, "persistence/persister_session.go": GO_SESSION})
    moved = GO_SESSION.replace('\t"github.com/acme/app/x/stringsx"\n',
                               '\t"github.com/acme/app/x/pointerx"\n\t"github.com/acme/app/x/stringsx"\n')
    repo.commit({"persistence/persister_session.go": moved.replace("stringsx.GetPointer(", "pointerx.Ptr(")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
    # A new line of logic beside the same move is still a change to session code.
    repo.commit({"persistence/persister_session.go": moved.replace(
        "\treturn p.save(ctx, s)", "\ts.ExpiresAt = s.ExpiresAt.Add(720 * time.Hour)\n\treturn p.save(ctx, s)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "persistence/persister_session.go")]
    assert code == 1


KEYS_LIST = """\
export function ApiKeysList({ apiKeys }) {
  return apiKeys.map((apiKey) => (
    <li key={apiKey.id}>{apiKey.name}: last used {dayjs(apiKey.lastUsedAt).fromNow()}</li>
  ));
}
"""


def test_a_page_that_starts_showing_a_secret_but_not_one_it_showed_before(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/settings/api-keys-list.tsx": KEYS_LIST})
    # The same field formatted another way: the page names the key object as often as before.
    reworded = repo.commit({"src/settings/api-keys-list.tsx": KEYS_LIST.replace(
        "dayjs(apiKey.lastUsedAt).fromNow()", "toRelativeTime(apiKey.lastUsedAt)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
    # Showing the key itself is new.
    repo.commit({"src/settings/api-keys-list.tsx": KEYS_LIST.replace(
        "{apiKey.name}:", "{apiKey.name} ({apiKey.secret_key}):")})
    code, doc = run_json(capsys, "--base", reworded)
    assert kinds_and_subjects(doc, "security") == [("access", "src/settings/api-keys-list.tsx")]
    assert code == 1


DJANGO_MIDDLEWARE = """\
MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
]
"""

LARAVEL_KERNEL = """\
<?php

class Kernel extends HttpKernel
{
    protected $middleware = [
        \\Illuminate\\Foundation\\Http\\Middleware\\CheckForMaintenanceMode::class,
    ];

    protected $middlewareGroups = [
        'web' => [
            \\App\\Http\\Middleware\\EncryptCookies::class,
            \\Illuminate\\Session\\Middleware\\StartSession::class,
            \\App\\Http\\Middleware\\VerifyCsrfToken::class,
        ],
    ];
}
"""


def test_a_middleware_stack_changed_is_a_security_setting(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/settings.py": DJANGO_MIDDLEWARE,
                        "app/Http/Kernel.php": LARAVEL_KERNEL})
    # The same stack quoted another way, and a middleware that guards nothing added: routine.
    requoted = DJANGO_MIDDLEWARE.replace("'", '"').replace(
        '    "django.middleware.common.CommonMiddleware",\n',
        '    "django.middleware.common.CommonMiddleware",\n    "whitenoise.middleware.WhiteNoiseMiddleware",\n')
    same = repo.commit({"app/settings.py": requoted})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
    # CSRF protection taken out of Django's stack.
    repo.commit({"app/settings.py": "\n".join(line for line in requoted.splitlines() if "csrf" not in line) + "\n"})
    code, doc = run_json(capsys, "--base", same)
    assert kinds_and_subjects(doc, "security") == [("setting", "app/settings.py")]
    assert "CsrfViewMiddleware" in findings(doc, "security")[0]["detail"]
    assert code == 1
    # Sessions started for every request, API routes included, and before cookies are decrypted: a move.
    moved = LARAVEL_KERNEL.replace("            \\Illuminate\\Session\\Middleware\\StartSession::class,\n", "").replace(
        "CheckForMaintenanceMode::class,\n",
        "CheckForMaintenanceMode::class,\n        \\Illuminate\\Session\\Middleware\\StartSession::class,\n")
    head = repo.commit({"app/Http/Kernel.php": moved})
    code, doc = run_json(capsys, "--base", f"{head}~1")
    assert kinds_and_subjects(doc, "security") == [("setting", "app/Http/Kernel.php")]
    assert code == 1


GO_ROUTES = """\
package controllers

func CreateRouter() *mux.Router {
	router := mux.NewRouter()
	router.HandleFunc("/login", Login)
	api := router.PathPrefix("/api").Subrouter()
	api.HandleFunc("/", Use(API, mid.RequireAPIKey))
	return router
}
"""


def test_go_middleware_passed_by_name_is_a_check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "controllers/route.go"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: GO_ROUTES})
    # A new route behind the login check guards new code: routine.
    added = repo.commit({path: GO_ROUTES.replace("\treturn router", '\trouter.HandleFunc("/reports", '
                                                 "Use(Reports, mid.RequireLogin))\n\treturn router")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
    # The API moved from API keys to browser sessions: who can call it changed.
    repo.commit({path: GO_ROUTES.replace("mid.RequireAPIKey", "mid.RequireLogin")})
    code, doc = run_json(capsys, "--base", added)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


GO_CREDENTIALS = """\
package identity

const (
	CredentialsTypePassword CredentialsType = "password"
	CredentialsTypeOIDC     CredentialsType = "oidc"
)

const SessionLifespan = 3600
"""


def test_a_new_constant_in_code_named_for_authentication_changes_nothing_yet(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "identity/credentials.go"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: GO_CREDENTIALS})
    # A credential type declared for later work: nothing reads it yet.
    declared = repo.commit({path: GO_CREDENTIALS.replace('"oidc"\n', '"oidc"\n\tCredentialsTypeTOTP     CredentialsType = "totp"\n')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
    # A constant the code already had, given another value, changes what the code does.
    repo.commit({path: GO_CREDENTIALS.replace("SessionLifespan = 3600", "SessionLifespan = 86400")})
    code, doc = run_json(capsys, "--base", declared)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


@pytest.mark.parametrize(("path", "text", "credential"), [
    # Public values only: allow-lists, switches, a database on the developer's own machine.
    (".env", "# public values\nCANDIDATE_URN_WHITELIST=100861,110048\nFEATURE_X=true\n"
             "DATABASE_URL=postgresql://postgres:postgres@localhost:5432/app\n", False),
    # Secrets named but not given: which secrets production is told to hold (`setting`), not a credential.
    (".env.staging", "SENTRY_ENVIRONMENT=staging\nSTRIPE_SECRET_KEY=\nAPI_TOKEN=${API_TOKEN}\n", False),
    (".env", "STRIPE_SECRET_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc\n", True),
    (".env.production", "DATABASE_URL=postgres://app:hunter2@db.internal:5432/app\n", True),
    (".env", "export = = =\n", True),  # a line dotenv cannot read may hold anything
    (".npmrc", "auto-install-peers=true\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", False),
    ("web/.npmrc", "//registry.npmjs.org/:_authToken=npm_a1B2c3D4e5F6g7H8i9J0\n", True),
    (".pypirc", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n", True),
    (".pypirc", "[distutils]\nindex-servers = pypi\n", False),
])
def test_a_committed_dotfile_is_a_credential_by_what_it_holds(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str], path: str, text: str, credential: bool
) -> None:
    repo.commit({path: text})
    code, doc = run_json(capsys, "--base", app)
    found = kinds_and_subjects(doc, "security")
    assert (("credential", path) in found) is credential
    if not credential:
        assert {kind for kind, _ in found} <= {"setting"}
        assert (("setting", f"{path}: STRIPE_SECRET_KEY") in found) is ("STRIPE_SECRET_KEY" in text)
    assert code == (1 if found else 0)


def test_which_dotfiles_hold_credentials() -> None:
    from ownership_gate.classifiers.security.dotfiles import holds_credential

    assert holds_credential(".env", None)  # not text: whatever it holds, it is out in the open
    assert not holds_credential(".env", "PASSWORD_RESET_DISABLED=1\nSESSION_TIMEOUT=30\n")
    assert holds_credential(".env", "SESSION_SECRET='s3cr3t-value'\n")
    assert not holds_credential(".env", "SESSION_SECRET=''\n")
    assert holds_credential(".npmrc", "_auth=dXNlcjpwYXNz\n")


def test_credentials_committed(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----\n"
    repo.commit({
        "deploy/id_ed25519": key,
        "app/billing.py": 'STRIPE = "sk_live_' + "a1B2c3D4e5F6g7H8i9J0k1L2" + '"\n',
    })
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [("credential", "app/billing.py"), ("credential", "deploy/id_ed25519")]
    assert code == 1


def test_a_notify_api_key_committed_is_a_credential(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    # GOV.UK Notify's keys are the key's name, the service's ID and the secret; two IDs of records are not one.
    conf = 'notifier {\n  api-key = "${?NOTIFY_API_KEY}"\n}\n'
    base = repo.commit({"conf/application.conf": conf, "app/ids.py": "PAIRS = []\n"})
    repo.commit({"conf/application.conf": conf.replace(
        "${?NOTIFY_API_KEY}", "dev-e95dc424-8778-475e-9d4f-c9a685268124-99b9a8b9-3710-4ebf-b159-0cfd37875fcb"),
        "app/ids.py": 'PAIRS = ["8d6e1bd9-44a1-4c0a-9c41-1d2f9c7e0a11/2f1b7a52-8a42-4e8e-bd3c-44d5a1c0e9b7"]\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("credential", "conf/application.conf")]
    assert code == 1


PLAY_CONTROLLER = """\
class PassthroughController @Inject()(identify: IdentifierAction, isSupport: AuthorisedSupportAction,
                                      getData: DataRetrievalAction, requireData: DataRequiredAction) {
  def onPageLoad(mode: Mode): Action[AnyContent] = (identify andThen getData andThen requireData) { implicit request =>
    Ok(view(form, mode))
  }

  val show: Action[AnyContent] = Authenticated { implicit request =>
    Ok(page())
  }
}
"""


def test_who_may_call_a_play_action_is_an_access_check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "app/controllers/PassthroughController.scala"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: PLAY_CONTROLLER})
    # A builder of data added, and a new action behind the checks the others have: who may call them is the same.
    routine = repo.commit({path: PLAY_CONTROLLER.replace("(identify andThen getData andThen requireData)",
                                                         "(identify andThen getData)").replace(
        "  val show:", "  def onSubmit(mode: Mode): Action[AnyContent] = (identify andThen isSupport).async {\n"
                       "    Future.successful(Ok)\n  }\n\n  val show:")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0
    # A role's refiner put in front of an existing action, or its authentication swapped for another's, changes it.
    for before, after in (("(identify andThen getData)", "(identify andThen isSupport andThen getData)"),
                          ("Authenticated {", "identity {")):
        repo.commit({path: (repo.root / path).read_text("utf-8").replace(before, after)})
        code, doc = run_json(capsys, "--base", routine)
        [access] = findings(doc, "security")
        assert (access["kind"], access["subject"]) == ("access", path)
        assert access["detail"].startswith("who may call an action changed: ")
        assert code == 1
        routine = repo.commit({"README.md": after})


def test_a_type_declared_under_a_csp_directives_name_is_no_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "app/viewmodels/AddPrefixesViewModel.scala"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: "case class AddPrefixesViewModel(apiHubGuideUrl: String)\n"})
    repo.commit({path: "case class AddPrefixesViewModel(apiHubGuideUrl: String, formAction: Call)\n",
                 "src/csp.ts": "export const directives = {\n  formAction: string;\n};\n"})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0
    # Helmet's directive given its sources still is one.
    repo.commit({"src/helmet.ts": "export const directives = {\n  formAction: [SELF, PAY_URL],\n};\n"})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "security")] == [("setting", "src/helmet.ts")]
    assert code == 1


def test_new_outbound_host_but_not_a_known_one(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    client = 'export const api = "https://api.payments.example.net/v1";\n'
    base = repo.commit({"src/client.ts": client})
    repo.commit({"src/client.ts": client + 'export const telemetry = "https://collect.tracker.io/e";\n'
                                          'export const again = "https://api.payments.example.net/v2";\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("host", "src/client.ts: collect.tracker.io")]
    assert code == 1


EXPORT = """\
const mermaidUrl = "https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs";

export function exportHtml(doc: Document): string {
  return doc.documentElement.outerHTML;
}
"""


def test_a_new_package_from_a_public_cdn_is_a_new_call_even_on_a_known_host(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"server/helpers/ExportHelper.tsx": EXPORT})
    # A stylesheet of another package, from the CDN host the file already loads a script from.
    repo.commit({"server/helpers/ExportHelper.tsx": EXPORT.replace(
        "export function", 'const katexCss =\n  "https://cdn.jsdelivr.net/npm/katex@0.16.45/dist/katex.min.css";\n\nexport function'
    )})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("host", "server/helpers/ExportHelper.tsx: cdn.jsdelivr.net/katex")]
    assert findings(doc, "security")[0]["detail"] == "the code now loads katex from cdn.jsdelivr.net, which it did not before"
    assert code == 1


PACKAGE_PAGE = """\
{% extends "layout.html.twig" %}
{% block content %}
  <h1>{{ package.name }}</h1>
  <p>Maintained by <a href="{{ path('user_profile', {name: maintainer}) }}">{{ maintainer }}</a></p>
{% endblock %}
"""


@pytest.mark.parametrize(("path", "added", "found"), [
    ("src/WebBundle/Resources/views/Package/viewPackage.html.twig",
     "  <script>\n    wf.src = 'https://ajax.googleapis.com/ajax/libs/webfont/1/webfont.js';\n  </script>\n",
     "ajax.googleapis.com"),
    ("src/WebBundle/Resources/views/Package/viewPackage.html.twig",
     '  <p><a href="https://twitter.com/packagist">Follow us</a></p>\n', None),  # a link, not a call
    ("frontend/src/components/Usage.vue",
     "  <script setup>\n    const usage = await fetch('https://api.meter-vendor.io/v1/usage')\n  </script>\n",
     "api.meter-vendor.io"),
    ("app/templates/base.html",
     '  <script src="https://plausible.io/js/script.js"></script>\n', "plausible.io"),
])
def test_a_page_template_or_component_loading_a_new_host(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, added: str, found: str | None
) -> None:
    base = repo.commit({path: PACKAGE_PAGE})
    repo.commit({path: PACKAGE_PAGE.replace("{% endblock %}", added + "{% endblock %}")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("host", f"{path}: {found}")] if found else [])
    assert code == (1 if found else 0)


def test_a_protocol_relative_script_in_a_phoenix_layout_is_a_new_call(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "lib/app_web/templates/layout/app.html.eex"
    layout = "<html>\n  <head>\n    <title><%= @title %></title>\n  </head>\n  <body><%= @inner_content %></body>\n</html>\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: layout})
    script = '    <script src="//cdnjs.cloudflare.com/ajax/libs/cookieconsent2/3.1.0/cookieconsent.min.js"></script>\n'
    repo.commit({path: layout.replace("  </head>\n", script + "  </head>\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("host", f"{path}: cdnjs.cloudflare.com/cookieconsent2")]
    assert code == 1


def test_a_new_version_of_a_cdn_package_or_a_link_in_a_page_is_no_new_call(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({"server/helpers/ExportHelper.tsx": EXPORT})
    repo.commit({"server/helpers/ExportHelper.tsx": EXPORT.replace("mermaid@11", "mermaid@11.4.1")
                 + 'export const help = "https://status.vendorstatus.io/incidents";\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


AUTH_MIDDLEWARE = """\
export function requireAdmin(req, res, next) {
  if (req.user && (req.user.isAdmin || req.user.role === "owner")) {
    return next();
  }
  res.status(403).send("forbidden");
}
"""

# What Prettier makes of it: rewrapped, trailing comma, a lone arrow parameter wrapped.
AUTH_MIDDLEWARE_FORMATTED = """\
export function requireAdmin(req, res, next) {
  if (
    req.user &&
    (req.user.isAdmin || req.user.role === "owner")
  ) {
    return next();
  }
  res.status(403).send(
    "forbidden",
  );
}
export const wrap = (handler) => handler;
"""


def test_reformatting_a_file_named_for_authorisation_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({
        ".ownership-gate.yaml": POLICY,
        "server/middleware/authorization.js": AUTH_MIDDLEWARE + "export const wrap = handler => handler;\n",
    })
    repo.commit({"server/middleware/authorization.js": AUTH_MIDDLEWARE_FORMATTED})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


@pytest.mark.parametrize("edit", [
    # Grouping parentheses decide the logic: `a && (b || c)` is not `a && b || c`.
    ('(req.user.isAdmin || req.user.role === "owner")', 'req.user.isAdmin || req.user.role === "owner"'),
    # A line break after `return` ends the statement in JavaScript.
    ("return next();", "return\n    next();"),
    # Spaces inside a string are data.
    ('"owner"', '"own er"'),
])
def test_reformatting_that_changes_the_code_is_still_read(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: tuple[str, str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "server/middleware/authorization.js": AUTH_MIDDLEWARE})
    repo.commit({"server/middleware/authorization.js": AUTH_MIDDLEWARE_FORMATTED.replace(*edit)
                 .replace("export const wrap = (handler) => handler;\n", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "server/middleware/authorization.js")]
    assert code == 1


SECURITY_CONFIG = """\
/**
 * Spring Security configuration if security is not disabled.
 */
@Configuration
public class SecurityConfig {
  @Bean
  SecurityFilterChain securityFilterChain(final HttpSecurity http) throws Exception {
    http
        .authorizeHttpRequests(authorize -> authorize
            .requestMatchers("/actuator/health", "/actuator/info").permitAll()
            .anyRequest().authenticated())
        .oauth2ResourceServer(oauth2 -> oauth2
            .jwt(jwt -> jwt.jwtAuthenticationConverter(converter())) // claims to roles
        );
    return http.build();
  }
}
"""

# What google-java-format makes of it: the chain rewrapped one call a line, the Javadoc onto one line.
SECURITY_CONFIG_FORMATTED = """\
/** Spring Security configuration if security is not disabled. */
@Configuration
public class SecurityConfig {
  @Bean
  SecurityFilterChain securityFilterChain(final HttpSecurity http)
      throws Exception {
    http.authorizeHttpRequests(
            authorize ->
                authorize
                    .requestMatchers("/actuator/health", "/actuator/info")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .oauth2ResourceServer(
            oauth2 ->
                oauth2.jwt(
                    jwt -> jwt.jwtAuthenticationConverter(converter()))); // roles from claims
    return http.build();
  }
}
"""


@pytest.mark.parametrize(("edit", "changed"), [
    (("", ""), False),
    # Comments go; what the code does still counts, inside string literals too.
    (('"/actuator/info"', '"/actuator/**"'), True),
    (("/** Spring Security configuration", "/* Spring Security configuration"), False),
])
def test_a_java_security_config_rewrapped_by_its_formatter(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: tuple[str, str], changed: bool
) -> None:
    path = "src/main/java/uk/gov/justice/laa/access/config/SecurityConfig.java"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: SECURITY_CONFIG})
    repo.commit({path: SECURITY_CONFIG_FORMATTED.replace(*edit)})
    code, doc = run_json(capsys, "--base", base)
    assert bool(kinds_and_subjects(doc, "security")) is changed
    assert code == (1 if changed else 0)


def test_a_migration_named_for_sessions_is_schema_not_access(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    migration = (
        "class CreateUserSessions < ActiveRecord::Migration[7.1]\n"
        "  def change\n    create_table :user_sessions do |t|\n      t.string :token_digest\n"
        "    end\n  end\nend\n"
    )
    repo.commit({
        "db/migrate/20240101000000_create_user_sessions.rb": migration,
        # A credential is a credential wherever it is written.
        "priv/repo/migrations/20240101000000_seed_tokens.exs": 'execute "INSERT INTO keys VALUES (\'sk_live_'
        + "a1B2c3D4e5F6g7H8i9J0k1L2" + '\')"\n',
    })
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [("credential", "priv/repo/migrations/20240101000000_seed_tokens.exs")]
    assert code == 1


TOKENS_PY = """\
import jwt


def get_payload(token):
    try:
        payload = jwt.decode(token)
    except jwt.ExpiredSignatureError:
        raise ValidationError("Signature has expired")
    except jwt.DecodeError as error:
        raise ValidationError({"token": error})
    if payload.get("type") != "access":
        raise ValidationError("Invalid token")
    elif payload.get("staff"):
        return check_staff(payload)
    return payload
"""

# What ruff's bugbear and return rules make of it: nothing that runs changed.
TOKENS_PY_LINTED = """\
import jwt


def get_payload(token):
    try:
        payload = jwt.decode(token)
    except jwt.ExpiredSignatureError as e:
        raise ValidationError(
            "Signature has expired"
        ) from e
    except jwt.DecodeError as e:
        raise ValidationError({"token": e}) from e
    if payload.get("type") != "access":
        raise ValidationError("Invalid token")
    if payload.get("staff"):
        return check_staff(payload)
    return payload
"""


def test_linter_rewrites_of_python_named_for_authentication_are_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/auth/tokens.py": TOKENS_PY})
    repo.commit({"app/auth/tokens.py": TOKENS_PY_LINTED})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_a_changed_condition_in_python_named_for_authentication_is_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/auth/tokens.py": TOKENS_PY})
    repo.commit({"app/auth/tokens.py": TOKENS_PY_LINTED.replace('!= "access"', 'not in ("access", "refresh")')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "app/auth/tokens.py")]
    assert code == 1


USER_BY_TOKEN = """\
import { prisma } from '@app/prisma';

export const getUserByApiToken = async ({ token }: { token: string }) => {
  const user = await prisma.user.findFirst({ where: { apiTokens: { some: { token } } } });

  if (!user) {
    throw new Error('Invalid token');
  }

  if (user.tokenExpires && user.tokenExpires < new Date()) {
    throw new Error('Expired token');
  }

  return user;
};
"""

USER_BY_TOKEN_APP_ERRORS = USER_BY_TOKEN.replace(
    "import { prisma } from '@app/prisma';\n",
    "import { prisma } from '@app/prisma';\n\nimport { AppError, AppErrorCode } from '../errors/app-error';\n",
).replace(
    "throw new Error('Invalid token');",
    "throw new AppError(AppErrorCode.UNAUTHORIZED, {\n      message: 'Invalid token',\n      statusCode: 401,\n    });",
).replace(
    "throw new Error('Expired token');",
    "throw new AppError(AppErrorCode.EXPIRED_CODE, { message: 'Expired token', statusCode: 401 });",
)


@pytest.mark.parametrize(("path", "old", "new"), [
    ("packages/lib/public-api/get-user-by-token.ts", USER_BY_TOKEN, USER_BY_TOKEN_APP_ERRORS),
    ("app/auth/tokens.py", TOKENS_PY,
     "from app.errors import AuthError\n" + TOKENS_PY.replace('ValidationError("Invalid token")', 'AuthError(401)')),
])
def test_only_what_is_thrown_changed_in_code_named_for_authentication(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, old: str, new: str
) -> None:
    """The same conditions still deny; only the error's type or message changed."""
    base = repo.commit({".ownership-gate.yaml": POLICY, path: old})
    repo.commit({path: new})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_a_denial_dropped_in_code_named_for_authentication_is_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "packages/lib/public-api/get-user-by-token.ts"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: USER_BY_TOKEN})
    expired = "  if (user.tokenExpires && user.tokenExpires < new Date()) {\n    throw new Error('Expired token');\n  }\n\n"
    repo.commit({path: USER_BY_TOKEN_APP_ERRORS.replace(expired.replace("new Error('Expired token')",
        "new AppError(AppErrorCode.EXPIRED_CODE, { message: 'Expired token', statusCode: 401 })"), "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


@pytest.mark.parametrize(("path", "old", "new"), [
    ("packages/lib/public-api/get-user-by-token.ts", USER_BY_TOKEN,
     USER_BY_TOKEN.replace("throw new Error('Invalid token');", "throw new Error(String(grantAccess(user)));")),
    ("app/auth/tokens.py", TOKENS_PY, TOKENS_PY.replace('ValidationError("Invalid token")',
                                                        'ValidationError(grant_access(payload, role="admin"))')),
])
def test_a_call_made_to_build_what_is_thrown_is_read(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, old: str, new: str
) -> None:
    """Only what is thrown may change: a call made while building it runs, and is read."""
    base = repo.commit({".ownership-gate.yaml": POLICY, path: old})
    repo.commit({path: new})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


POSTFIX_MAIN = """\
# See /usr/share/postfix/main.cf.dist
myhostname = mail.example.net
mynetworks = 127.0.0.0/8 [::1]/128
relayhost =
"""


def test_mail_server_configuration_is_a_security_setting(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "server/postfix/main.cf": POSTFIX_MAIN})
    repo.commit({"server/postfix/main.cf": POSTFIX_MAIN + "transport_maps = hash:/etc/postfix/transport\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", "server/postfix/main.cf")]
    assert "transport_maps" in findings(doc, "security")[0]["detail"]
    assert code == 1

    base = repo.git("rev-parse", "HEAD")
    repo.commit({"server/postfix/main.cf": "# relays nothing\n" + POSTFIX_MAIN.replace("\nrelayhost", "\n\nrelayhost")
                 + "transport_maps = hash:/etc/postfix/transport\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


SSHD_CONFIG = """\
Port 22
HostKey /data/ssh/ssh_host_rsa_key
HostKey /data/ssh/ssh_host_dsa_key
PasswordAuthentication no
"""


@pytest.mark.parametrize("path", ["docker/sshd_config", "roles/ssh/templates/sshd_config.j2"])
def test_ssh_server_configuration_is_a_security_setting(repo: Repo, capsys: pytest.CaptureFixture[str],
                                                        path: str) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: SSHD_CONFIG})
    repo.commit({path: SSHD_CONFIG.replace("HostKey /data/ssh/ssh_host_dsa_key\n", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", path)]
    assert findings(doc, "security")[0]["detail"] == "SSH server setting removed: HostKey /data/ssh/ssh_host_dsa_key"
    assert code == 1
    # A comment is no setting.
    base = repo.git("rev-parse", "HEAD")
    repo.commit({path: "# hardened\n" + SSHD_CONFIG.replace("HostKey /data/ssh/ssh_host_dsa_key\n", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0


NGINX = """\
server {
    listen 80;
    # the app
    location / {
        proxy_pass http://app:8000;
    }
}
"""


@pytest.mark.parametrize(("path", "before", "after", "line"), [
    # Served files now download instead of opening in the browser.
    ("storage/app/public/attachment/.htaccess", None,
     "<Files *.*>\n    Header set Content-Disposition attachment\n</Files>\n", "<Files *.*>"),
    ("docker/nginx.conf", NGINX, NGINX.replace("    listen 80;\n", "    listen 80;\n    client_max_body_size 0;\n"),
     "client_max_body_size 0;"),
    # The template an Ansible role renders into the server's configuration.
    ("roles/mailman/templates/nginx.d.conf.j2", NGINX,
     NGINX.replace("    listen 80;\n", "    listen 80;\n    limit_req zone=mailmanlimit burst=5 nodelay;\n"),
     "limit_req zone=mailmanlimit"),
])
def test_web_server_configuration_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str | None, after: str, line: str
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, **({path: before} if before else {})})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    [setting] = findings(doc, "security")
    assert (setting["kind"], setting["subject"]) == ("setting", path)
    assert line in setting["detail"] and "web server" in setting["detail"]
    assert code == 1


def test_a_web_server_configurations_comments_are_no_setting(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "docker/nginx.conf": NGINX})
    repo.commit({"docker/nginx.conf": NGINX.replace("# the app", "# the application server")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_a_host_moved_from_another_file_is_not_new(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    script = '#!/usr/bin/env ruby\nrequire "net/http"\nNet::HTTP.get(URI("https://hooks.partner.io/ping"))\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, "script/send_pings": script})
    repo.commit({
        "script/send_pings": None,
        "app/jobs/send_ping_job.rb": 'class SendPingJob\n  def perform\n'
                                     '    Net::HTTP.get(URI("https://hooks.partner.io/ping"))\n  end\nend\n',
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_a_setting_moved_within_a_file_with_its_value_kept_is_none(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = DJANGO_SETTINGS.splitlines(keepends=True)
    moved = [line for line in lines if line.startswith("SESSION_COOKIE_SECURE")]
    rest = [line for line in lines if not line.startswith("SESSION_COOKIE_SECURE")]
    repo.commit({"app/settings.py": "".join(rest + moved),
                 "config/initializers/doorkeeper.rb": "# Token settings\n" + DOORKEEPER})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


TOKEN_MODEL = """\
import random

TOKEN_CHARSET = "abcdefghijklmnopqrstuvwxyz0123456789"


class Token:
    @staticmethod
    def generate(length=40):
        return ''.join(random.choice(TOKEN_CHARSET) for _ in range(length))
"""


def test_a_randomness_or_hash_primitive_swapped_in_token_code_is_no_rename(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/users/tokens.py": TOKEN_MODEL})
    repo.commit({"app/users/tokens.py": TOKEN_MODEL.replace("random", "secrets")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "app/users/tokens.py")]
    assert code == 1


@pytest.mark.parametrize(("host", "path", "package"), [
    ("cdn.jsdelivr.net", "/npm/katex@0.16.45/dist/katex.min.css", "katex"),
    ("cdn.jsdelivr.net", "/npm/@mermaid-js/layout-elk/dist/x.mjs", "@mermaid-js/layout-elk"),
    ("cdn.jsdelivr.net", "/gh/owner/repo@1.0/x.js", "owner/repo"),
    ("cdn.jsdelivr.net", "/combine/npm/a,npm/b", None),
    ("unpkg.com", "/htmx.org@1.9.2", "htmx.org"),
    ("cdnjs.cloudflare.com", "/ajax/libs/jquery/3.6.0/jquery.min.js", "jquery"),
    ("esm.sh", "/v135/react@18?bundle", "react"),
    ("ga.jspm.io", "/npm:lodash@4.17.21/lodash.js", "lodash"),
    ("unpkg.com", "", None),
])
def test_the_package_a_cdn_url_serves(host: str, path: str, package: str | None) -> None:
    from ownership_gate.classifiers.security.hosts import cdn_package

    assert cdn_package(host, path) == package


def test_a_new_check_guarding_new_code_is_routine_but_a_grant_is_not(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A new action, guarded by the checks the app already uses: it narrows who can do the new thing.
    guarded = CONTROLLER.replace("  def index\n", "  def export\n    authorize! :export, Invoice\n"
                                 "    send_data current_user.invoices.to_csv\n  end\n\n  def index\n")
    repo.commit({"app/controllers/invoices_controller.rb": guarded})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0

    # Skipping a check for an action opens it, however it is written.
    opened = guarded.replace("  before_action :authenticate_user!\n",
                             "  before_action :authenticate_user!\n  skip_before_action :authenticate_user!, only: :export\n")
    repo.commit({"app/controllers/invoices_controller.rb": opened})
    code, doc = run_json(capsys, "--base", app)
    assert kinds_and_subjects(doc, "security") == [("access", "app/controllers/invoices_controller.rb")]
    assert code == 1


DJANGO_VIEWS = """\
from django.http import Http404


def _get_check_for_user(request, code):
    if not request.user.is_authenticated:
        raise Http404("not found")
    return request.user.checks.get(code=code)


def ping_details(request, code):
    return render(request, "details.html", {"check": _get_check_for_user(request, code)})
"""


def test_a_changed_guard_makes_an_added_check_a_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "hc/front/views.py": DJANGO_VIEWS})
    repo.commit({"hc/front/views.py": DJANGO_VIEWS.replace(
        '    if not request.user.is_authenticated:\n        raise Http404("not found")\n',
        "    assert request.user.is_authenticated\n",
    ).replace("def ping_details", "@login_required\ndef ping_details")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "hc/front/views.py")]
    assert code == 1


API_ROUTE = """\
import { getSessionOrUser, hasEnvironmentAccess } from "@/lib/api/apiHelper";

export default async function handle(req, res) {
  const user = await getSessionOrUser(req, res);
  if (!user) {
    return res.status(401).json({ message: "Not authenticated" });
  }
  const hasAccess = await hasEnvironmentAccess(user, req.query.environmentId);
  if (hasAccess === false) {
    return res.status(403).json({ message: "Not authorized" });
  }
  return res.json(await exportSurveys(req.query.environmentId));
}
"""


def test_an_access_helper_changed_in_an_api_route_under_pages(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "apps/web/pages/api/v1/environments/[environmentId]/export/index.ts"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: API_ROUTE})
    repo.commit({path: API_ROUTE.replace("getSessionOrUser, ", "").replace(
        '  const user = await getSessionOrUser(req, res);\n  if (!user) {\n'
        '    return res.status(401).json({ message: "Not authenticated" });\n  }\n', ""
    ).replace("hasEnvironmentAccess(user, req.query.environmentId)", "hasEnvironmentAccess(req, res, req.query.environmentId)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


SETTINGS_VIEWS = """\
from app.utils.user import user_has_permissions


@main.route("/services/<uuid:service_id>/service-settings")
@user_has_permissions("manage_settings", admin_override=True)
def service_settings(service_id):
    return render_template("views/service-settings.html")


@main.route("/services/<uuid:service_id>/service-settings/name")
@user_has_permissions("manage_settings", admin_override=True)
def service_name_change(service_id):
    return render_template("views/service-settings/name.html", name=current_service.name)
"""


def test_a_snake_case_access_helper_given_another_permission(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "app/main/views/service_settings.py"
    base = repo.commit({path: SETTINGS_VIEWS})
    repo.commit({path: SETTINGS_VIEWS.replace('"manage_settings", admin_override=True)\ndef service_settings',
                                              '"manage_settings", "manage_api_keys", admin_override=True, any_=True)'
                                              "\ndef service_settings")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert "@user_has_permissions(\"manage_settings\", \"manage_api_keys\"" in findings(doc, "security")[0]["detail"]
    assert code == 1

    repo.commit({path: SETTINGS_VIEWS.replace("current_service.name", "current_service.name.strip()")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []  # the view's body, not who may reach it
    assert code == 0


LARAVEL_ROUTES = """\
<?php

use App\\Livewire\\BookingsCalendar;
use Illuminate\\Support\\Facades\\Route;

Route::group([
    'as' => 'atc.bookings.',
    'prefix' => 'atc/bookings',
], function () {
    Route::get('calendar/{year?}/{month?}', BookingsCalendar::class)
        ->middleware(['auth_full_group', 'can:admin.access'])
        ->name('calendar');
});
"""

EXPRESS_ROUTES = """\
import * as express from "express";
import { validateSessionMiddleware } from "../../middleware/session-middleware";
import { resetPasswordRequestGet, resetPasswordRequestPost } from "./reset-password-controller";

const router = express.Router();

router.get("/reset-password-request", resetPasswordRequestGet);
router.post("/reset-password-request", validateSessionMiddleware, resetPasswordRequestPost);

export { router as resetPasswordRouter };
"""


@pytest.mark.parametrize(("path", "before", "after"), [
    ("routes/web-livewire.php", LARAVEL_ROUTES,
     LARAVEL_ROUTES.replace("        ->middleware(['auth_full_group', 'can:admin.access'])\n", "")),
    ("src/components/reset-password/reset-password-routes.ts", EXPRESS_ROUTES,
     EXPRESS_ROUTES.replace('"/reset-password-request", resetPasswordRequestGet',
                            '"/reset-password-request", validateSessionMiddleware, resetPasswordRequestGet')),
])
def test_route_middleware_that_authenticates_or_authorises(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str
) -> None:
    base = repo.commit({path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


def test_route_middleware_that_checks_nobody_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "routes/web-livewire.php"
    base = repo.commit({path: LARAVEL_ROUTES})
    repo.commit({path: LARAVEL_ROUTES.replace("->name('calendar');", "->middleware('throttle:60,1')\n        ->name('calendar');")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


@pytest.mark.parametrize(("path", "named"), [
    ("app/policies/invoice_policy.rb", True),
    ("lib/abilities/template_conditions.rb", True),
    ("app/models/ability.rb", True),
    ("app/models/capability.rb", False),
    ("app/workers/reauth_enforcer.rb", True),
    ("lib/sequin/accounts/impersonate.ex", True),
    ("app/models/reauthor.rb", False),
    ("app/Policies/PostPolicy.php", True),
    # A typed language's contracts declare the requests and responses services exchange.
    ("src/Dfe.SignIn.Core.Contracts/Users/SelfChangePassword.cs", False),
    ("src/Dfe.SignIn.Core/Users/SelfChangePassword.cs", True),
    # A policy for how code behaves, not who may act: a case's routing to its next page, a retry policy.
    ("src/main/java/uk/gov/hmcts/reform/pcs/ccd/service/routing/RentDetailsRoutingPolicy.java", False),
    ("src/Infrastructure/RetryPolicy.cs", False),
    ("app/services/cache_eviction_policy.rb", False),
    ("app/tasks/maintenance/policy_announcement_email_task.rb", False),
    ("app/Http/Middleware/TwoFactorAuth.php", True),
    ("src/MultiFactorEnrollment.ts", True),
    ("app/services/user_session.rb", True),
    ("src/main/java/uk/gov/app/UserSession.java", True),
    # A capitalised word is read as written: `Possession` holds the letters of `session` and is another word.
    ("src/main/java/uk/gov/hmcts/reform/pcs/ccd/event/ResumePossessionClaim.java", False),
    ("src/page/resumepossessionclaim/GroundsForPossession.java", False),
    # A name that starts with the word, in any case.
    ("web/src/javascript/sessionDialog.js", True),
    ("server/controllers/loginController.js", True),
    # A payment provider's checkout session is not a login session.
    ("apps/web/app/api/stripe/webhook/checkout-session-completed.ts", False),
    ("app/billing/CheckoutSession.ts", False),
    # TypeScript's type guards narrow a type; a route's guards decide who gets in.
    ("pipeline/src/helpers/type-guards.ts", False),
    ("src/utils/type_guards.ts", False),
    ("src/auth/guards/roles.guard.ts", True),
    ("src/app/guards.ts", True),
    # A card's or a charge's authorisation in a payments path is the card issuer's, not a user's access.
    ("src/main/java/com/example/pay/gateway/AuthorisationGatewayRequest.java", False),
    ("src/main/java/com/example/paymentprocessor/service/CardAuthoriseService.java", False),
    ("app/services/ChargeAuthorizationHandler.kt", False),
    # ... and so is a payment's or a card's "auth", the word joined to what it authorises.
    ("app/controllers/web-payments/payment-auth-request-controller.js", False),
    ("src/main/java/com/example/pay/CardAuthService.java", False),
    ("app/auth/payment-auth.js", True),
    ("app/payments/auth/token.rb", True),
    ("app/payments/SessionStore.java", True),
    ("app/controllers/authorizations_controller.rb", True),
    # Access control, by any spelling: a folder of role profiles, a service, a crate.
    ("src/main/java/uk/gov/hmcts/reform/pcs/ccd/accesscontrol/AccessProfile.java", True),
    ("src/main/java/uk/gov/hmcts/reform/wa/auth/AccessControlService.java", True),
    ("libs/access-control/src/enforcer.rs", True),
    ("src/components/accessible_controls.ts", False),
    ("api/gateway/authorizer.ts", True),
    # A folder named for access from its first word names its files; one that only ends in the word does not.
    ("src/lib/loaders/loaders_with_authentication/gravity.js", False),
    ("src/auth/helpers/gravity.js", True),
    ("app/two_factor_authentication/setup.rb", True),
    # Ansible's roles are what a playbook applies; a role named for access still names its files.
    ("roles/keycloak/tasks/main.py", False),
    ("roles/oauth2-proxy/templates/config.py", True),
    ("app/roles/admin.rb", True),
    # A design system's tokens are colours and sizes; a tokens file elsewhere may hold credentials.
    ("libs/theme/src/tokens/semanticColors.tokens.ts", False),
    ("packages/design-tokens/spacing.ts", False),
    ("src/tokens/typography.ts", False),
    ("app/tokens/access_token.rb", True),
    ("src/auth/tokens.ts", True),
])
def test_policy_in_a_file_name(repo: Repo, capsys: pytest.CaptureFixture[str], path: str, named: bool) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: "class Thing\n  def run\n    notify(:all)\n  end\nend\n"})
    repo.commit({path: None})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if named else [])
    assert code == (1 if named else 0)


def test_a_cookie_setting_in_plural(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = "config/initializers/new_framework_defaults_6_0.rb"
    setting = "Rails.application.config.action_dispatch.use_cookies_with_metadata = true\n"
    base = repo.commit({path: "# " + setting})
    repo.commit({path: setting})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [
        ("setting", f"{path}: Rails.application.config.action_dispatch.use_cookies_with_metadata")
    ]
    assert code == 1



def test_a_release_configurations_set_call_is_a_setting(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Distillery's release configuration: the Erlang distribution cookie is the secret every node of the
    # cluster authenticates with.
    path = "rel/config.exs"
    release = 'environment :prod do\n  set include_erts: true\n  set cookie: :"q=5<;c0X!<z11c"\nend\n'
    base = repo.commit({path: release})
    repo.commit({path: release.replace("set include_erts: true", "set(include_erts: false)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    repo.commit({path: release.replace('set cookie: :"q=5<;c0X!<z11c"', 'set(cookie: System.get_env("COOKIE"))')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", f"{path}: cookie")]
    assert findings(doc, "security")[0]["detail"].endswith('-> System.get_env("COOKIE")')
    assert code == 1

GO_CLIENT = """\
package shiori

func (c *Client) authenticate() (token string, err error) {
\treturn c.login(c.username, c.password)
}

func (c *Client) CreateBookmark(url string) error {
\tsession, err := c.authenticate()
\tif err != nil {
\t\treturn err
\t}
\treturn c.post(session, url)
}
"""


def test_where_a_check_is_defined_is_not_a_check_but_its_calls_are(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "internal/integration/shiori/shiori.go"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: GO_CLIENT})
    repo.commit({path: GO_CLIENT.replace("authenticate() (token string, err error)", "authenticate() (string, error)")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0

    repo.commit({path: GO_CLIENT.replace("\tsession, err := c.authenticate()\n\tif err != nil {\n\t\treturn err\n\t}\n",
                                         "\tsession := \"\"\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


def test_an_iframe_sandbox_loosened_is_a_security_setting(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "reader/sanitizer/sanitizer.go"
    code_text = 'package sanitizer\n\nfunc iframeAttributes() []string {\n\treturn []string{`sandbox="allow-scripts allow-same-origin"`}\n}\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, path: code_text})
    repo.commit({path: code_text.replace("allow-same-origin", "allow-same-origin allow-popups")})
    code, doc = run_json(capsys, "--base", base)
    assert ("setting", path) in kinds_and_subjects(doc, "security")
    assert code == 1


def test_an_iframe_changed_before_its_unchanged_sandbox_is_no_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "resources/views/pages/markdown-editor.blade.php"
    page = '<div class="preview">\n  <iframe srcdoc="" class="markdown-display" sandbox="allow-same-origin"></iframe>\n</div>\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, path: page})
    blank = repo.commit({path: page.replace('srcdoc=""', 'src="about:blank"')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
    repo.commit({path: page.replace('srcdoc=""', 'src="about:blank"').replace('"allow-same-origin"',
                                                                              '"allow-same-origin allow-scripts"')})
    code, doc = run_json(capsys, "--base", blank)
    assert set(kinds_and_subjects(doc, "security")) == {("setting", path)}
    assert code == 1


GO_HANDLER = """\
package ui

func (h *handler) finishLogin(w http.ResponseWriter, r *http.Request) {
\tuser := h.store.UserByID(request.UserID(r))
\th.store.SetLastLogin(user.ID)
\tresponse.NoContent(w, r)
}
"""


@pytest.mark.parametrize(("path", "server"), [
    ("internal/ui/webauthn.go", True),
    ("app/views/passkey_login.py", True),
    ("src/components/webauthn.ts", False),
    ("web-frontend/modules/core/store/auth.js", False),  # a folder named for the front end
    ("web-frontend/api/auth.js", True),
    # Rails' and Laravel's folders of the code the browser runs.
    ("app/javascript/src/passwords.ts", False),
    ("resources/js/Pages/Auth/Login.vue", False),
    ("app/controllers/passwords_controller.rb", True),
])
def test_a_ui_folder_holds_server_code_in_server_languages(repo: Repo, capsys: pytest.CaptureFixture[str],
                                                           path: str, server: bool) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: GO_HANDLER})
    repo.commit({path: GO_HANDLER.replace(
        "\tresponse.NoContent(w, r)\n",
        '\tredirectURL := request.QueryStringParam(r, "redirect_url", "")\n'
        "\tresponse.JSON(w, r, map[string]string{\"redirect\": redirectURL})\n",
    )})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if server else [])
    assert code == (1 if server else 0)


GO_LISTS = """\
package main

func (a *App) GetList(c echo.Context) error {
\tuser := auth.GetUser(c)
\tif err := user.HasListPerm(auth.PermTypeGet, id); err != nil {
\t\treturn err
\t}
\treturn c.JSON(http.StatusOK, okResp{out})
}
"""


@pytest.mark.parametrize("check", ["user.HasListPerm(auth.PermTypeGet, id)", "user.RequireAuth(c)",
                                   "a.CheckPermissions(user, id)"])
def test_exported_go_check_helpers_are_checks(repo: Repo, capsys: pytest.CaptureFixture[str], check: str) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY,
                        "cmd/lists.go": GO_LISTS.replace("user.HasListPerm(auth.PermTypeGet, id)", check)})
    guard = "\tif err := " + check + "; err != nil {\n\t\treturn err\n\t}\n"
    repo.commit({"cmd/lists.go": GO_LISTS.replace("user.HasListPerm(auth.PermTypeGet, id)", check).replace(guard, "")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", "cmd/lists.go")
    assert check in access["detail"]
    assert code == 1


PREFERENCES = """\
from rest_framework.response import Response


class PreferenceView(BaseAPIView):
    def patch(self, request, slug, key):
        preference = Preference.objects.filter(key=key, workspace__slug=slug, user=request.user).first()
        preference.value = request.data["value"]
        preference.save()
        return Response(status=200)
"""


def test_a_query_that_stops_keeping_to_the_requesting_user(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/views/preferences.py": PREFERENCES})
    repo.commit({"app/views/preferences.py": PREFERENCES.replace(", user=request.user", "")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", "app/views/preferences.py")
    assert "user=request.user is gone" in access["detail"]
    assert code == 1


def test_a_user_scope_reformatted_or_moved_to_another_file_is_kept(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/views/preferences.py": PREFERENCES})
    repo.commit({"app/views/preferences.py": PREFERENCES.replace(
        "Preference.objects.filter(key=key, workspace__slug=slug, user=request.user).first()",
        "Preference.objects.filter(\n            key=key, workspace__slug=slug, user=self.request.user\n        ).first()",
    )})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    repo.commit({
        "app/views/preferences.py": PREFERENCES.replace(
            "Preference.objects.filter(key=key, workspace__slug=slug, user=request.user).first()",
            "find_preference(request, slug, key)"),
        "app/queries.py": "def find_preference(request, slug, key):\n"
                          "    return Preference.objects.filter(key=key, workspace__slug=slug, user=request.user).first()\n",
    })
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_a_rails_lookup_that_leaves_the_current_users_records(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    controller = "class InvoicesController < ApplicationController\n  def show\n" \
                 "    @invoice = current_user.invoices.find(params[:id])\n  end\nend\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/controllers/invoices_controller.rb": controller})
    repo.commit({"app/controllers/invoices_controller.rb": controller.replace("current_user.invoices", "Invoice")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert "current_user.invoices is gone" in access["detail"]
    assert code == 1


USERS_API = """\
export default async function users(req, res) {
  const user = await verifyUser({ req, res });
  const isServerAdmin = process.env.ADMINISTRATOR === user?.username;
  if (!isServerAdmin) return res.status(401).json({ response: "Unauthorized" });
  return res.json(await listUsers());
}
"""


def test_an_admin_test_by_any_name_is_a_check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "pages/api/v1/users/index.ts"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: USERS_API})
    repo.commit({path: USERS_API.replace("process.env.ADMINISTRATOR === user?.username",
                                         "user?.id === Number(process.env.NEXT_PUBLIC_ADMIN || 1)")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", path)
    assert "isServerAdmin" in access["detail"]
    assert code == 1


def test_a_check_defined_as_an_arrow_function_is_no_check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "packages/lib/utils/teams.ts"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: "export const teamUrl = (id: number) => `/t/${id}`;\n"})
    repo.commit({path: "export const teamUrl = (id: number) => `/t/${id}`;\n\n"
                       "export const isMemberAdmin = (role: TeamMemberRole) => {\n"
                       "  return role === TeamMemberRole.ADMIN;\n};\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


SERIALIZERS = """\
class SpeakerViewSet(viewsets.ReadOnlyModelViewSet):
    def get_serializer_class(self):
        if self.request.user.has_perm("orga.view_speakers", self.request.event):
            return SpeakerOrgaSerializer
        return SpeakerSerializer
"""

RETRACTION = """\
class Retraction
  def perform
    post = Post.find(post_id)
    post.destroy if post.author == person
  end
end
"""

WEBHOOK = """\
import hmac


def stripe_webhook(request):
    expected = sign(request.body, settings.WEBHOOK_SECRET)
    if not hmac.compare_digest(expected, request.headers["Stripe-Signature"]):
        return HttpResponseForbidden()
    handle(json.loads(request.body))
    return HttpResponse()
"""


SIGNED = """\
def check_signature(key, signature, path):
    digest = hmac.new(key.encode(), path.encode(), hashlib.sha1).hexdigest()
    if signature != digest:
        raise HTTPAPIError("Signature invalid", 403)
"""


def test_an_existing_condition_rewritten_into_a_check_is_an_access_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same statement, now a constant-time comparison: it guards what the old condition guarded.
    base = repo.commit({".ownership-gate.yaml": POLICY, "api/handlers.py": SIGNED})
    repo.commit({"api/handlers.py": SIGNED.replace("if signature != digest:",
                                                    "if not hmac.compare_digest(signature, digest):")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", "api/handlers.py")
    assert code == 1
    # A check added as a new statement next to the old one, guarding nothing the file had, is routine.
    base = repo.commit({"api/handlers.py": SIGNED})
    repo.commit({"api/handlers.py": SIGNED + "\n\ndef check_new(key, signature):\n"
                 "    if not hmac.compare_digest(signature, key):\n        raise HTTPAPIError('bad', 403)\n"})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_a_signature_check_removed_is_an_access_change(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "billing/hooks.py": WEBHOOK})
    repo.commit({"billing/hooks.py": WEBHOOK.replace(
        '    if not hmac.compare_digest(expected, request.headers["Stripe-Signature"]):\n'
        "        return HttpResponseForbidden()\n", "")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", "billing/hooks.py")
    assert "compare_digest" in access["detail"]
    assert code == 1


GO_HANDLER_LISTS = """\
package main

func (a *App) GetList(c echo.Context) error {
\tuser := auth.GetUser(c)
\tout, err := a.core.GetList(id)
\tif err != nil {
\t\treturn err
\t}
\treturn c.JSON(http.StatusOK, okResp{out})
}
"""


@pytest.mark.parametrize(("path", "before", "after"), [
    # A new check in front of what an existing branch returned: who gets the full serializer changed.
    ("api/views/speaker.py", SERIALIZERS, SERIALIZERS.replace(
        '        if self.request.user.has_perm("orga.view_speakers", self.request.event):\n'
        "            return SpeakerOrgaSerializer\n",
        '        if self.request.user.has_perm("orga.change_submissions", self.request.event):\n'
        "            return SpeakerOrgaSerializer\n"
        '        if self.request.user.has_perm("orga.view_speakers", self.request.event):\n'
        "            return SpeakerReviewerSerializer\n")),
    # An early exit added to an existing handler guards the rest of it.
    ("cmd/lists.go", GO_HANDLER_LISTS, GO_HANDLER_LISTS.replace(
        "\tuser := auth.GetUser(c)\n",
        "\tuser := auth.GetUser(c)\n\tif err := user.HasListPerm(auth.PermTypeGet, id); err != nil {\n\t\treturn err\n\t}\n")),
    # A decorator added to an existing view.
    ("hc/front/views.py", DJANGO_VIEWS, DJANGO_VIEWS.replace("def ping_details", "@login_required\ndef ping_details")),
    # A message acted on only once its signature verifies.
    ("app/models/retraction.rb", RETRACTION, RETRACTION.replace(
        "  def perform\n", "  def perform\n    return unless verify_signature(creator_signature, post.author)\n")),
])
def test_a_check_put_in_front_of_existing_code_is_a_change(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert "an access check is added or changed" in findings(doc, "security")[0]["detail"]
    assert code == 1


MASK = (
    "\nfunc maskRestricted(user auth.User, list *models.List) {\n"
    "\tif user.HasListPerm(auth.PermTypeManage, list.ID) != nil {\n\t\tlist.Name = \"*Unknown\"\n\t}\n}\n"
)


def test_a_new_function_holding_a_check_that_existing_code_now_calls_is_a_change(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The check guards a new function, but an existing handler now runs it on what it returns.
    base = repo.commit({".ownership-gate.yaml": POLICY, "cmd/lists.go": GO_HANDLER_LISTS})
    repo.commit({"cmd/lists.go": GO_HANDLER_LISTS.replace(
        "\treturn c.JSON(http.StatusOK, okResp{out})\n", "\tmaskRestricted(user, &out)\n"
        "\treturn c.JSON(http.StatusOK, okResp{out})\n") + MASK})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "cmd/lists.go")]
    assert "HasListPerm" in findings(doc, "security")[0]["detail"]
    assert code == 1
    # Called only from a handler the change adds, it guards new code: routine.
    base = repo.commit({"cmd/lists.go": GO_HANDLER_LISTS})
    repo.commit({"cmd/lists.go": GO_HANDLER_LISTS + "\nfunc (a *App) GetRestricted(c echo.Context) error {\n"
                 "\tuser := auth.GetUser(c)\n\tout, _ := a.core.GetList(id)\n\tmaskRestricted(user, &out)\n"
                 "\treturn c.JSON(http.StatusOK, okResp{out})\n}\n" + MASK})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


def test_a_check_with_an_early_exit_in_a_new_handler_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "cmd/lists.go": GO_HANDLER_LISTS})
    repo.commit({"cmd/lists.go": GO_HANDLER_LISTS + "\nfunc (a *App) DeleteList(c echo.Context) error {\n"
                 "\tuser := auth.GetUser(c)\n\tif err := user.HasListPerm(auth.PermTypeManage, id); err != nil {\n"
                 "\t\treturn err\n\t}\n\treturn a.core.DeleteList(id)\n}\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


@pytest.mark.parametrize(("path", "line", "key"), [
    ("config/initializers/bcrypt.rb", 'BCrypt::Engine.cost = ENV["BCRYPT_COST"] ? ENV["BCRYPT_COST"].to_i : 12\n',
     "BCrypt::Engine.cost"),
    ("config/initializers/devise.rb", "Devise.setup do |config|\n  config.stretches = 11\nend\n", "config.stretches"),
])
def test_a_password_hash_work_factor_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, line: str, key: str
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "README.md": "app\n"})
    repo.commit({path: line})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", f"{path}: {key}")]
    assert code == 1


@pytest.mark.parametrize("line", [
    '  plug(Corsica, origins: "*")',
    '  plug CORSPlug, origin: ["https://app.example.com"]',
    '    allow_origins=["*"],',
    '\tAllowedOrigins: []string{"*"},',
])
def test_cors_plugs_and_origins_open_to_everyone(
    repo: Repo, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    router = "defmodule AppWeb.Router do\n  pipeline :api do\n    plug(:accepts, [\"json\"])\n  end\nend\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "lib/app_web/router.ex": router})
    repo.commit({"lib/app_web/router.ex": router.replace('  end\nend', f"{line}\n  end\nend")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", "lib/app_web/router.ex")]
    assert code == 1


def test_origins_naming_hosts_are_not_a_wildcard(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/server.ts": "export const port = 3000;\n"})
    repo.commit({"src/server.ts": 'export const port = 3000;\nconst origins = ["https://app.example.com"];\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


STATUS_CONTROLLER = """\
<?php
class StatusController extends Controller
{
\tpublic function show(Request $request, $id)
\t{
\t\t$status = Status::findOrFail($id);
\t\tif($status->visibility == 'private') {
\t\t\tif($user->followedBy($pid) == false && Auth::user()->is_admin == false) {
\t\t\t\tabort(403);
\t\t\t}
\t\t} else if ($status->profile_id == $user->profile_id || $user->is_admin == true) {
\t\t\treturn view('status.show', compact('status'));
\t\t}
\t\treturn view('status.embed', compact('status'));
\t}
}
"""


def test_access_checks_laid_out_anew_with_other_changes_are_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/Http/Controllers/StatusController.php": STATUS_CONTROLLER})
    # A code-style pass (tabs to spaces, `if(` to `if (`, `else if` to `elseif`) with a feature edit beside it.
    styled = (STATUS_CONTROLLER.replace("\t", "    ").replace("if(", "if (").replace("} else if", "} elseif")
              .replace("'status.embed'", "config('embed.enabled') ? 'status.embed' : 'status.show'"))
    repo.commit({"app/Http/Controllers/StatusController.php": styled})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0

    # The same pass that also drops the admin exception is a change of access.
    repo.commit({"app/Http/Controllers/StatusController.php": styled.replace(" && Auth::user()->is_admin == false", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "app/Http/Controllers/StatusController.php")]
    assert code == 1


def test_access_checks_moved_past_other_code_in_a_file_count(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    route = (
        "router.post('shares.create', async (ctx) => {\n"
        "  if (published) {\n    authorize(user, 'share', document);\n  }\n"
        "  const [share] = await Share.findOrCreate({\n    where: {\n      documentId,\n      teamId: user.teamId,\n"
        "      revokedAt: null,\n    },\n    defaults: { published, userId: user.id },\n  });\n"
        "  return share;\n});\n"
    )
    base = repo.commit({".ownership-gate.yaml": POLICY, "server/routes/shares.ts": route})
    # The same check, now after the share is found: it guards the share as stored, not the request.
    moved = route.replace("  if (published) {\n    authorize(user, 'share', document);\n  }\n", "").replace(
        "  return share;", "  if (share.published) {\n    authorize(user, 'share', document);\n  }\n  return share;")
    repo.commit({"server/routes/shares.ts": moved})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "server/routes/shares.ts")]
    assert code == 1


VIEWS = """\
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "home.html")


@login_required
def databases(request):
    return render(request, "databases.html", {"databases": request.user.databases.all()})
"""


def test_a_view_deleted_with_its_login_check_opens_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/views.py": VIEWS})
    repo.commit({"app/views.py": VIEWS.split("\n\n\n@login_required\ndef databases")[0] + "\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0

    # The same decorator taken off a view that stays lets anyone in.
    repo.commit({"app/views.py": VIEWS.replace("@login_required\ndef databases", "def databases")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "app/views.py")]
    assert code == 1



def test_a_view_deleted_with_a_check_whose_arguments_span_lines_opens_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    spread = VIEWS.replace("@login_required\ndef databases",
                           "@permission_required(\n    'app.view_database',\n    raise_exception=True,\n)\ndef databases")
    base = repo.commit({"app/views.py": spread})
    repo.commit({"app/views.py": spread.split("\n\n\n@permission_required")[0] + "\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0


RESOURCE = """\
package uk.gov.justice.prison.api.resource;

@RestController
public class AdjudicationsResource {
    @PreAuthorize("hasRole('MAINTAIN_ADJUDICATIONS')")
    @PostMapping("/adjudications")
    public ResponseEntity<AdjudicationDetail> createAdjudication(@RequestBody final NewAdjudication detail) {
        return ResponseEntity.status(HttpStatus.CREATED).body(service.create(detail));
    }

    @PreAuthorize("hasRole('VIEW_ADJUDICATIONS')")
    @PostMapping("/adjudications/search")
    public List<Adjudication> search(@RequestBody final AdjudicationSearchRequest request) {
        return service.search(request);
    }
}
"""


def test_a_java_endpoint_deleted_with_its_check_opens_nothing(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "src/main/java/uk/gov/justice/prison/api/resource/AdjudicationsResource.java"
    unused = """
    @PreAuthorize("hasRole('VIEW_ADJUDICATIONS')")
    @PostMapping("/adjudications/search")
    public List<Adjudication> search(@RequestBody final AdjudicationSearchRequest request) {
        return service.search(request);
    }
"""
    base = repo.commit({".ownership-gate.yaml": POLICY, path: RESOURCE})
    repo.commit({path: RESOURCE.replace(unused, "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    # The annotation taken off an endpoint that stays lets any caller search.
    repo.commit({path: RESOURCE.replace("    @PreAuthorize(\"hasRole('VIEW_ADJUDICATIONS')\")\n", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)] and code == 1

NEW_ENDPOINT = """
    @PreAuthorize("hasRole('VIEW_ADJUDICATIONS')")
    @Operation(
        summary = "Adjudications of one prisoner",
        responses = {
            @ApiResponse(responseCode = "403", description = "Requires role VIEW_ADJUDICATIONS"),
        }
    )
    @GetMapping("/adjudications/{prisonerId}")
    public List<Adjudication> forPrisoner(@PathVariable final String prisonerId) {
        return service.forPrisoner(prisonerId);
    }
}
"""


def test_a_role_annotation_on_a_new_endpoint_narrows_but_on_an_old_one_counts(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # A new endpoint behind the role the others use: an annotation's role test is its only way in.
    path = "src/main/java/uk/gov/justice/prison/api/resource/AdjudicationsResource.java"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: RESOURCE})
    repo.commit({path: RESOURCE[:RESOURCE.rindex("}")] + NEW_ENDPOINT.lstrip("\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    # The same annotation put on an endpoint the file had, past another annotation's lines, changes who may call it.
    unguarded = RESOURCE[:RESOURCE.rindex("}")] + NEW_ENDPOINT.replace(
        "    @PreAuthorize(\"hasRole('VIEW_ADJUDICATIONS')\")\n", "").lstrip("\n")
    old = repo.commit({path: unguarded})
    repo.commit({path: unguarded.replace(
        "    @Operation(\n", "    @PreAuthorize(\"hasRole('VIEW_ADJUDICATIONS')\")\n    @Operation(\n", 1)})
    code, doc = run_json(capsys, "--base", old)
    assert kinds_and_subjects(doc, "security") == [("access", path)] and code == 1
    # In code, a role test lets one kind of user past the rest, even in a method the change adds.
    branch = unguarded[:unguarded.rindex("}")] + (
        "    public boolean mayAmend(final User user) {\n        if (user.hasRole(\"ADMIN\")) {\n"
        "            return true;\n        }\n        return service.isOwner(user);\n    }\n}\n")
    repo.commit({path: branch})
    code, doc = run_json(capsys, "--base", old)
    assert kinds_and_subjects(doc, "security") == [("access", path)] and code == 1


REPORT = """\
public abstract class AbstractReport {
    public void addAuthenticationConsumer(Consumer<ReportRequest> consumer) {
        consumers.add(consumer);
    }
}
"""


@pytest.mark.parametrize(("check", "counts"), [
    # Negated where it is written, a role test refuses those without the role: a new method narrows.
    ("if (!SecurityUtil.hasRole(Role.SENIOR_OFFICER)) {\n                throw new Forbidden();", False),
    # As written, it lets holders of the role past the rest, even in a method the change adds.
    ("if (SecurityUtil.hasRole(Role.SENIOR_OFFICER)) {\n                return;", True),
])
def test_a_negated_role_test_in_new_code_narrows(
    repo: Repo, capsys: pytest.CaptureFixture[str], check: str, counts: bool
) -> None:
    path = "src/main/java/uk/gov/hmcts/juror/api/report/AbstractReport.java"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: REPORT})
    method = ("\n    public void seniorOfficerOnly() {\n        addAuthenticationConsumer(request -> {\n"
              f"            {check}\n            }}\n        }});\n    }}\n}}\n")
    repo.commit({path: REPORT[:REPORT.rindex("}")].rstrip("\n") + "\n" + method})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if counts else [])
    assert code == (1 if counts else 0)


ADMIN_VIEWS = """\
from django.contrib import admin
from django.shortcuts import render


def settings_view(request):
    return render(request, "kadmin/settings.html", {"settings": SETTINGS})


admin.site.register_view("settings", view=admin.site.admin_view(settings_view))
"""


@pytest.mark.parametrize("check", ["admin.site.admin_view(settings_view)", "staff_member_required(settings_view)",
                                   "user_passes_test(lambda u: u.is_active)(settings_view)"])
def test_a_django_staff_check_taken_off_a_view(repo: Repo, capsys: pytest.CaptureFixture[str], check: str) -> None:
    # The admin site's staff check (or another test of the user) taken off the view shows settings to anyone.
    base = repo.commit({".ownership-gate.yaml": POLICY,
                        "apps/kadmin/admin.py": ADMIN_VIEWS.replace("admin.site.admin_view(settings_view)", check)})
    repo.commit({"apps/kadmin/admin.py": ADMIN_VIEWS.replace("admin.site.admin_view(settings_view)", "settings_view")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "apps/kadmin/admin.py")]
    assert code == 1


NEXT_MIDDLEWARE = """\
import { authMiddleware } from "@clerk/nextjs";

export default authMiddleware({
  publicRoutes: ["/", "/pricing"],
});

export const config = {
  matcher: ["/((?!.+\\\\.[\\\\w]+$|_next).*)", "/", "/(api|trpc)(.*)"],
};
"""


def test_the_middleware_every_request_passes_through_is_access_code(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "apps/web/src/middleware.ts": NEXT_MIDDLEWARE,
                        "apps/api/src/middleware/timing.ts": "export const timing = () => 1;\n",
                        "apps/api/src/app/ipv/middleware.ts": "export const checkJourney = (req, res, next) => {};\n"})
    repo.commit({
        # Which routes need a session: assets, the sitemap and robots.txt no longer pass through it.
        "apps/web/src/middleware.ts": NEXT_MIDDLEWARE.replace('"/((?!', '"/((?!assets|sitemap.xml|robots.txt|'),
        # A file of a `middleware/` folder is not, by its name alone.
        "apps/api/src/middleware/timing.ts": "export const timing = () => 2;\n",
        # Nor is an Express app's middleware for the routes of one feature folder.
        "apps/api/src/app/ipv/middleware.ts": "export const checkJourney = (req, res, next) => next();\n",
    })
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", "apps/web/src/middleware.ts")
    assert "every request passes through" in access["detail"]
    assert code == 1


def test_a_long_file_of_repeated_lines_is_diffed_past_the_exact_limit(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # 3,000 lines, most of them repeated (`}`, blank lines, the same return): past 2,000 lines such lines no
    # longer anchor the diff alone, and a check put in front of an existing handler is still found.
    handlers = "".join(
        f"function handler{i}(req, res) {{\n  helper{i}(req);\n  return res.json({{ok: true}});\n}}\n\n"
        for i in range(600)
    )
    base = repo.commit({".ownership-gate.yaml": POLICY, "server/routes.js": handlers})
    repo.commit({"server/routes.js": handlers.replace(
        "  helper300(req);\n", "  if (!authorize(req.user, 'item300')) {\n    return res.sendStatus(403);\n  }\n"
        "  helper300(req);\n")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", "server/routes.js")
    assert "item300" in access["detail"]
    assert code == 1


SIGNUP_FORM = """\
<form action="/subscribe" method="POST">
    <input type="hidden" name="_token" value="{{ csrf_token() }}">
    <input type="email" name="email">
</form>
"""


def test_a_forms_token_moved_to_another_template_or_deleted_with_its_page_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "resources/views/signup.blade.php": SIGNUP_FORM,
                        "resources/views/partials/modal.blade.php": SIGNUP_FORM})
    repo.commit({"resources/views/signup.blade.php": None, "resources/views/subscribe/signup.blade.php": SIGNUP_FORM,
                 "resources/views/partials/modal.blade.php": None})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0
    # A form given its token, on a button of a cookie banner: protection used, no setting changed.
    repo.commit({"resources/views/subscribe/signup.blade.php": SIGNUP_FORM.replace(
        '<input type="email" name="email">',
        '<button name="cookies" value="accept" data-token="{{ csrf_token(\'cookie-banner\') }}">Accept</button>')})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0
    # A form that stays and loses its token is still a security change.
    moved = repo.commit({"README.md": "forms\n"})
    repo.commit({"resources/views/subscribe/signup.blade.php": SIGNUP_FORM.replace(
        '    <input type="hidden" name="_token" value="{{ csrf_token() }}">\n', "")})
    code, doc = run_json(capsys, "--base", moved)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "security")] == [
        ("setting", "resources/views/subscribe/signup.blade.php")]
    assert code == 1


def test_a_form_given_its_token_by_a_template_macro_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # A Nunjucks page's form writes the anti-forgery token's field with the macro the application's forms share.
    form = ('{% from "macros/csrf.njk" import csrfProtection %}\n<form method="post" action="/evaluate">\n'
            '  <input type="text" name="score">\n</form>\n')
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/main/views/evaluate.njk": form})
    repo.commit({"src/main/views/evaluate.njk": form.replace(
        '  <input type="text" name="score">\n', '  {{ csrfProtection(csrf) }}\n  <input type="text" name="score">\n'),
        "src/main/views/evaluate-readOnly.njk": form.replace("</form>", "  {{csrfProtection(csrf)}}\n</form>")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0
    # The server's own protection set up anew (`csrf({ cookie: true })`) is a setting still.
    repo.commit({"src/main/app.js": "const csrfProtection = csrf({ cookie: false });\napp.use(csrfProtection);\n"})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "security")] == [("setting", "src/main/app.js")]
    assert code == 1


INVOICE_VIEWS = """\
class InvoiceView(APIView):
    def put(self, request, pk):
        invoice = Invoice.objects.get(pk=pk)
        invoice.note = request.data["note"]
        invoice.save()
        return Response(status=204)
"""


def test_a_new_method_holding_a_check_counts_only_where_it_is_called_as_that_method(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "billing/views.py": INVOICE_VIEWS})
    # A new view's `get` holds a check; the existing `put` now calls `request.data.get(...)`, not that method.
    repo.commit({"billing/views.py": INVOICE_VIEWS.replace('request.data["note"]', 'request.data.get("note", "")') + (
        "\n\nclass ReceiptView(APIView):\n    def get(self, request, pk):\n"
        "        if not request.user.has_perm('billing.view_receipt'):\n            raise PermissionDenied\n"
        "        return Response(Receipt.objects.get(pk=pk).data)\n")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0
    # A new method of the same class that `put` now calls on `self` decides what `put` does.
    repo.commit({"billing/views.py": INVOICE_VIEWS.replace(
        "        invoice = Invoice.objects.get(pk=pk)\n",
        "        invoice = Invoice.objects.get(pk=pk)\n        self.check_owner(request, invoice)\n") + (
        "\n    def check_owner(self, request, invoice):\n"
        "        if not request.user.has_perm('billing.change_invoice', invoice):\n            raise PermissionDenied\n")})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["kind"], f["subject"]) for f in findings(doc, "security")] == [("access", "billing/views.py")]
    assert code == 1


CREDENTIAL_REPORT = """\
module Reports
  class MonthlyIdentityMetricsReport
    def definitions
      [
        ['New identity verification credentials', 'Count',
         'The number of new unique users who go through the proofing process.'],
        ['Existing credentials authorized for partner', 'Count',
         'The number of users who are in proofing years 2 - 5 and authenticate with the partner.'],
      ]
    end
  end
end
"""

SPRING_SECURITY = """\
@Configuration
public class WebSecurity {
  protected void configure(HttpSecurity http) throws Exception {
    http.authorizeRequests().antMatchers("/admin/**").access("hasRole('ADMIN') and hasIpAddress('10.0.0.0/8')");
  }
}
"""


def test_a_check_word_in_prose_is_no_check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """A report's column description reworded: `authenticate` there is a word of a sentence, not a call."""
    path = "app/jobs/reports/monthly_identity_metrics_report.rb"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: CREDENTIAL_REPORT})
    repo.commit({path: CREDENTIAL_REPORT.replace(
        "are in proofing years 2 - 5 and authenticate with the partner.",
        "authenticated with existing credentials to the partner.")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


PAY_REQUEST = """\
module.exports = async function handle (req, res) {
  try {
    return await gateway.send(req.body)
  } catch (err) {
    logger.info('Error while trying to authorise payment')
  }
}
"""


def test_a_check_word_in_a_template_literals_prose_is_no_check(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "app/controllers/wallets/request-controller.js"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: PAY_REQUEST})
    repo.commit({path: PAY_REQUEST.replace("logger.info('Error while trying to authorise payment')",
                                           "logger.error(`Error while trying to authorise ${provider} Pay payment`, {err})")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_a_check_written_as_an_expression_in_a_string_is_still_a_check(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "src/main/java/com/acme/web/WebSecurity.java"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: SPRING_SECURITY})
    repo.commit({path: SPRING_SECURITY.replace(" and hasIpAddress('10.0.0.0/8')", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", path)]
    assert code == 1


RBAC = """\
kind: RoleBinding
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: payments-admin
  namespace: payments-prod
subjects:
  - kind: Group
    name: "github:payments-team"
    apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: admin
  apiGroup: rbac.authorization.k8s.io
---
kind: Role
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: deployer
  namespace: payments-prod
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "patch"]
"""
RBAC_PATH = "namespaces/live/payments-prod/01-rbac.yaml"
NEW_TEAM = '''  - kind: Group
    name: "github:payments-team"
    apiGroup: rbac.authorization.k8s.io
  - kind: Group
    name: "github:contractors"
    apiGroup: rbac.authorization.k8s.io
'''


@pytest.mark.parametrize("path", [
    RBAC_PATH,
    # A GitOps repository's build service (Go's `build/` folder holds packaging and CI): its YAML is deployed.
    "components/build/shared-resources/rbac.yaml",
])
def test_a_binding_that_gains_a_subject_is_judged_in_a_build_folder_too(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    base = repo.commit({path: RBAC})
    repo.commit({path: RBAC.replace('  - kind: Group\n    name: "github:payments-team"\n'
                                    '    apiGroup: rbac.authorization.k8s.io\n', NEW_TEAM)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "RoleBinding payments-prod/payments-admin")]
    assert code == 1


@pytest.mark.parametrize(("old", "new", "detail"), [
    ('  - kind: Group\n    name: "github:payments-team"\n    apiGroup: rbac.authorization.k8s.io\n', NEW_TEAM,
     "now also grants ClusterRole admin to Group github:contractors"),
    ("  name: admin\n", "  name: cluster-admin\n", "now grants ClusterRole cluster-admin instead of ClusterRole admin"),
    ('verbs: ["get", "list", "patch"]', 'verbs: ["get", "list", "patch", "delete"]', "now allows delete get list patch on deployments (apps)"),
])
def test_a_kubernetes_role_binding_or_role_that_lets_more_in_is_an_access_change(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, detail: str
) -> None:
    base = repo.commit({RBAC_PATH: RBAC})
    assert old in RBAC
    repo.commit({RBAC_PATH: RBAC.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert access["kind"] == "access" and detail in access["detail"]
    assert code == 1


def test_a_new_binding_is_an_access_change_wherever_it_is(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "cluster\n"})
    repo.commit({RBAC_PATH: RBAC})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "RoleBinding payments-prod/payments-admin")]
    assert "grants ClusterRole admin to Group github:payments-team" in findings(doc, "security")[0]["detail"]
    assert code == 1


@pytest.mark.parametrize("edit", [
    # A group taken off the binding, a verb off the role: fewer let in.
    lambda text: text.replace(NEW_TEAM, '  - kind: Group\n    name: "github:payments-team"\n'
                                        '    apiGroup: rbac.authorization.k8s.io\n').replace('"list", ', ""),
    # Both objects moved to another file, unchanged.
    None,
])
def test_access_taken_away_or_moved_between_files_is_no_change(
    repo: Repo, capsys: pytest.CaptureFixture[str], edit: object
) -> None:
    wide = RBAC.replace('  - kind: Group\n    name: "github:payments-team"\n    apiGroup: rbac.authorization.k8s.io\n',
                        NEW_TEAM)
    base = repo.commit({RBAC_PATH: wide})
    if callable(edit):
        repo.commit({RBAC_PATH: edit(wide)})
    else:
        repo.commit({RBAC_PATH: None, "namespaces/live/payments-prod/rbac/bindings.yaml": wide})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_the_same_binding_in_each_cluster_folder_is_judged_in_each(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GitOps repository writes the same RoleBinding for every cluster: one cluster's edit that lets more
    in counts even when another cluster's copy changes only its layout."""
    first, second = "clusters/eu/payments/rbac.yaml", "clusters/us/payments/rbac.yaml"
    base = repo.commit({first: RBAC, second: RBAC})
    wide = RBAC.replace('  - kind: Group\n    name: "github:payments-team"\n    apiGroup: rbac.authorization.k8s.io\n',
                        NEW_TEAM)
    for widened, kept in ((first, second), (second, first)):
        repo.git("reset", "-q", "--hard", base)
        repo.commit({kept: "# reviewed\n" + RBAC, widened: wide})
        code, doc = run_json(capsys, "--base", base)
        assert kinds_and_subjects(doc, "security") == [("access", "RoleBinding payments-prod/payments-admin")]
        assert [c["path"] for c in doc["changes"] if any(f["type"] == "security" for f in c["findings"])] == [widened]
        assert code == 1


def test_a_binding_copied_into_another_cluster_folder_is_new(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """git reports the new file as a copy when its source changes too; the copy grants in another cluster."""
    first, second = "clusters/eu/payments/rbac.yaml", "clusters/us/payments/rbac.yaml"
    base = repo.commit({first: RBAC})
    repo.commit({first: RBAC + "# reviewed\n", second: RBAC})
    assert f"\t{first}\t{second}" in repo.git("diff", "--raw", "-C", base, "HEAD")  # a copy, as git sees it
    code, doc = run_json(capsys, "--base", base)
    flagged = [c["path"] for c in doc["changes"] if any(f["type"] == "security" for f in c["findings"])]
    assert flagged == [second]
    assert code == 1


def test_a_broken_binding_fails_closed_and_a_helm_template_is_not_read(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = "charts/payments/templates/rolebinding.yaml"
    templated = RBAC.replace('"github:payments-team"', "{{ .Values.team | quote }}")
    base = repo.commit({RBAC_PATH: RBAC, chart: templated})
    repo.commit({RBAC_PATH: RBAC.replace("subjects:\n", "subjects: [\n"),
                 chart: templated.replace("{{ .Values.team | quote }}", "{{ .Values.admins | quote }}")})
    code, doc = run_json(capsys, "--base", base)
    [broken] = findings(doc, "security")
    assert (broken["kind"], broken["subject"]) == ("access", RBAC_PATH)
    assert "does not parse" in broken["detail"]
    assert code == 1


DYNAMIC_MIDDLEWARES = """\
package dynamic

// Middleware holds the Middleware configuration.
type Middleware struct {
\tAddPrefix *AddPrefix `json:"addPrefix,omitempty"`
\tCompress  *Compress  `json:"compress,omitempty"`
}

// Compress holds the compress middleware configuration.
type Compress struct {
\tExcludedContentTypes []string `json:"excludedContentTypes,omitempty"`
}
"""


def test_a_file_of_middleware_types_is_not_the_request_middleware(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`middlewares.go` defines a proxy's middleware options; the file every request passes through is named
    `middleware` (Next.js's `middleware.ts`, a Django project's `middleware.py`)."""
    path = "pkg/config/dynamic/middlewares.go"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: DYNAMIC_MIDDLEWARES})
    repo.commit({path: DYNAMIC_MIDDLEWARES.replace(
        "\tExcludedContentTypes []string `json:\"excludedContentTypes,omitempty\"`\n",
        "\tExcludedContentTypes []string `json:\"excludedContentTypes,omitempty\"`\n"
        "\tMinResponseBodyBytes int `json:\"minResponseBodyBytes,omitempty\"`\n")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


ORG_POLICY = """\
pub enum OrgPolicyType {
    TwoFactorAuthentication = 0,
    MasterPassword = 1,
    PasswordGenerator = 2,
}

impl OrgPolicy {
    pub fn to_json(&self) -> Value {
        json!({ "id": self.uuid, "type": self.atype, "enabled": self.enabled })
    }
}
"""


@pytest.mark.parametrize(("path", "policy"), [
    ("src/db/models/org_policy.rs", False),  # a record of the policies an organisation sets
    ("app/policies/org_policy.rs", True),  # an authorisation policy
    ("src/auth/org_policy.rs", True),
])
def test_a_data_model_named_for_a_policy_is_no_authorisation_policy(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, policy: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: ORG_POLICY})
    repo.commit({path: ORG_POLICY.replace("    PasswordGenerator = 2,\n",
                                          "    PasswordGenerator = 2,\n    RemoveUnlockWithPin = 3,\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if policy else [])
    assert code == (1 if policy else 0)


MFA_TYPES = """\
export interface MfaMethod {
  id: string;
  priority: "DEFAULT" | "BACKUP";
  endPoint?: string;
}
"""


@pytest.mark.parametrize(("path", "code_too", "access"), [
    ("src/utils/mfa/types.d.ts", False, False),  # a declaration file: types only, nothing runs
    ("src/utils/mfa/types.ts", False, False),  # an ordinary file holding types only, as a declaration file does
    ("src/utils/mfa/types.ts", True, True),  # ... and one that holds code
])
def test_a_typescript_declaration_file_is_a_data_shape(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, code_too: bool, access: bool
) -> None:
    types = MFA_TYPES + ("export const isBackup = (m: MfaMethod) => m.priority === \"BACKUP\";\n" if code_too else "")
    base = repo.commit({".ownership-gate.yaml": POLICY, path: types})
    repo.commit({path: types.replace("endPoint?: string;", "phoneNumber?: string;\n  otpCode?: string;")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if access else [])
    assert code == (1 if access else 0)


TEMPLATE_IDS = 'notify_template_map = {\n  VERIFY_EMAIL_TEMPLATE_ID = "b7dbb02f"\n}\n'
TEMPLATE_IDS_PY = 'def allowed(client):\n    return client.template_id == "b7dbb02f"\n'


@pytest.mark.parametrize(("path", "access"), [
    ("infra/oidc/production-overrides.tfvars", False),  # values, in a folder named for a sign-in service
    ("src/oidc/templates.py", True),  # code in such a folder
    ("config/permissions/production.yml", False),
])
def test_a_configuration_file_is_named_for_access_by_its_own_name(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, access: bool
) -> None:
    text = TEMPLATE_IDS_PY if path.endswith(".py") else TEMPLATE_IDS
    base = repo.commit({".ownership-gate.yaml": POLICY, path: text})
    repo.commit({path: text.replace('"b7dbb02f"', '"0a1f6c2e"' + (" or client.trusted" if path.endswith(".py") else ""))})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if access else [])
    assert code == (1 if access else 0)


CANCAN_CONTROLLER = """\
module Spree
  class AddressesController < StoreController
    load_and_authorize_resource class: Spree::Address

    def edit
      session['spree_user_return_to'] = request.env['HTTP_REFERER']
    end
  end
end
"""


def test_cancancan_load_and_authorize_resource_is_an_access_check(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "storefront/app/controllers/spree/addresses_controller.rb"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: CANCAN_CONTROLLER})
    repo.commit({path: CANCAN_CONTROLLER.replace(
        "    load_and_authorize_resource class: Spree::Address\n",
        "    before_action :load_address, except: :index\n")})
    code, doc = run_json(capsys, "--base", base)
    [access] = findings(doc, "security")
    assert (access["kind"], access["subject"]) == ("access", path)
    assert "load_and_authorize_resource" in access["detail"]
    assert code == 1


NEXT_CONFIG = """\
module.exports = {
  webpack: (config, context) => {
    return config;
  },
};
"""


def test_webpack_module_fallbacks_in_next_config_are_no_transport_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`config.resolve.fallback.tls = false` tells webpack there is no `tls` module in the browser."""
    base = repo.commit({".ownership-gate.yaml": POLICY, "next.config.js": NEXT_CONFIG})
    repo.commit({"next.config.js": NEXT_CONFIG.replace(
        "    return config;\n",
        "    if (!context.isServer) {\n      config.resolve.fallback.tls = false;\n      config.resolve.fallback.net = false;\n"
        "    }\n    return config;\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == []
    assert code == 0
    repo.commit({"next.config.js": NEXT_CONFIG.replace("  webpack:", "  httpOnly: false,\n  webpack:")})
    code, doc = run_json(capsys, "--base", base)
    assert [kind for kind, _ in kinds_and_subjects(doc, "security")] == ["setting"]
    assert code == 1


WORDPRESS_ROUTE = """\
<?php
add_action('rest_api_init', function () {
    register_rest_route('lists/v1', '/send', [
        'methods' => 'POST',
        'callback' => 'send_bulk',
        'permission_callback' => function () {
            return current_user_can('list_manager_bulk_send');
        },
    ]);
});
"""


def test_a_wordpress_capability_check_changed_is_access(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "wp-content/plugins/lists/src/Proxy.php": WORDPRESS_ROUTE})
    repo.commit({"wp-content/plugins/lists/src/Proxy.php": WORDPRESS_ROUTE.replace("list_manager_bulk_send", "edit_posts")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", "wp-content/plugins/lists/src/Proxy.php")]
    assert "current_user_can('edit_posts')" in findings(doc, "security")[0]["detail"]
    assert code == 1


def test_code_moved_into_a_file_named_for_a_policy_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    named = "config/initializers/content_security_policy.rb"
    base = repo.commit({".ownership-gate.yaml": POLICY, named: "# Rails.application.configure do\n# end\n",
                        "config/initializers/csp.rb": "GovukContentSecurityPolicy.configure\n"})
    # The one line moves between the two initializers: the same policy is configured.
    repo.commit({named: "GovukContentSecurityPolicy.configure\n", "config/initializers/csp.rb": None})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    # A line no other file lost is new code in the policy's file.
    repo.commit({named: "GovukContentSecurityPolicy.configure(report_only: true)\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("access", named)] and code == 1


DEPLOY_SCRIPT = """\
#!/bin/bash
set -euo pipefail
gcloud compute instances create monolith --zone "$ZONE" --tags monolith
# Let the cluster reach the ledger on 8080.
gcloud compute firewall-rules create allow-http-monolith \\
      --project "$PROJECT_ID" \\
      --allow tcp:8080 \\
      --source-tags monolith \\
      --target-tags monolith
"""


def test_a_script_granting_cloud_access_by_command(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "scripts/deploy-monolith.sh"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: DEPLOY_SCRIPT})
    # Other commands, a comment and the layout of the rule's lines are no access.
    repo.commit({path: DEPLOY_SCRIPT.replace("--zone \"$ZONE\"", "--zone \"$ZONE\" --machine-type e2-small")
                 .replace("on 8080", "on port 8080").replace("      --allow", "  --allow")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    # Every instance tagged for the cluster may now reach the ledger.
    repo.commit({path: DEPLOY_SCRIPT.replace("--source-tags monolith", "--source-tags bank-of-anthos")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", path)]
    assert "--source-tags bank-of-anthos" in findings(doc, "security")[0]["detail"]
    assert code == 1
    # The rule taken away closes access.
    repo.commit({path: DEPLOY_SCRIPT.split("# Let")[0]})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0


def test_cloud_commands_that_grant_access() -> None:
    from ownership_gate.classifiers.security.cloud_commands import commands

    script = ("aws iam attach-role-policy --role-name ci --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n"
              "gcloud projects add-iam-policy-binding \"$P\" --member serviceAccount:ci@x --role roles/owner\n"
              "az role assignment create --assignee \"$ID\" --role Contributor\n"
              "aws s3 cp build/ s3://site --recursive\n# gcloud compute firewall-rules create old\n")
    assert sorted(commands(script)) == [
        "aws iam attach-role-policy --role-name ci --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
        "az role assignment create --assignee \"$ID\" --role Contributor",
        "gcloud projects add-iam-policy-binding \"$P\" --member serviceAccount:ci@x --role roles/owner",
    ]


@pytest.mark.parametrize(("path", "before", "after", "counts"), [
    # A template a playbook renders into the script git uses for SSH: any host key now trusted.
    ("roles/edxapp/templates/git_ssh.sh.j2", "#!/bin/sh\nexec /usr/bin/ssh \"$@\"\n",
     "#!/bin/sh\nexec /usr/bin/ssh -o StrictHostKeyChecking=no \"$@\"\n", True),
    ("scripts/sync.sh", "rsync -a build/ deploy@host:/srv\n",
     "rsync -a -e 'ssh -o UserKnownHostsFile=/dev/null' build/ deploy@host:/srv\n", True),
    # One it already had, moved and laid out anew, or commented out.
    ("scripts/sync.sh", "echo start\nssh -o StrictHostKeyChecking=no host true\n",
     "ssh  -o StrictHostKeyChecking=no host true\necho start\n# ssh -o UserKnownHostsFile=/dev/null host\n", False),
])
def test_a_script_that_trusts_any_ssh_host_key(repo: Repo, capsys: pytest.CaptureFixture[str], path: str,
                                               before: str, after: str, counts: bool) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("setting", path)] if counts else [])
    assert code == (1 if counts else 0)


def test_a_security_header_set_by_its_setting_name(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Studio given the X-Frame-Options header through the setting that sets it, in a role's defaults.
    path = "playbooks/roles/edxapp/defaults/main.yml"
    before = 'EDXAPP_X_FRAME_OPTIONS: "DENY"\ncms_env_config:\n  STATIC_URL_BASE: "/static"\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: before + '  X_FRAME_OPTIONS: "{{ EDXAPP_X_FRAME_OPTIONS }}"\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", path)]
    assert code == 1


HELMET = """\
import { HelmetOptions } from "helmet";

export const helmetConfiguration: HelmetOptions = {
  frameguard: {
    action: "deny",
  },
  referrerPolicy: false,
  permittedCrossDomainPolicies: false,
};
"""


@pytest.mark.parametrize(("old", "new"), [
    ("  permittedCrossDomainPolicies: false,\n", '  permittedCrossDomainPolicies: {\n    permittedPolicies: "none",\n  },\n'),
    ("  referrerPolicy: false,\n", '  referrerPolicy: { policy: "no-referrer" },\n'),
    ("  referrerPolicy: false,\n", '  referrerPolicy: false,\n  crossOriginOpenerPolicy: { policy: "same-origin" },\n'),
])
def test_helmet_headers_by_their_option_names(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    path = "src/config/helmet.ts"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: HELMET})
    repo.commit({path: HELMET.replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", path)]
    assert code == 1


CSP_DIRECTIVES = """\
export const prepareCSPConfig = (nonce: string): HelmetOptions => {
    return {
        contentSecurityPolicy: {
            directives: {
                imgSrc: [CDN_HOST],
                connectSrc: [SELF, PIWIK_URL],
                formAction: [SELF, OAUTH_USER_CALL_BACK],
            },
        },
    };
};
"""


@pytest.mark.parametrize(("old", "new", "setting"), [
    ("connectSrc: [SELF, PIWIK_URL]", "connectSrc: [SELF, PIWIK_URL, CHS_URL]", True),
    ("formAction: [SELF, OAUTH_USER_CALL_BACK]", "formAction: [SELF, CHS_URL, OAUTH_USER_CALL_BACK]", True),
    # Where images may come from is no door: as with `img_src`, the name is data's as often.
    ("imgSrc: [CDN_HOST]", "imgSrc: [CDN_HOST, PIWIK_URL]", False),
])
def test_helmet_csp_directives_by_their_option_names(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, setting: bool
) -> None:
    # The middleware's own file is named for what it configures, not for security: its directives decide.
    path = "src/middleware/page_policy_config.ts"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: CSP_DIRECTIVES.replace("contentSecurityPolicy", "policy")})
    repo.commit({path: CSP_DIRECTIVES.replace("contentSecurityPolicy", "policy").replace(old, new)})
    code, doc = run_json(capsys, "--base", base)
    assert set(kinds_and_subjects(doc, "security")) == ({("setting", path)} if setting else set())
    assert code == (1 if setting else 0)


def test_an_images_own_referrer_policy_is_no_header(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "web/src/UserListPage.js"
    page = "export const Avatar = ({ user }) => (\n  <img src={user.avatar} alt={user.name} />\n);\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: page})
    repo.commit({path: page.replace("<img src", '<img referrerPolicy="no-referrer" src')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0


WAF_VALUES = """\
generic-service:
  ingress:
    modsecurity_enabled: true
    modsecurity_snippet: |
      SecRuleEngine On
      # Found User-Agent associated with scripting/generic HTTP client
      SecRuleRemoveById 913101
      SecRuleUpdateTargetById 921110 "!ARGS:/.*comment/"
  replicaCount: 2
"""


def test_waf_rules_in_a_deployments_values_are_security_settings(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "helm_deploy/prison-api/values.yaml"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: WAF_VALUES})
    # More replicas and a rule moved within the snippet change no rule.
    repo.commit({path: WAF_VALUES.replace("replicaCount: 2", "replicaCount: 3").replace(
        '      SecRuleRemoveById 913101\n      SecRuleUpdateTargetById 921110 "!ARGS:/.*comment/"\n',
        '      SecRuleUpdateTargetById 921110 "!ARGS:/.*comment/"\n      SecRuleRemoveById 913101\n')})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    # One more rule switched off lets more requests through to the application.
    repo.commit({path: WAF_VALUES.replace("SecRuleRemoveById 913101", "SecRuleRemoveById 913101\n      SecRuleRemoveById 932115")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", path)]
    assert findings(doc, "security")[0]["detail"] == "security setting added or changed: SecRuleRemoveById 932115"
    assert code == 1
    # Staging's values protect no production traffic.
    staging = "helm_deploy/prison-api/values-staging.yaml"
    base = repo.commit({staging: WAF_VALUES})
    repo.commit({staging: WAF_VALUES.replace("SecRuleEngine On", "SecRuleEngine DetectionOnly")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0


EXPOSED_VALUES = """\
generic-service:
  replicaCount: 2
  ingress:
    host: api.example.service.gov.uk
    modsecurity_enabled: true
  allowlist:
    office: 217.33.148.210/32
    vpn: 81.134.202.29/32
"""

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8,192.168.0.0/16"
spec:
  rules:
    - host: api.example.com
"""


@pytest.mark.parametrize(("path", "before", "after", "expected"), [
    # A network let in: the allow list gains a range.
    ("helm_deploy/api/values.yaml", EXPOSED_VALUES, EXPOSED_VALUES + "    partner: 51.149.250.0/24\n",
     ["generic-service.allowlist gains partner: 51.149.250.0/24"]),
    # The firewall taken away from in front of production.
    ("helm_deploy/api/values-prod.yaml", EXPOSED_VALUES, EXPOSED_VALUES.replace("    modsecurity_enabled: true\n", ""),
     ["generic-service.ingress.modsecurity_enabled true -> (not set)"]),
    ("k8s/ingress.yaml", INGRESS, INGRESS.replace(",192.168.0.0/16", ""),
     ["metadata.annotations.nginx.ingress.kubernetes.io/whitelist-source-range 10.0.0.0/8,192.168.0.0/16 -> 10.0.0.0/8"]),
    # The same entries in another order, or only more replicas: nobody new can reach it.
    ("helm_deploy/api/values.yaml", EXPOSED_VALUES,
     EXPOSED_VALUES.replace("    office: 217.33.148.210/32\n    vpn: 81.134.202.29/32\n",
                            "    vpn: 81.134.202.29/32\n    office: 217.33.148.210/32\n").replace("replicaCount: 2", "replicaCount: 3"),
     []),
    # A development environment's allow list lets nobody into production.
    ("helm_deploy/api/values-dev.yaml", EXPOSED_VALUES, EXPOSED_VALUES + "    partner: 51.149.250.0/24\n", []),
    # A new file's allow list comes with the new deployment it configures.
    ("helm_deploy/api/values.yaml", None, EXPOSED_VALUES, []),
])
def test_who_can_reach_a_deployment(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str | None, after: str, expected: list[str]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, **({path: before} if before is not None else {})})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    found = findings(doc, "security")
    assert [f["detail"].removeprefix("who can reach the service: ") for f in found] == expected
    assert [f["kind"] for f in found] == ["setting"] * len(expected)
    assert code == (1 if expected else 0)


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.0
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: SPRING_PROFILES_ACTIVE
              value: production
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api
                  key: DATABASE_PASSWORD
"""


def test_secrets_and_security_settings_a_deployment_hands_its_containers(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "deploy/production/api.yaml"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: DEPLOYMENT})
    # Another image, a port and a plain variable are no secret and no security setting.
    repo.commit({path: DEPLOYMENT.replace("1.4.0", "1.5.0").replace(
        "            - name: http\n", "            - name: metrics\n              containerPort: 9090\n"
        "            - name: http\n").replace(
        "            - name: DATABASE_PASSWORD\n", "            - name: LOG_LEVEL\n              value: info\n"
        "            - name: DATABASE_PASSWORD\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
    repo.commit({path: DEPLOYMENT.replace("            - name: SPRING_PROFILES_ACTIVE\n",
                                          "            - name: STRIPE_SECRET_KEY\n              valueFrom:\n"
                                          "                secretKeyRef: {name: api, key: stripe}\n"
                                          "            - name: SPRING_PROFILES_ACTIVE\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", f"{path}: STRIPE_SECRET_KEY")]
    assert findings(doc, "security")[0]["detail"] == "the deployment now hands its containers the secret STRIPE_SECRET_KEY"
    assert code == 1


@pytest.mark.parametrize(("context", "shown"), [
    ("            privileged: true\n", "privileged: true"),
    # A container's capabilities sit inside its security context.
    ("            capabilities:\n              add: [NET_ADMIN]\n", "capabilities:"),
])
def test_a_pods_security_context_in_a_manifest_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], context: str, shown: str
) -> None:
    path = "deploy/production/api.yaml"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: DEPLOYMENT})
    repo.commit({path: DEPLOYMENT.replace("          image: ghcr.io/acme/api:1.4.0\n",
                                          "          image: ghcr.io/acme/api:1.4.0\n          securityContext:\n"
                                          + context)})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", path)]
    assert findings(doc, "security")[0]["detail"] == f"security setting added or changed: {shown}"
    assert code == 1


def test_a_helm_template_that_drops_its_security_context(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The settings come from the chart's helper; the template shows only the key that holds them."""
    path = "helm_deploy/templates/metabase/deployment.yaml"
    template = DEPLOYMENT.replace("    spec:\n", "    spec:\n      securityContext:\n"
                                  '        {{- include "app.defaultSecurityContext" . | nindent 8 }}\n', 1)
    assert template != DEPLOYMENT
    base = repo.commit({".ownership-gate.yaml": POLICY, path: template})
    repo.commit({path: DEPLOYMENT})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", path)]
    assert findings(doc, "security")[0]["detail"] == "security setting removed: securityContext:"
    assert code == 1


def test_the_service_account_a_pod_runs_as(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The identity its cloud permissions come with (IAM roles for service accounts): gone, or another one."""
    path = "helm_deploy/api/values.yaml"
    values = "generic-service:\n  replicaCount: 2\n  serviceAccountName: api-sqs\n  image:\n    tag: '1.0'\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: values})
    repo.commit({path: values.replace("  serviceAccountName: api-sqs\n", "")})
    code, doc = run_json(capsys, "--base", base)
    assert [f["detail"] for f in findings(doc, "security")] == ["security setting removed: serviceAccountName: api-sqs"]
    assert code == 1


def test_a_top_level_capabilities_key_of_an_application_data_file_is_no_pod_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # An application's defaults: the product features it turns on are no container's Linux capabilities.
    base = repo.commit({".ownership-gate.yaml": POLICY, "app/data.yml": "name: Wiki\n"})
    repo.commit({"app/data.yml": "name: Wiki\ncapabilities:\n  guest: true\n  manyAuthProviders: true\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0


OPENAPI_CLIENT = """\
/*
 * Example API
 *
 * API version: 1.4
 */

// Code generated by OpenAPI Generator (https://openapi-generator.tech); DO NOT EDIT.

package openapi

func (a *AuthenticationApiService) Logout(ctx context.Context) error {
	return a.client.callAPI(ctx, "POST", "/api/v1/auth/logout")
}
"""


@pytest.mark.parametrize(("header", "judged"), [
    ("// Code generated by OpenAPI Generator (https://openapi-generator.tech); DO NOT EDIT.", False),
    ("/* @generated by the protocol buffer compiler */", False),
    # Without a generator's header, or with one that only talks about generated tokens, it is read.
    ("// Tokens generated by the login flow are checked here; do not edit lightly.", True),
    ("// Logout for the example API.", True),
])
def test_a_generated_client_is_not_judged_as_access_code(
    repo: Repo, capsys: pytest.CaptureFixture[str], header: str, judged: bool
) -> None:
    path = "go/internal/openapi/api_authentication.go"
    client = OPENAPI_CLIENT.replace(
        "// Code generated by OpenAPI Generator (https://openapi-generator.tech); DO NOT EDIT.", header)
    base = repo.commit({".ownership-gate.yaml": POLICY, path: client})
    repo.commit({path: client.replace('"/api/v1/auth/logout"', '"/api/v2/auth/logout"')
                 + "\nfunc (a *AuthenticationApiService) Expire() {}\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if judged else [])
    assert code == (1 if judged else 0)


def test_a_credential_in_a_generated_file_still_counts(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "go/internal/openapi/configuration.go"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: OPENAPI_CLIENT})
    key = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAx7Yhq1AjG0l2Mx5sWnD5wK0rZ9cQ+3bTnE4vL8pYqR2mKfH1\\n"
    repo.commit({path: OPENAPI_CLIENT + f'\nconst signingKey = "{key}"\n'})
    code, doc = run_json(capsys, "--base", base)
    assert [kind for kind, _ in kinds_and_subjects(doc, "security")] == ["credential"]
    assert code == 1


@pytest.mark.parametrize(("line", "setting"), [
    ("curl_setopt($fp, CURLOPT_SSL_VERIFYPEER, false);", True),
    ("$options = [CURLOPT_SSL_VERIFYHOST => 0];", True),
    ("http.verify_mode = OpenSSL::SSL::VERIFY_NONE", True),
    ("context.check_hostname = False", True),
    ("process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';", True),
    ("curl_setopt($fp, CURLOPT_SSL_VERIFYPEER, true);", False),
    ("curl_setopt($fp, CURLOPT_TIMEOUT, 30);", False),
])
def test_certificate_checks_switched_off_in_code(
    repo: Repo, capsys: pytest.CaptureFixture[str], line: str, setting: bool
) -> None:
    path = "lib/feeds/Fetcher.php"
    before = "<?php\nfunction fetch($url) {\n    $fp = curl_init($url);\n    return curl_exec($fp);\n}\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: before})
    repo.commit({path: before.replace("    return curl_exec", f"    {line}\n    return curl_exec")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("setting", path)] if setting else [])
    assert code == (1 if setting else 0)


CLOSE_PAGE = """\
import Meta from '@/components/Meta'
import { CONTRACTOR_ROLE, CONTRACT_MANAGER_ROLE, OPERATIVE_ROLE } from '@/utils/user'

const WorkOrderClosePage = ({ query }) => <Meta title={`Close Work Order ${query.id}`} />

WorkOrderClosePage.permittedRoles = [
  CONTRACTOR_ROLE,
  CONTRACT_MANAGER_ROLE,
  OPERATIVE_ROLE,
]

export default WorkOrderClosePage
"""
_ROLES = "[\n  CONTRACTOR_ROLE,\n  CONTRACT_MANAGER_ROLE,\n  OPERATIVE_ROLE,\n]"


@pytest.mark.parametrize(("new", "access"), [
    # One kind of user may no longer open the page.
    (CLOSE_PAGE.replace(_ROLES, "[CONTRACTOR_ROLE, CONTRACT_MANAGER_ROLE]"), True),
    # The same roles laid out on one line.
    (CLOSE_PAGE.replace(_ROLES, "[CONTRACTOR_ROLE, CONTRACT_MANAGER_ROLE, OPERATIVE_ROLE]"), False),
    # The page's title changed, its roles did not.
    (CLOSE_PAGE.replace("Close Work Order", "Close work order"), False),
])
def test_who_a_page_declares_it_lets_in(repo: Repo, capsys: pytest.CaptureFixture[str], new: str, access: bool) -> None:
    """A page's `permittedRoles` is read though pages are user-interface code."""
    assert_access_finding(repo, capsys, "src/pages/work-orders/[id]/close.js", CLOSE_PAGE, new, access)


def test_a_new_page_declaring_who_it_lets_in_guards_new_code(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "src/pages/index.js": "export default () => null\n"})
    repo.commit({"src/pages/operatives/close.js": CLOSE_PAGE})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0


UPLOADS_CONTROLLER = """\
class BulkUploadLogsController < ApplicationController
  def update
    @form = form.new(form_params)
  end

private

  def form_params
    params.fetch(:form, {}).permit(:year, :file)
  end
end
"""


@pytest.mark.parametrize(("permitted", "access"), [
    # A request may now say which organisation its upload belongs to.
    ("permit(:year, :file, :organisation_id)", True),
    ("permit(\n      :year,\n      :file,\n      :role,\n    )", True),
    ("permit(:year, :file, :needstype)", False),
])
def test_strong_parameters_newly_permitting_who_owns_a_record(
    repo: Repo, capsys: pytest.CaptureFixture[str], permitted: str, access: bool
) -> None:
    assert_access_finding(repo, capsys, "app/controllers/bulk_upload_logs_controller.rb", UPLOADS_CONTROLLER,
                          UPLOADS_CONTROLLER.replace("permit(:year, :file)", permitted), access)


@pytest.mark.parametrize(("path", "access"), [
    # How an authentication service is built checks nobody's access.
    ("auth-service/build.gradle.kts", False),
    ("auth-service/webpack.config.js", False),
    # A validation schema of a record named for permissions declares its shape.
    ("src/schema/permission.schema.js", False),
    # The service's own code is named for authentication by its folder.
    ("auth-service/src/main/kotlin/Application.kt", True),
])
def test_build_scripts_and_schemas_are_not_code_named_for_access(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, access: bool
) -> None:
    before = "fun allowed(user: User) = user.active\n"
    assert_access_finding(repo, capsys, path, before, before.replace("active", "active && user.verified"), access)


SURVEY_VIEWS = """\
from flask_login import login_required


@blueprint.route('/<short_name>/edit', methods=['POST'])
@login_required
def edit_details(short_name):
    form = request.form
    controllers.update_details(form.get('id'), form.get('description'))
    return redirect(url_for('surveys.view', short_name=short_name))
"""
EDITED_SURVEY_VIEWS = """\
from flask_login import login_required


@blueprint.route('/<short_name>/edit', methods=['POST'])
@login_required
def edit_details(short_name):
    form = DetailsForm(form=request.form)
    if not form.validate():
        return render_template('edit.html', form=form)
    else:
        form = request.form
        controllers.update_details(form.get('id'), form.get('description'))
        return redirect(url_for('surveys.view', short_name=short_name))


@blueprint.route('/<short_name>/create', methods=['POST'])
@login_required
def create(short_name):
    form = request.form
    controllers.create(form.get('description'))
    return redirect(url_for('surveys.view', short_name=short_name))
"""


def test_a_check_on_a_new_view_whose_lines_the_change_also_keeps_in_an_old_one_guards_new_code(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """`form = request.form` moved into a branch of the old view, and written again in the new one."""
    path = "app/views/collection_exercise.py"
    assert_access_finding(repo, capsys, path, SURVEY_VIEWS, EDITED_SURVEY_VIEWS, False)
    # An old view renamed and put behind the check: who may run its code changed.
    open_view = SURVEY_VIEWS.replace("@login_required\ndef edit_details", "def edit_details")
    assert_access_finding(repo, capsys, path, open_view,
                          SURVEY_VIEWS.replace("def edit_details", "def update_details"), True)


@pytest.mark.parametrize(("path", "found"), [
    # A developer's own settings are not production's.
    ("app/settings/local.py", []),
    ("app/settings/production.py", [("setting", "app/settings/production.py: SESSION_COOKIE_SECURE")]),
])
def test_a_developers_own_settings_file_sets_nothing_production_runs_with(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, found: list[tuple[str, str]]
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, path: DJANGO_SETTINGS})
    repo.commit({path: DJANGO_SETTINGS.replace("SESSION_COOKIE_SECURE = True", "SESSION_COOKIE_SECURE = False")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == found
    assert code == (1 if found else 0)


def test_an_ef_core_migration_named_for_credentials_is_the_schemas(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """EF Core keeps its migrations in `Migrations/`, capitalised."""
    path = "Api/Migrations/20200625182734_Credential.cs"
    before = "public partial class Credential : Migration\n{\n    protected override void Up(MigrationBuilder b) { }\n}\n"
    assert_access_finding(repo, capsys, path, before, before.replace("{ }", "{ b.DropTable(\"Old\"); }"), False)


ROUTES = """\
const router = express.Router();

router.get("/documents/:id", (req, res) => {
  res.set("Access-Control-Allow-Origin", "*");
  res.json(load(req.params.id));
});
"""
STATISTICS_ROUTE = """
router.get("/statistics/:id", (req, res) => {
  res.set("Access-Control-Allow-Origin", "%s");
  res.json(statistics(req.params.id));
});
"""


@pytest.mark.parametrize(("origin", "setting"), [
    # A new route given the very header the other route already sends.
    ("*", False),
    ("https://reports.example.com", True),
])
def test_a_setting_written_as_the_file_already_writes_it_sets_nothing_new(
    repo: Repo, capsys: pytest.CaptureFixture[str], origin: str, setting: bool
) -> None:
    path = "src/routes/documents.js"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: ROUTES})
    repo.commit({path: ROUTES + STATISTICS_ROUTE % origin})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("setting", path)] if setting else [])
    assert code == (1 if setting else 0)
    # The same header given to a route the file already had is a change to that route.
    statistics = STATISTICS_ROUTE.replace('  res.set("Access-Control-Allow-Origin", "%s");\n', "")
    plain = repo.commit({path: ROUTES + statistics})
    repo.commit({path: ROUTES + STATISTICS_ROUTE % "*"})
    code, doc = run_json(capsys, "--base", plain)
    assert kinds_and_subjects(doc, "security") == [("setting", path)] and code == 1


PERMISSIONS_MODULE = """\
import { Session } from 'shared/lib/resources/session';

const CURRENT_SESSION_ID = 'current';

export function isCurrentSession(session: Session, id: string): boolean {
  return id === CURRENT_SESSION_ID && !!session;
}
"""


@pytest.mark.parametrize(("shared", "access"), [
    # The constant now exported from the shared module the file imports it from: the same code.
    ("export const CURRENT_SESSION_ID = 'current';\n", False),
    ("export const CURRENT_SESSION_ID = 'me';\n", True),
])
def test_a_constant_moved_to_a_shared_module_and_exported_there(
    repo: Repo, capsys: pytest.CaptureFixture[str], shared: str, access: bool
) -> None:
    path, module = "src/back-end/lib/permissions.ts", "src/shared/lib/resources/session.ts"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: PERMISSIONS_MODULE, module: "export type Session = {};\n"})
    repo.commit({path: PERMISSIONS_MODULE.replace("import { Session }", "import { CURRENT_SESSION_ID, Session }")
                 .replace("const CURRENT_SESSION_ID = 'current';\n\n", ""),
                 module: "export type Session = {};\n" + shared})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if access else [])
    assert code == (1 if access else 0)


def test_the_key_production_signs_tokens_with_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "config/envs/production.py"
    config = 'from os import environ\n\n\nclass ProductionConfig(Config):\n    FLASK_ENV = "production"\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, path: config})
    repo.commit({path: config + '    RSA256_PRIVATE_KEY = base64.b64decode(environ.get("RSA256_PRIVATE_KEY_BASE64"))\n'})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [("setting", f"{path}: RSA256_PRIVATE_KEY")] and code == 1


BACKUP_TEMPLATE = """\
kind: Template
apiVersion: template.openshift.io/v1
parameters:
- name: WEEKLY_BACKUPS
  displayName: Number of Weekly Backups to Retain
  description: The number of weekly backup files to be retained.
  required: false
  value: '4'
- name: BACKUP_PERIOD
  value: '1d'
- name: MONTHLY_BACKUPS
  value: '%s'
"""


@pytest.mark.parametrize(("monthly", "found"), [
    # Fewer backups kept: what they held can no longer be restored.
    ("0", [("setting", "openshift/templates/backup/backup-deploy.yaml: MONTHLY_BACKUPS")]),
    ("3", []),
])
def test_fewer_backups_kept_by_a_deployment(
    repo: Repo, capsys: pytest.CaptureFixture[str], monthly: str, found: list[tuple[str, str]]
) -> None:
    path = "openshift/templates/backup/backup-deploy.yaml"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: BACKUP_TEMPLATE % "1"})
    repo.commit({path: BACKUP_TEMPLATE % monthly})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == found
    assert code == (1 if found else 0)


def test_a_role_test_in_a_list_is_no_attribute_outside_csharp(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """In JavaScript a line that starts with `[` is a list: the role test in it is a branch for admins."""
    routes = 'router.get("/reports", (req, res) => {\n  res.json(load(req.user));\n});\n'
    everything = ('\nrouter.get("/all-reports", (req, res) => {\n'
                  '  [req.user.isAdmin, req.user.isOwner].some(Boolean) && res.json(loadAll());\n});\n')
    assert_access_finding(repo, capsys, "src/routes/reports.js", routes, routes + everything, True)


@pytest.mark.parametrize(("old", "new", "found"), [
    # Play's crypto secret, which signs its sessions: moved to the name Play 2.6 reads, or commented out.
    ('application.secret = "changeme"', 'play.http.secret.key = "changeme"',
     [("setting", "conf/application.conf: application.secret"),
      ("setting", "conf/application.conf: play.http.secret.key")]),
    ('application.secret = "changeme"', '#application.secret = "changeme"',
     [("setting", "conf/application.conf: application.secret")]),
])
def test_plays_crypto_secret_is_a_security_setting(
    repo: Repo, capsys: pytest.CaptureFixture[str], old: str, new: str, found: list[tuple[str, str]]
) -> None:
    path = "conf/application.conf"
    config = 'appName = "agent-client-relationships"\n%s\nplay.i18n.langs = ["en"]\n'
    base = repo.commit({".ownership-gate.yaml": POLICY, path: config % old})
    repo.commit({path: config % new})
    code, doc = run_json(capsys, "--base", base)
    assert sorted(kinds_and_subjects(doc, "security")) == found and code == 1


@pytest.mark.parametrize(("value", "setting"), [
    # A page controller's view model hands the template where its form posts, under the same name.
    ("request.app.formAction", False),
    ("[SELF, UPLOAD_URL]", True),
])
def test_a_view_value_passed_along_under_a_directives_name_is_no_directive(
    repo: Repo, capsys: pytest.CaptureFixture[str], value: str, setting: bool
) -> None:
    path = "src/server/plugins/engine/pageControllers/FileUploadPageController.ts"
    controller = "export function viewModel(request) {\n  return {\n    title: 'Upload',\n%s  }\n}\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: controller % ""})
    repo.commit({path: controller % f"    formAction: {value},\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("setting", path)] if setting else [])
    assert code == (1 if setting else 0)


PROGRAMMES_CONTROLLER = """\
class ProgrammesController < ApplicationController
  def show
    @patients = policy_scope(Patient).in_programmes([@programme])
    @vaccinations =
      policy_scope(VaccinationRecord).where(programme: @programme).count
  end
end
"""


@pytest.mark.parametrize(("moved", "access"), [
    # Into a view component, which reaches the view's helpers through `helpers.`.
    ("    helpers.policy_scope(VaccinationRecord).where(programme: @programme).count\n", False),
    # Into a variable, or a keyword argument, of another file.
    ("    vaccinations = policy_scope(VaccinationRecord).where(programme: @programme).count\n", False),
    ("    render Table.new(\n      records: policy_scope(VaccinationRecord).where(programme: @programme).count\n    )\n", False),
    # Not moved: the query no longer keeps to what the user may see.
    ("    VaccinationRecord.where(programme: @programme).count\n", True),
])
def test_a_check_moved_into_a_view_component_or_a_variable_is_the_same_check(
    repo: Repo, capsys: pytest.CaptureFixture[str], moved: str, access: bool
) -> None:
    path, component = "app/controllers/programmes_controller.rb", "app/components/app_programme_stats_component.rb"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: PROGRAMMES_CONTROLLER})
    repo.commit({path: PROGRAMMES_CONTROLLER.replace(
        "    @vaccinations =\n      policy_scope(VaccinationRecord).where(programme: @programme).count\n", ""),
        component: f"class AppProgrammeStatsComponent < ViewComponent::Base\n  def vaccinations\n{moved}  end\nend\n"})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if access else [])
    assert code == (1 if access else 0)


PROVIDERS_API = """\
module V0
  class Providers < Grape::API
    resource ':providerName' do
      get '/release-notes' do
        validate_token(Scope.provider_read)

        present ReleaseNote.for(params[:providerName])
      end
    end
  end
end
"""


@pytest.mark.parametrize(("check", "access"), [
    ("validate_token(Scope.provider_read)", True),  # the endpoint no longer needs a token
    ("verifyToken(req, res)", True),
    ("validateTokenExpiry(expires)", False),  # a helper of the token's own, no check of the request
])
def test_a_helper_that_checks_the_requests_token_is_an_access_check(
    repo: Repo, capsys: pytest.CaptureFixture[str], check: str, access: bool
) -> None:
    path = "app/api/v0/providers.rb"
    base = repo.commit({".ownership-gate.yaml": POLICY, path: PROVIDERS_API.replace(
        "validate_token(Scope.provider_read)", check)})
    repo.commit({path: PROVIDERS_API.replace("        validate_token(Scope.provider_read)\n\n", "")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", path)] if access else [])
    assert code == (1 if access else 0)


PLAY_ROUTES = """\
GET     /api/passengers/:date                controllers.Summaries.passengers(date: String)
PUT     /api/passengers/:date                controllers.Summaries.populate(date: String)
POST    /authenticate                        controllers.Auth.authenticate
"""


@pytest.mark.parametrize(("after", "access"), [
    # A route's CSRF check turned off, its path changed too: the same method and action.
    (PLAY_ROUTES.replace("PUT     /api/passengers/:date ", "+ nocsrf\nPUT     /api/passengers/:from/:to"), True),
    # A new route whose action is named for signing in checks nothing in the routes file.
    (PLAY_ROUTES + "POST    /authenticate/saml                   controllers.Auth.authenticateSaml\n", False),
    # A new route with its CSRF check off is new code, as every route of a file written so is.
    (PLAY_ROUTES + "+ nocsrf\nPOST    /api/rules                           controllers.Rules.create()\n", False),
])
def test_a_play_routes_file_turning_a_routes_csrf_check_off(
    repo: Repo, capsys: pytest.CaptureFixture[str], after: str, access: bool
) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "server/src/main/resources/routes": PLAY_ROUTES})
    repo.commit({"server/src/main/resources/routes": after})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == ([("access", "server/src/main/resources/routes")] if access else [])
    assert code == (1 if access else 0)


def test_a_vite_dev_servers_cors_is_no_production_setting(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    config = "export default defineConfig({\n  server: {\n    origin: 'http://localhost:5173',\n  },\n});\n"
    base = repo.commit({".ownership-gate.yaml": POLICY, "client/vite.config.ts": config})
    repo.commit({"client/vite.config.ts": config.replace(
        "  },\n", "    cors: {\n      origin: 'https://manager.local.dev.example.com',\n    },\n  },\n")})
    code, doc = run_json(capsys, "--base", base)
    assert kinds_and_subjects(doc, "security") == [] and code == 0
