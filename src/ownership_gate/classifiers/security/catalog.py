"""What security-sensitive code and settings look like, as patterns over paths and lines.

Each table is small and plain so a reader can check it against what their
frameworks write. A line matters only when the change adds or removes it:
the classifier compares a file's lines before and after, never the whole
file, so a file that merely *contains* `authorize(` is not a finding.
"""

from __future__ import annotations

import re

# Migration folders: what a migration does to data is the schema classifier's to judge,
# so one named for sessions or tokens is not access code (its settings and credentials still count).
MIGRATION_PATH = re.compile(r"(?:^|/)(?:migrations|migrate)/(?:versions/)?[^/]+$|(?:^|/)alembic/versions/[^/]+$")

# Path segments (folder or file stem words) that name authentication or authorisation.
ACCESS_NAME = re.compile(
    r"(?i)(?:^|[/_.-])(?:auth|authn|authz|authenticat\w*|authori[sz]\w*|reauth(?:enticat\w*|ori[sz]\w*)?|oauth\w*|openid\w*|oidc|saml|sso"
    r"|login|logout|signin|sign_in|password\w*|mfa|2fa|two_factor\w*|otp|totp|passkeys?|webauthn|impersonat\w*"
    # A payment provider's checkout session (`checkout-session-completed.ts`) is no login session.
    r"|permissions?|rbac|acl|guards?|jwt|(?<!checkout[_.-])sessions?|credentials?|api_?keys?|(?:access_?)?tokens?"
    r"|roles?|abilit(?:y|ies))(?=$|[/_.-])"  # CanCanCan's `Ability`, `abilities/`
    r"|(?:Authenticat|Authori[sz]|OAuth|Permission|Login|Password|(?<!Checkout)Session|Credential|Passkey|TwoFactor"
    r"|MultiFactor)[A-Za-z]*\.\w+$"
)
# An authorisation policy: a `policies/` folder, or a file named for one (`user_policy.rb`, `PostPolicy.php`);
# a file that only starts with the word (`policy_announcement_email_task.rb`) is not one, and neither is a data
# model named for a policy the application stores (`models/org_policy.rs`, an organisation's password rules).
# A design system's tokens (`semanticColors.tokens.ts`, `design-tokens/`, `tokens/spacing.json`): colours and
# sizes, not credentials, whatever `tokens` says.
DESIGN_TOKENS = re.compile(
    r"(?i)(?:^|/)design[_-]?tokens?(?:/|\.\w+$)|(?:^|/)tokens/(?:[^/]+/)*[^/]*(?:colou?r|size|spacing|typograph"
    r"|font|radi|shadow|breakpoint|theme|palette|motion|elevation)[^/]*\.\w+$"
    r"|(?:colou?r|size|spacing|typograph|font|radi|shadow|breakpoint|theme|palette|motion|elevation)\w*\.tokens\.\w+$"
)
POLICY_NAME = re.compile(r"(?:^|/)polic(?:y|ies)/|(?:^|/|[_.-])policy\.\w+$|[a-z]Policy\.\w+$")
MODELS_FOLDER = re.compile(r"(?i)(?:^|/)models?/")
# The middleware every request passes through before any handler: Next.js's `middleware.ts` (its `matcher`
# says which routes need a session), a Django project's `middleware.py`; not every file of a `middleware/` folder.
MIDDLEWARE_FILE = re.compile(r"(?:^|/)middleware\.\w+$")

# User-interface code: what it shows is not what the server allows, so only a secret it shows is a finding.
# Randomness, hashing and signing primitives: swapping one for another (`random` for `secrets`,
# `md5` for `sha256`) changes how secure a token or digest is, however small the edit.
CRYPTO_NAMES = frozenset({
    "random", "secrets", "SystemRandom", "urandom", "getrandbits", "randbelow",
    "token_hex", "token_urlsafe", "token_bytes", "uuid1", "uuid4", "randomBytes", "randomUUID",
    "getRandomValues", "SecureRandom", "hashlib", "md5", "sha1", "sha256", "sha512", "blake2b",
    "hmac", "compare_digest", "timingSafeEqual", "secure_compare", "bcrypt", "scrypt", "argon2",
    "pbkdf2_hmac", "pbkdf2", "HS256", "RS256", "ES256", "crypto", "Crypto", "Digest", "OpenSSL",
})

