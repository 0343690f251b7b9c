"""Which files the security classifier reads, by path alone: what it claims, and what its scan checks again.

Apart from the patterns over contents (catalog.py), which load only with a file to scan.
"""

from __future__ import annotations

import re

from ownership_gate.classifiers import patterns
from ownership_gate.classifiers.fixture_dirs import NOT_PRODUCTION as NOT_PRODUCTION

# Source files the classifier reads (configuration files are added below).
SOURCE_SUFFIXES = (
    ".py", ".rb", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".java", ".kt", ".kts", ".cs",
    ".php", ".ex", ".exs", ".rs", ".scala", ".swift", ".erb", ".haml", ".slim", ".eex", ".heex", ".leex",
    # Pages and components the browser runs: read for what they load and the secrets they show (UI_PATH).
    ".html", ".htm", ".twig", ".hbs", ".handlebars", ".mustache", ".vue", ".svelte", ".njk", ".jinja", ".jinja2",
    ".liquid",
)

# Folders and file names that hold tests, fixtures, docs, translations or someone else's code.
_NOT_OURS = (
    r"(?:^|/)(?:tests?|spec|specs|__tests__|__mocks__|fixtures?|testdata|test_data|e2e|cypress|examples?"
    r"|docs?|locales?|i18n|translations|node_modules|vendor|third_party|coverage|storybook|stories)/"
    # Suites named for their kind (`integration-tests/`, `acceptance_tests/`, `orchestration-shared-test/`), a
    # build's test source sets (`src/integrationTest/`, `src/testUtils/`, `src/testFixtures/`) and the mocks
    # tests run against.
    r"|(?:^|/)[a-z0-9]+(?:[-_][a-z0-9]+)*[-_]tests?/|(?:^|/)src/(?-i:[a-z0-9]+Tests?|tests?[A-Z][A-Za-z0-9]*)/"
    r"|(?:^|/)(?:mocks?|mock[-_]?apis?)/"
    # Cucumber's and behave's acceptance tests: the steps their `.feature` files run, and their set-up.
    r"|(?:^|/)features/(?:step_definitions|steps|support)/"
    r"|(?:^|/)(?:test_[^/]*|[^/]*_test\.\w+|[^/]*_spec\.\w+|[^/]*\.(?:test|spec|stories)\.\w+|conftest\.py|tests\.py)$"
    # Laravel's translations: `lang/hr-HR/auth.php`, `resources/lang/de/passwords.php`, `lang/fr.json`.
    r"|(?:^|/)lang/[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?(?:/|\.json$)"
)
# ... and built output, for source code.
NOT_APPLICATION = patterns.compile(rf"(?i){_NOT_OURS}|(?:^|/)(?:dist|build)/")
# A deployment's YAML files: a `build/` folder holds packaging and CI (Go's layout), or is a GitOps repository's
# build service (`components/build/`), not built output.
NOT_DEPLOYMENT = patterns.compile(rf"(?i){_NOT_OURS}")


# Files whose assignments are configuration, not ordinary code. Not Vite's `vite.config.*`: its `server` and
# `preview` settings (CORS, headers, HTTPS) are for the development and preview servers, which production never
# runs; what it ships is built files, served by something else.
CONFIG_PATH = patterns.compile(
    r"(?i)(?:^|/)(?:config|configs|settings|initializers|environments|conf)/|(?:^|/)(?:settings|config|configuration"
    r"|next\.config|nuxt\.config|application|production|security|cors|csp|middleware)(?:[._-][\w.-]*)?\.\w+$"
)

# Play's routes files (`conf/routes`, a sub-router's `admin.routes`), where a route's CSRF check is turned off.
PLAY_ROUTES = patterns.compile(r"(?:^|/)(?:[\w-]+\.)?routes$")

# Key files and dotfiles that hold credentials.
CREDENTIAL_FILE = patterns.compile(
    r"(?i)(?:^|/)(?:id_rsa|id_dsa|id_ecdsa|id_ed25519)(?:\.pub)?$|\.(?:pem|key|p12|pfx|jks|keystore|ppk)$"
    r"|(?:^|/)\.env(?:\.(?:local|production|prod|staging))?$|(?:^|/)\.npmrc$|(?:^|/)\.pypirc$|(?:^|/)credentials(?:\.json)?$"
)

# Example environment files (`.env.example`, `.env.sample`, `.env.local.example`, `example.env`, ...): the
# variables production is told to set, with placeholder values; read by env_example.py, not as credentials.
EXAMPLE_ENV = patterns.compile(
    r"(?i)(?:^|/)(?:\.env(?:\.[\w-]+)?\.(?:example|sample|template|dist)|example\.env|env\.example)$"
)

# A deployment's environment file named for what it configures (`plausible-conf.env`, `app.env`,
# `production.env`), with placeholders to replace: like an example file, it says which secrets and settings the
# application is given. One named for a test, a developer's machine, an example or an environment that is not
# production (`dev.env`, `local.env`, `staging.env`) is not.
NAMED_ENV = patterns.compile(
    r"(?i)(?:^|/)(?![\w-]*(?:test|dev|local|example|sample|stag|stg|uat|qa|sandbox|demo|preview|review)[\w-]*\.env$)"
    r"[\w-]+\.env$"
)

# Mail server configuration (Postfix, Exim, Sendmail): it decides who may send mail as the
# domain and where the domain's mail goes, so every setting in it is a security setting.
MAIL_SERVER_CONFIG = patterns.compile(
    r"(?:^|/)(?:main|master)\.cf(?:\.j2)?$|(?:^|/)exim4?\.conf(?:\.template|\.j2)?$|(?:^|/)sendmail\.(?:cf|mc)$"
)


