"""A security finding never shows a secret's value: findings are posted in pull requests and kept in CI logs."""

from __future__ import annotations

import json

import pytest

from ownership_gate.classifiers.security.secret_names import hidden, redacted
from tests.conftest import Repo, findings, run_json

SECRET = "k8s7Hq2ZpL0vXr4TqW9mB3nC6yD1fG5h"


@pytest.mark.parametrize(("name", "value", "shown"), [
    ("SECRET_KEY", f"'{SECRET}'", "'***'"),
    ("SECRET_KEY", "os.environ['SECRET_KEY']", "os.environ['SECRET_KEY']"),  # read from elsewhere: shown
    ("SECRET_KEY", "env('DJANGO_SECRET', default='insecure-default-key')", "env('DJANGO_SECRET', default='***')"),
    ("secret_key_base", SECRET, "***"),  # a YAML or Ruby value without quotes
    ("jwt.secret", "'${JWT_SECRET}'", "'${JWT_SECRET}'"),  # a reference, not the secret
    ("PASSWORD_HASHERS", "['django.contrib.auth.hashers.Argon2PasswordHasher']",
     "['django.contrib.auth.hashers.Argon2PasswordHasher']"),  # dotted names, not material
    ("key_generator_hash_digest_class", "OpenSSL::Digest::SHA1", "OpenSSL::Digest::SHA1"),  # a class, not material
    ("SECRET_KEY", "'App\\Support\\KeyFactory'", "'App\\Support\\KeyFactory'"),
    ("SESSION_COOKIE_SECURE", "True", "True"),  # no secret by its name
    ("SECRET_KEY", None, None),
])
def test_a_secret_settings_value_is_hidden(name: str, value: str | None, shown: str | None) -> None:
    assert hidden(name, value) == shown


@pytest.mark.parametrize(("line", "shown"), [
    (f'SECRET_KEY = "{SECRET}"', 'SECRET_KEY = "***"'),
    (f"config.secret_key_base = '{SECRET}'", "config.secret_key_base = '***'"),
    (f'"api_token" => "{SECRET}", "cookie_secure" => "true"', '"api_token" => "***", "cookie_secure" => "true"'),
    ('add_header Content-Security-Policy "default-src \'self\'";', 'add_header Content-Security-Policy "default-src \'self\'";'),
    ('SESSION_COOKIE_NAME = "sessionid_production"', 'SESSION_COOKIE_NAME = "sessionid_production"'),
])
def test_a_line_shown_has_its_secret_values_hidden(line: str, shown: str) -> None:
    assert redacted(line) == shown


def test_a_changed_secret_key_is_reported_without_its_values(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "mysite/settings.py"
    base = repo.commit({path: "DEBUG = False\nSECRET_KEY = 'django-insecure-3x@mpl3'\n"})
    repo.commit({path: f"DEBUG = False\nSECRET_KEY = '{SECRET}'\n"})
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc, "security")
    assert (found["kind"], found["subject"]) == ("setting", f"{path}: SECRET_KEY")
    assert found["detail"] == "SECRET_KEY: '***' -> '***'"
    assert (found["from"], found["to"]) == ("'***'", "'***'")
    assert SECRET not in json.dumps(doc) and "insecure-3x" not in json.dumps(doc)
    assert code == 1


def test_a_secret_in_a_config_file_line_is_hidden(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "config/initializers/session_store.rb"
    base = repo.commit({path: "Rails.application.config.session_store :cookie_store, key: '_app_session'\n"})
    repo.commit({path: f"Rails.application.config.session_store :cookie_store, key: '_app_session'\n"
                       f"Rails.application.config.secret_key_base = '{SECRET}'\n"})
    code, doc = run_json(capsys, "--base", base)
    assert SECRET not in json.dumps(doc)
    assert any("***" in str(f["detail"]) for f in findings(doc, "security"))
    assert code == 1
