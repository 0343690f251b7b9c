"""`.env.example` and its siblings, read as dotenv: secrets and security settings count, the rest is routine."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.security import env_example
from ownership_gate.classifiers.security.files import EXAMPLE_ENV, reads_path
from tests.conftest import Repo, findings, levels_by_path, run_json

# Laid out as self-hosted web apps ship theirs: banners, advice in comments, commented-out optional settings.
ENV_EXAMPLE = """\
############
#  BASICS  #
############

WEBAPP_URL=http://localhost:3000

# Required for next-auth. Should be the same as WEBAPP_URL
NEXTAUTH_URL=http://localhost:3000

# You can use: `openssl rand -hex 32` to generate a secure one
NEXTAUTH_SECRET=

# Set the minimum log level(debug, info, warn, error, fatal)
LOG_LEVEL=info

DATABASE_URL='postgresql://postgres:postgres@localhost:5432/app?schema=public'
export REDIS_URL="redis://localhost:6379"

# Cookies only over HTTPS in production
SESSION_COOKIE_SECURE=true

# Turn the new editor on for everyone
PF_FEATURE_ENABLED=false

# Number of concurrent jobs each worker can process.
# WORKER_CONCURRENCY=1

# Optional: transactional email
MAIL_FROM=noreply@example.com
SMTP_HOST=smtp.example.com
SMTP_PORT=587
SMTP_PASSWORD=   # the app password, not your login
"""


def _subjects_and_details(old: str, new: str) -> list[tuple[str, str]]:
    return [(f.subject, f.detail) for f in env_example.findings(".env.example", old, new)]


@pytest.mark.parametrize(("path", "matches"), [
    (".env.example", True),
    ("apps/web/.env.example", True),
    (".env.sample", True),
    (".env.template", True),
    (".env.dist", True),
    (".env.local.example", True),
    (".env.production.example", True),
    ("example.env", True),
    ("env.example", True),
    (".env", False),
    (".env.production", False),
    ("src/env.ts", False),
    ("docs/.env.example", False),
])
def test_which_paths_are_example_env_files(path: str, matches: bool) -> None:
    assert (bool(EXAMPLE_ENV.search(path)) and reads_path(path)) is matches


def test_reading_the_file_as_dotenv() -> None:
    read = env_example.read(ENV_EXAMPLE)
    assert read.variables["DATABASE_URL"].value == "postgresql://postgres:postgres@localhost:5432/app?schema=public"
    assert read.variables["REDIS_URL"] == env_example.Variable("redis://localhost:6379", 17)
    assert read.variables["SMTP_PASSWORD"] == env_example.Variable("", 32)
    assert read.variables["NEXTAUTH_SECRET"].line == 11
    assert "WORKER_CONCURRENCY" not in read.variables  # commented out: documentation
    assert read.unreadable == {}


@pytest.mark.parametrize(("name", "value", "secret"), [
    ("STRIPE_SECRET_KEY", "sk_test_xxx", True),
    ("DATABASE_PASSWORD", "", True),
    ("SMTP_PASS", "", True),
    ("SENTRY_DSN", "", True),
    ("GOOGLE_APPLICATION_CREDENTIALS", "./key.json", True),
    ("NEXT_PRIVATE_UPLOAD_DISTRIBUTION_KEY_CONTENTS", "", True),
    ("AWS_ACCESS_KEY_ID", "", True),
    ("SSH_PRIVATE_KEY", "", True),
    ("stripeSecretKey", "", True),
    ("NEXT_PUBLIC_STRIPE_SECRET_KEY", "", True),  # a secret sent to every browser is still a secret
    ("KEYBOARD_LAYOUT", "us", False),
    ("DATABASE_URL", "postgresql://localhost/app", False),
    ("NEXT_PRIVATE_REDIS_URL", "", False),  # NEXT_PRIVATE_ says "server only", not "private key"
    ("NEXT_PUBLIC_POSTHOG_KEY", "", False),
    ("STRIPE_PUBLISHABLE_KEY", "pk_test_xxx", False),
    ("PASSWORD_RESET_DISABLED", "1", False),
    ("LLM_TOKEN_LIMIT", "4096", False),
    ("NEXT_PUBLIC_DISABLE_EMAIL_PASSWORD_SIGNIN", "", False),
])
def test_which_names_hold_a_secret(name: str, value: str, secret: bool) -> None:
    assert env_example.is_secret(name, value) is secret


@pytest.mark.parametrize("edit", [
    pytest.param(("PF_FEATURE_ENABLED=false", "PF_FEATURE_ENABLED=true"), id="flag flipped"),
    pytest.param(("# WORKER_CONCURRENCY=1\n", "# WORKER_CONCURRENCY=1\n\n# OPENAI_API_KEY=sk-...\n"),
                 id="commented-out example"),
    pytest.param(("LOG_LEVEL=info\n", "LOG_LEVEL=info\nLOG_FORMAT=json\nSMTP_PORT_FALLBACK=25\n"),
                 id="non-secret setting"),
    pytest.param(("NEXTAUTH_SECRET=", 'NEXTAUTH_SECRET="generate-one"'), id="placeholder of a secret"),
    pytest.param(("SMTP_PORT=587", "SMTP_PORT=465"), id="port"),
])
def test_routine_edits_report_nothing(edit: tuple[str, str]) -> None:
    old, new = edit
    assert old in ENV_EXAMPLE
    assert _subjects_and_details(ENV_EXAMPLE, ENV_EXAMPLE.replace(old, new)) == []


def test_reordered_and_requoted_reports_nothing() -> None:
    lines = ENV_EXAMPLE.splitlines()
    shuffled = "\n".join(reversed(lines)).replace("WEBAPP_URL=http://localhost:3000", 'WEBAPP_URL="http://localhost:3000"')
    assert _subjects_and_details(ENV_EXAMPLE, shuffled) == []


def test_a_secret_added_and_one_dropped() -> None:
    new = ENV_EXAMPLE.replace("SMTP_PASSWORD=   # the app password, not your login\n", "SENDGRID_API_KEY=\n")
    assert _subjects_and_details(ENV_EXAMPLE, new) == [
        (".env.example: SENDGRID_API_KEY", "production now expects the secret SENDGRID_API_KEY"),
        (".env.example: SMTP_PASSWORD", "production no longer expects the secret SMTP_PASSWORD"),
    ]
    [added, _] = env_example.findings(".env.example", ENV_EXAMPLE, new)
    assert (added.type, added.kind, added.line) == ("security", "setting", 32)


def test_a_security_setting_changed_added_and_removed() -> None:
    new = ENV_EXAMPLE.replace("SESSION_COOKIE_SECURE=true", "SESSION_COOKIE_SECURE=false").replace(
        "LOG_LEVEL=info\n", "LOG_LEVEL=info\nCORS_ALLOWED_ORIGINS=*\n")
    [cors, secure] = env_example.findings(".env.example", ENV_EXAMPLE, new)
    assert (secure.subject, secure.from_, secure.to, secure.detail) == (
        ".env.example: SESSION_COOKIE_SECURE", "true", "false", "SESSION_COOKIE_SECURE: true -> false")
    assert (cors.subject, cors.from_, cors.to) == (".env.example: CORS_ALLOWED_ORIGINS", None, "*")
    [removed] = env_example.findings(".env.example", ENV_EXAMPLE, ENV_EXAMPLE.replace("SESSION_COOKIE_SECURE=true\n", ""))
    assert (removed.from_, removed.to, removed.detail) == ("true", None, "SESSION_COOKIE_SECURE: true -> (removed)")


def test_a_line_dotenv_cannot_read_needs_sign_off() -> None:
    new = ENV_EXAMPLE.replace("LOG_LEVEL=info\n", 'LOG_LEVEL=info\nUPLOAD_HOST="<id>.blob.example.com" | "<id>.cloudfront.net"\n')
    [unreadable] = env_example.findings(".env.example", ENV_EXAMPLE, new)
    assert unreadable.subject == ".env.example"
    assert unreadable.detail.startswith("dotenv cannot read line 15")
    # Left as it was, it is no news.
    assert env_example.findings(".env.example", new, new.replace("SMTP_PORT=587", "SMTP_PORT=465")) == []


# The built-in policy, from a repository that has no policy file of its own.
@pytest.fixture
def app(repo: Repo) -> str:
    return repo.commit({".env.example": ENV_EXAMPLE, "src/app.py": "print('hi')\n"})


def test_cli_flag_flip_is_the_engineers(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".env.example": ENV_EXAMPLE.replace("PF_FEATURE_ENABLED=false", "PF_FEATURE_ENABLED=true")})
    code, doc = run_json(capsys, "--base", app)
    assert doc["policy"] == {"source": "builtin:startup"}
    assert levels_by_path(doc) == {".env.example": "engineer"}
    assert findings(doc) == []
    assert code == 0


def test_cli_commented_example_is_routine(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".env.example": ENV_EXAMPLE + "\n# Optional: semantic search\n# OPENAI_API_KEY=sk-...\n"})
    code, doc = run_json(capsys, "--base", app)
    assert levels_by_path(doc) == {".env.example": "engineer"}
    assert findings(doc) == []
    assert code == 0


def test_cli_new_api_key_goes_to_the_cto(repo: Repo, app: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit({".env.example": ENV_EXAMPLE + "\n# Transactional email\nSENDGRID_API_KEY=\n"})
    code, doc = run_json(capsys, "--base", app)
    [found] = findings(doc)
    assert (found["type"], found["kind"], found["subject"], found["rule"]) == (
        "security", "setting", ".env.example: SENDGRID_API_KEY", "security")
    assert found["detail"] == "production now expects the secret SENDGRID_API_KEY"
    assert levels_by_path(doc) == {".env.example": "cto"}
    assert code == 1


def test_cli_session_cookie_made_insecure_goes_to_the_cto(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit({"apps/web/.env.local.example": ENV_EXAMPLE})
    base = repo.git("rev-parse", "HEAD")
    repo.commit({"apps/web/.env.local.example": ENV_EXAMPLE.replace("SESSION_COOKIE_SECURE=true",
                                                                    "SESSION_COOKIE_SECURE=false")})
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc)
    assert (found["subject"], found["from"], found["to"], found["line"]) == (
        "apps/web/.env.local.example: SESSION_COOKIE_SECURE", "true", "false", 20)
    assert levels_by_path(doc) == {"apps/web/.env.local.example": "cto"}
    assert code == 1


def test_cli_real_credential_in_an_example_still_counts(
    repo: Repo, app: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "AKIA" + "Z" * 16
    repo.commit({".env.example": ENV_EXAMPLE.replace("SMTP_HOST=smtp.example.com", f"SMTP_HOST=smtp.example.com\n"
                                                                                  f"# S3_ACCESS_KEY_HINT={key}")})
    code, doc = run_json(capsys, "--base", app)
    assert [(f["kind"], f["subject"]) for f in findings(doc)] == [("credential", ".env.example")]
    assert code == 1


def test_a_committed_dotenv_file_is_read_as_an_example(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # A service's committed `.env` holds placeholders: a new secret in it is one production must now hold.
    dotenv = "GITHUB_APP_APP_ID=[github-app-app-id]\nGITHUB_APP_PRIVATE_KEY=[github-app-private-key]\n"
    base = repo.commit({"packages/server/.env": dotenv, "packages/server/.env.test": dotenv})
    repo.commit({"packages/server/.env": dotenv + "LOG_LEVEL=debug\n",
                 "packages/server/.env.test": dotenv + "BITBUCKET_CLIENT_SECRET=test-secret\n"})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc) == [] and code == 0
    repo.commit({"packages/server/.env": dotenv + "BITBUCKET_CLIENT_ID=[bitbucket-client-id]\n"
                                                  "BITBUCKET_CLIENT_SECRET=[bitbucket-client-secret]\n"})
    code, doc = run_json(capsys, "--base", base)
    assert [(f["subject"], f["detail"]) for f in findings(doc)] == [(
        "packages/server/.env: BITBUCKET_CLIENT_SECRET", "production now expects the secret BITBUCKET_CLIENT_SECRET")]
    assert code == 1


@pytest.mark.parametrize(("path", "read"), [
    ("plausible-conf.env", True),
    ("docker/app.env", True),
    ("dev.env", False),
    ("config/test.env", False),
    ("local.env", False),
    ("helmfile/overrides/staging.env", False),
])
def test_an_environment_file_named_for_what_it_configures_is_read_as_an_example(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, read: bool
) -> None:
    # A self-hosting kit's `plausible-conf.env`: placeholders the operator replaces, so a new secret name in it is
    # one every installation must now hold. A developer's or a test's file names none of production's.
    conf = "BASE_URL=replace-me\nSECRET_KEY_BASE=replace-me\n"
    base = repo.commit({path: conf})
    repo.commit({path: conf + "TOTP_VAULT_KEY=replace-me\n"})
    code, doc = run_json(capsys, "--base", base)
    expected = [(f"{path}: TOTP_VAULT_KEY", "production now expects the secret TOTP_VAULT_KEY")] if read else []
    assert [(f["subject"], f["detail"]) for f in findings(doc)] == expected
    assert code == (1 if read else 0)


def test_an_env_file_in_another_format_is_left_alone(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # helmfile's environment values share the extension: `KEY: "value"` is no dotenv line.
    values = 'API_DOCKER_TAG: "b119b91"\nADMIN_DOCKER_TAG: "a1"\n'
    base = repo.commit({"helmfile/overrides/production.env": values})
    repo.commit({"helmfile/overrides/production.env": values.replace("b119b91", "c735792")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc) == [] and code == 0
    # The same lines in an example file, which is dotenv by its name, still fail closed.
    base = repo.commit({".env.example": values})
    repo.commit({".env.example": values.replace("b119b91", "c735792")})
    code, doc = run_json(capsys, "--base", base)
    assert [f["kind"] for f in findings(doc)] == ["setting"] and code == 1