# An SSH server's configuration (OpenSSH's `sshd_config`, its `sshd_config.d/` drop-ins and the templates a
# deployment tool renders into them): it decides who may log in to a machine, how, and with which keys and
# ciphers, so every setting in it is a security setting.
SSH_SERVER_CONFIG = patterns.compile(
    r"(?:^|/)sshd_config(?:\.j2|\.jinja2?|\.erb|\.tmpl)?$|(?:^|/)sshd_config\.d/[^/]+\.conf(?:\.j2|\.erb)?$"
)


# A web server's configuration (Apache's `.htaccess` and `httpd.conf`, nginx's `nginx.conf` and the files of its
# `conf.d/` and `sites-available/`): it decides what every request may reach and which headers it gets back. So
# does a template a deployment tool renders into one (Ansible's `nginx.d.conf.j2`).
WEB_SERVER_CONFIG = patterns.compile(
    r"(?:^|/)\.htaccess$|(?:^|/)(?:nginx|httpd|apache2?)(?:[._-][\w.-]*)?\.conf(?:\.j2|\.jinja2?|\.erb|\.tmpl)?$"
    r"|(?:^|/)(?:nginx|httpd|apache2?)/(?:[\w.-]+/)*[\w.-]+\.conf(?:\.j2|\.jinja2?|\.erb|\.tmpl)?$"
    r"|(?:^|/)sites-(?:available|enabled)/[^/]+$"
)


# A vulnerability scanner's suppressions or ignore list, by the format it is read as (suppressions.py).
SUPPRESSIONS = patterns.compile(
    r"(?:^|/)(?:(?P<xml>[^/]*suppress[^/]*\.xml)|(?P<trivy>\.trivyignore)|(?P<trivy_yaml>\.trivyignore\.ya?ml)"
    r"|(?P<snyk>\.snyk)|(?P<grype>\.grype\.ya?ml|\.grype/config\.ya?ml)|(?P<osv>osv-scanner\.toml)"
    r"|(?P<cargo>(?:\.cargo/)?audit\.toml|deny\.toml)|(?P<nsprc>\.nsprc)|(?P<audit_ci>audit-ci\.json)"
    r"|(?P<bundler>\.bundler-audit\.ya?ml)|(?P<safety>\.safety-policy\.ya?ml)|(?P<brakeman>brakeman\.ignore))$",
    re.IGNORECASE,
)


# Data files that may hold access lists (grants.py): YAML, JSON and HCL, less the manifests that list people with
# a role that grants nothing (`composer.json`'s authors), lockfiles and seed data.
_DATA_FILE = (".yaml", ".yml", ".json", ".tf", ".tfvars", ".hcl")
_NOT_ACCESS_LIST = patterns.compile(
    r"(?i)(?:^|/)(?:composer|package|bower|app|manifest|tsconfig|jsconfig|\.?eslintrc|renovate|\.all-contributorsrc)"
    r"\.json$|(?:^|/)(?:pubspec|chart|citation|codecov|\.pre-commit-config|mkdocs)\.ya?ml$|(?:^|/)seeds?/"
    r"|(?:^|/)db/seed|\.lock\.(?:json|hcl)$|-lock\.json$"
)


def may_hold_access_list(path: str) -> bool:
    return path.endswith(_DATA_FILE) and not _NOT_ACCESS_LIST.search(path)


# Files that hold SSH public keys and nothing else (`josie.pub`, `authorized_keys`), and the configuration
# management files that install them for a machine's users (a Puppet manifest's `ssh_key => 'ssh-rsa ...'`,
# NixOS's `openssh.authorizedKeys.keys`, a Salt state): read for keys that grant a login (ssh_keys.py). Keys in
# YAML, Terraform and other files the classifier reads are found there too.
_LOGIN_KEYS = patterns.compile(r"(?i)\.pub$|(?:^|/)authorized_keys2?$|\.(?:pp|nix|sls)$")


def may_grant_a_login(path: str) -> bool:
    return _LOGIN_KEYS.search(path) is not None


# A plain-text allow list (allowlists.py): named for what it lets in, with no extension or one of a list's.
_ALLOW_LIST = patterns.compile(
    r"(?i)(?:^|/)[^/]*(?:white[-_]?list|allow[-_]?list|allowed[-_](?:hosts|domains|ips|origins|networks|senders))"
    r"[^/.]*(?:\.(?:txt|list|conf|acl|lst))?$"
)


def is_allow_list(path: str) -> bool:
    return _ALLOW_LIST.search(path) is not None


def is_yaml(path: str) -> bool:
    """A YAML file: the RBAC reader (rbac.py) looks in each for Kubernetes roles and bindings."""
    return path.endswith((".yaml", ".yml"))


# Prose: a page named `security.md` or `settings.rst` documents settings, it sets none.
_PROSE = (".md", ".markdown", ".mdx", ".rst", ".adoc", ".txt")


def reads_path(path: str) -> bool:
    """Whether the classifier reads this path at all (cheap, by name)."""
    if NOT_APPLICATION.search(path) or path.lower().endswith(_PROSE):
        return False
    return (bool(CREDENTIAL_FILE.search(path)) or path.endswith(SOURCE_SUFFIXES) or bool(CONFIG_PATH.search(path))
            or bool(PLAY_ROUTES.search(path))
            or bool(MAIL_SERVER_CONFIG.search(path)) or bool(WEB_SERVER_CONFIG.search(path))
            or bool(SSH_SERVER_CONFIG.search(path))
            or bool(EXAMPLE_ENV.search(path)) or bool(NAMED_ENV.search(path)))