# A UI folder (Rails' `app/javascript/` and Laravel's `resources/js/` among them) holds user-interface code only
# in the browser's languages: a Go, Python, Ruby or Java file under `ui/` or `views/` (a Django view, a Go
# handler) is server code that decides who may do what.
UI_PATH = re.compile(
    r"(?i)\.(?:tsx|jsx|vue|svelte|erb|haml|slim|eex|heex|leex|html?|hbs|handlebars|mustache|twig|njk|jinja2?|liquid)$"
    r"|(?:^|/)(?:components|scenes|views|templates|pages|ui|(?:[\w.]+[-_])?frontend|client|webapp|static|assets"
    r"|widgets|app/javascripts?|resources/js)/"
    r"(?!(?:.*/)?api/)(?!.*\.(?:py|rb|go|java|kts?|cs|ex|exs|rs|scala|swift)$)"
)
# What makes a script in such a folder server code all the same: it imports a web server framework or builds an
# Express router (`src/components/reset-password/reset-password-routes.ts` of an Express application).
SERVER_SCRIPT = re.compile(
    r"""(?m)(?:\bfrom\s*|\brequire\s*\(\s*|^\s*import\s+)['"](?:express|koa|fastify|restify|@hapi/hapi|@koa/router"""
    r"""|koa-router|@nestjs/(?:common|core))['"]|\bexpress\.Router\s*\("""
)
_SCRIPT_ENDINGS = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


def user_interface(path: str, text: str) -> bool:
    """Whether `path` (with contents `text`) is user-interface code: UI_PATH, less a script there that serves."""
    if not UI_PATH.search(path):
        return False
    return not (path.endswith(_SCRIPT_ENDINGS) and SERVER_SCRIPT.search(text) is not None)


# Identifiers that hold a secret; a view that starts showing one is a finding.
SECRET_VALUE = re.compile(
    r"\b\w*(?:otp_secret|client_secret|secret_key|api_key|apikey|private_key|access_token|refresh_token"
    r"|password_digest|encrypted_password|recovery_codes?|backup_codes?)\b|\b(?:clientSecret|apiKey|privateKey|accessToken|otpSecret)\b"
)

# Lines that check or grant access, in the frameworks' own words.
ACCESS_LINE = re.compile(
    r"\bauthori[sz]e[!?]?\s*[(:\s]|\bauthenticate(?:_\w+)?[!?]?\b|\b(?:can|cannot)\??\s*\(\s*\w+\s*,"
    r"|\bcan\?\s*[:(]|\bhas_perms?\s*\(|\bhas_?permission\w*\s*\(|\bcheck_permissions?\b|\bpermission_(?:required|classes)\b"
    # Django's: a view behind the admin site's staff check (`admin.site.admin_view`) or a test of the user.
    r"|\bstaff_member_required\b|\badmin_view\b|\buser_passes_test\b"
    r"|\blogin_required\b|\b(?:skip_)?before_action\s+:(?:authenticate\w*|require_\w*login\w*|verify_authenticity_token)"
    r"|@(?:PreAuthorize|PostAuthorize|Secured|RolesAllowed|PermitAll|DenyAll)\b|\bpermitAll\s*\(|\bauthenticated\s*\(\s*\)"
    r"|\b(?:IsAuthenticated|IsAdminUser|AllowAny|IsAuthenticatedOrReadOnly)\b|\bpolicy_scope\b|\bverify_authorized\b"
    # CanCanCan's controller checks: every action of the controller authorised against the loaded record.
    r"|\b(?:load_and_)?authorize_resource\b"
    r"|\brequire(?:s)?_?(?:auth|login|role|admin|permission)\w*\b|\bensure_?(?:authenticated|admin|permission)\w*\b"
    # Middleware named for what it requires, passed by name (`Use(API, mid.RequireLogin)`, `RequireAPIKey`).
    r"|\bRequires?(?:[A-Z][a-z]+)*?(?:Auth\w*|Login|Admin|Role|Permissions?|API_?Key|ApiKey|Token|Session|User|SignIn)\b"
    r"|\b[Ii]s_?(?:[A-Za-z]+_?)?[Aa]dmin\b|\bis_superuser\b|\bis_staff\b|\bhasRole\s*\(|\bhas_role\??\s*[(:]"
    r"|\bis_authenticated\b|\bis_anonymous\b|\buser_signed_in\?|\bisAuthenticated\b"
    # A helper named for the check it makes: hasEnvironmentAccess(...), requireAuth(...), checkPermissions(...),
    # and Go's exported ones: HasListPerm(...), RequireAuth(...).
    r"|\b(?:[Hh]as|[Cc]an|[Cc]heck|[Vv]erify|[Ee]nsure|[Rr]equire|[Aa]ssert|[Aa]uthori[sz]e)(?:[A-Z]\w*?)?"
    r"(?:Access|Perms?|Permissions?|Roles?|Auth\w*)\s*\("
    # ... and written in snake case: user_has_permissions(...), check_user_access(...), verify_roles(...).
    r"|\b(?:[a-z0-9]+_)?(?:has|can|check|verify|ensure|require|assert)_(?:[a-z0-9]+_){0,3}"
    r"(?:access|perms?|permissions?|roles?|auth[a-z_]*)\s*\("
    # Route middleware that authenticates or authorises, by the name it is registered under: Laravel's
    # `->middleware(['auth', 'can:admin.access'])` and `'middleware' => 'auth:sanctum'`, and an Express
    # middleware named for what it checks (`validateSessionMiddleware`, `requireRoleMiddleware`; not a
    # class path in a settings file's stack, `django.contrib.sessions.middleware.SessionMiddleware`, which
    # the middleware-stack setting rule reads).
    r"|(?:->middleware\s*\(|['\"]middleware['\"]\s*=>)[^;]{0,200}?['\"](?:auth\w*(?::[\w,.-]+)?|can:[^'\"]+|role:[^'\"]+"
    r"|permission:[^'\"]+|ability:[^'\"]+|abilities:[^'\"]+|password\.confirm)['\"]"
    r"|(?<![.\w'\"\\])\w{0,40}(?:Session|Auth|Permission|Role|Login|Token|Access)\w{0,40}Middleware\b(?!['\"])"
    # That a request or message is authentic: a signature or HMAC verified (`verify_signature(...)`,
    # `verifyWebhookSignature(...)`), a digest compared in constant time.
    r"|\b(?:verify|valid|check|validate)_(?:\w+_)?(?:signature|hmac)[!?]?(?=[\s(])"
    r"|\b(?:[Vv]erify|[Vv]alidate|[Cc]heck)\w*(?:Signature|Hmac|HMAC)\s*\("
    r"|\b(?:compare_digest|ConstantTimeCompare|timingSafeEqual|secure_compare)\s*\("
    # WordPress: a capability check, a nonce (its CSRF token) verified, a REST route's permission callback.
    r"|\b(?:current_)?user_can(?:_for_blog)?\s*\(|\bwp_verify_nonce\s*\(|\bcheck_(?:admin|ajax)_referer\s*\("
    r"|\bis_user_member_of_blog\s*\(|['\"]permission_callback['\"]"
)

# Queries scoped to the requesting user, which is what keeps one user out of another's records: Django's
# `.filter(member__user=request.user)` (the lookup names a user, owner or member) and Rails'
# `current_user.invoices.find(...)`. The scope is the match with `self.` and spaces left out.
USER_SCOPE = re.compile(
    r"\b\w*(?:user|owner|member)\w*\s*=\s*(?:self\.)?request\.user(?:\.id|\.pk)?\b"
    r"|\bcurrent_user\.\w+(?=\.(?:find|find_by|where)\b)"
)
# Lines of ACCESS_LINE that open rather than close: skipping a check, allowing anyone, a role test.
GRANT_LINE = re.compile(
    r"\bskip_(?:before|after|around)_action\b|\bskip_authoriz\w*|\bskip_policy_scope\b|\bAllowAny\b|@PermitAll\b"
    r"|\bpermitAll\s*\(|\bIsAuthenticatedOrReadOnly\b|\b[Ii]s_?(?:[A-Za-z]+_?)?[Aa]dmin\b|\bis_superuser\b|\bis_staff\b"
    r"|\bhas_?[Rr]ole\b"
)

# `KEY = value`, `config.key = value`, `Module::Class.key = value`, `key: value`, `"Header-Name": "value"`.
ASSIGNMENT = re.compile(
    r"""^\s*(?:export\s+|const\s+|let\s+|var\s+)?(?P<key>[A-Za-z_][\w.]*(?:::[A-Za-z_][\w.]*)*|["'][\w.-]+["'])"""
    r"""\s*(?:=|:)(?!=)\s*(?P<value>.+?)[,;]?\s*$"""
)
# A configuration DSL's `setting value` (Ruby initializers, nginx, Caddy): a name, a space, a value.
DSL_SETTING = re.compile(r"^\s*(?P<key>[a-z_][\w.]*)\s+(?P<value>[^\s=({].*?)\s*$")
# Header names and directives that are security settings wherever they appear.
SETTING_LINE = re.compile(
    r"(?i)content-security-policy|frame-ancestors|access-control-allow-(?:origin|credentials|headers|methods)"
    # A Content-Security-Policy's directives, wherever the policy is built: `"script-src 'self'"`, `base-uri`.
    r"|\b(?:default|script|style|img|connect|font|frame|child|worker|object|media|manifest)-src\b|\bbase-uri\b"
    r"|\bform-action\b|\brequire-trusted-types-for\b|\btrusted-types\b|\bupgrade-insecure-requests\b"
    r"|strict-transport-security|x-frame-options|x-content-type-options|referrer-policy|permissions-policy"
    r"|\bhelmet\s*\(|\bcors\s*\(|\bcsrf\w*\s*\(|\bprotect_from_forgery\b|\bforce_ssl\b|\bRack::Cors\b"
    r"|\bsession_store\b|\bSecurityFilterChain\b|\.csrf\s*\(|\.cors\s*\(|\bverify\s*=\s*False\b"
    r"|\brejectUnauthorized\s*:\s*false\b|\bInsecureSkipVerify\s*:\s*true\b|\bCERT_NONE\b"
    # What an iframe's content may do (`sandbox="allow-scripts allow-popups"`), however it is written.
    r"|\bsandbox\s*=\s*[\"'`]|\ballow-(?:scripts|same-origin|popups|forms|top-navigation)\b"
    # Phoenix's CORS plugs, and any origin list opened to everyone (`origins: "*"`, `allow_origins=["*"]`).
    # A web application firewall's rules (ModSecurity: `SecRuleRemoveById 932110`, `SecRuleEngine DetectionOnly`),
    # in a server's configuration or a deployment's values.
    r"|\bSec(?:Rule(?:RemoveBy(?:Id|Tag|Msg)|UpdateTargetBy(?:Id|Tag|Msg)|UpdateActionById|Engine)?|Action"
    r"|DefaultAction)\b|\bmodsecurity-snippet\b"
    r"|\bplug\s*\(?\s*(?:Corsica|CORSPlug)\b|\b(?:allow(?:ed)?_?)?origins?[\"']?\s*(?:=>|[:=])\s*(?:\[\]string\s*)?[\[{]?\s*[\"']\*[\"']"
)
# A framework's middleware stack naming a middleware that guards requests: Django's `MIDDLEWARE` entries
# (`"django.middleware.csrf.CsrfViewMiddleware"`), Laravel's HTTP kernel
# (`\Illuminate\Session\Middleware\StartSession::class`), Rails' `config.middleware.use ...`, ASP.NET Core's
# `app.UseAuthentication()`. Which of them run, and in what order, decides what every request gets.
_GUARD_WORD = (r"(?:session|csrf|xsrf|cookie|auth|cors|csp|security|clickjack|xframe|trust|throttle"
               r"|rate_?limit|signature|verif|permission|https|ssl|hsts|forwarded|proxy|attack|encrypt|login)")
MIDDLEWARE_LINE = re.compile(
    rf"[\"'](?=[\w.]*(?:\.middleware\.|Middleware[\"']))(?i:(?=[\w.]*{_GUARD_WORD}))[\w.]+[\"']"
    rf"|\\Middleware\\(?i:(?=\w*{_GUARD_WORD}))\w+::class"
    rf"|\bconfig\.middleware\.\w+\b(?i:(?=.*{_GUARD_WORD})).*"
    r"|\bapp\.Use(?:Authentication|Authorization|Cors|HttpsRedirection|Hsts|Session|CookiePolicy|Antiforgery"
    r"|RateLimiter|ForwardedHeaders)\s*\("
)
# Credentials committed in the clear.
CREDENTIAL = re.compile(
    r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----"
    r"|\bAKIA[0-9A-Z]{16}\b|\bASIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{60,}\b"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}\b|\bsk_live_[A-Za-z0-9]{20,}\b|\brk_live_[A-Za-z0-9]{20,}\b"
    r"|\bAIza[0-9A-Za-z_-]{35}\b|\bglpat-[A-Za-z0-9_-]{20,}\b|\bnpm_[A-Za-z0-9]{36}\b|\bSG\.[\w-]{22}\.[\w-]{43}\b"
    r'|"type"\s*:\s*"service_account"'
)
PUBLIC_KEY_FILE = re.compile(r"(?i)\.pub$")

# Outbound hosts in string literals of application code.
# A URL in a string literal; a protocol-relative one (`src="//cdnjs.cloudflare.com/..."`) loads over the page's own.
URL = re.compile(
    r"""["'`](?:(?:https?|wss?):)?//(?P<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,})(?::\d+)?(?P<path>[^"'`\s]*)["'`]"""
)
# Public CDNs that serve any open-source package. Each package is its own third party's code, so a
# new package is a new outbound call even where the CDN's host is already named.
PACKAGE_CDNS = frozenset({
    "cdn.jsdelivr.net", "fastly.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "esm.sh", "cdn.skypack.dev",
    "ga.jspm.io",
})
# Hosts that name documents, not services the application calls.
QUIET_HOST = re.compile(
    r"(?i)(?:^|\.)(?:example\.(?:com|org|net)|localhost|test|invalid|local|w3\.org|schema\.org|json-schema\.org"
    r"|xmlns\.com|purl\.org|ietf\.org|mozilla\.org|wikipedia\.org|github\.com|githubusercontent\.com"
    r"|stackoverflow\.com|semver\.org|spdx\.org|opensource\.org|creativecommons\.org)$|^(?:docs|developer|developers|help|support|www)\."
)
COMMENT = re.compile(r"^\s*(?:#|//|/\*|\*|<!--|--|%|;)")
