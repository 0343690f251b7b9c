"""SDKs and clients of hosted or paid services: a dependency on one is a vendor relationship.

A dependency finding's `vendor` is the category of the service its package
is a client of, or None for an ordinary library (a colour helper, a UI
primitive, a framework). The catalogue below names packages by ecosystem,
as each ecosystem normalises its names (the finding's `subject`), with
shell-style patterns (`@aws-sdk/*`, `aws-sdk-*`) compared case-insensitively.

What is in, and what is left out on purpose:

- Only clients whose use means an account with the company behind them.
  Clients of software anyone can run themselves (Elasticsearch, Redis,
  Kafka, PostgreSQL) are libraries, and so are vendor-neutral telemetry
  packages (OpenTelemetry's OTLP, Jaeger, Zipkin and Prometheus
  exporters): the vendor is whoever receives the data, and its own
  exporter (`@google-cloud/opentelemetry-cloud-trace-exporter`,
  `@azure/monitor-opentelemetry-exporter`) is caught by its namespace.
- A vendor's tooling that runs on the developer's machine only (type
  stubs such as `boto3-stubs`, mocks such as `stripe-mock`, the local
  `openai-whisper` model) is not matched: names are exact unless a pattern
  says otherwise.
- GitHub Actions, container images and Helm charts are not catalogued:
  an organisation's name (`azure/setup-helm`) says nothing about a paid
  service, and workflows and images have rules of their own.

A policy adds its own vendors with `classify.dependency.vendors` (patterns
for any ecosystem); they get the category `policy`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase, translate
from functools import cache

CLOUD = "cloud"
PAYMENTS = "payments"
EMAIL_SMS = "email-sms"
OBSERVABILITY = "observability"
AUTH = "auth"
AI = "ai"
ANALYTICS = "analytics"
SEARCH_DATA = "search-data"
MESSAGING = "messaging"
FEATURE_FLAGS = "feature-flags"
POLICY = "policy"  # listed by the policy's `classify.dependency.vendors`
CATEGORIES: tuple[str, ...] = (
    CLOUD, PAYMENTS, EMAIL_SMS, OBSERVABILITY, AUTH, AI, ANALYTICS, SEARCH_DATA, MESSAGING, FEATURE_FLAGS, POLICY,
)

# category -> ecosystem -> patterns of package names
CATALOGUE: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    CLOUD: {
        "npm": ("aws-sdk", "@aws-sdk/*", "@google-cloud/*", "googleapis", "@azure/*"),
        # Storage adapters that write the application's files to a cloud's storage: clients of that cloud.
        "pypi": ("boto", "boto3", "botocore", "aioboto3", "aiobotocore", "google-cloud-*",
                 "google-api-python-client", "azure-*", "django-storages"),
        "gem": ("aws-sdk", "aws-sdk-*", "google-cloud-*", "google-apis-*", "azure-*", "fog-aws", "fog-google",
                "fog-azure-rm"),
        "golang": ("github.com/aws/aws-sdk-go", "github.com/aws/aws-sdk-go/*", "github.com/aws/aws-sdk-go-v2",
                   "github.com/aws/aws-sdk-go-v2/*", "cloud.google.com/go", "cloud.google.com/go/*",
                   "google.golang.org/api", "github.com/azure/azure-sdk-for-go", "github.com/azure/azure-sdk-for-go/*"),
        "maven": ("com.amazonaws:*", "software.amazon.awssdk:*", "com.google.cloud:*", "com.azure:*",
                  "com.microsoft.azure:*"),
        "nuget": ("awssdk.*", "amazon.lambda.*", "google.cloud.*", "google.apis.*", "azure.*", "microsoft.azure.*"),
        "composer": ("aws/aws-sdk-php", "aws/aws-sdk-php-*", "google/cloud", "google/cloud-*", "google/apiclient",
                     "microsoft/azure-*", "league/flysystem-aws-s3-v3", "league/flysystem-google-cloud-storage",
                     "league/flysystem-azure-blob-storage"),
        "cargo": ("aws-sdk-*", "aws-config", "google-cloud-*", "azure_*"),
        "hex": ("ex_aws", "ex_aws_*", "google_api_*", "goth"),
        "terraform": ("hashicorp/aws", "hashicorp/awscc", "hashicorp/google", "hashicorp/google-beta",
                      "hashicorp/azurerm", "hashicorp/azuread"),
    },
    PAYMENTS: {
        "npm": ("stripe", "@stripe/*", "braintree", "braintree-web", "@adyen/*", "@paypal/*", "paypal-rest-sdk",
                "plaid", "react-plaid-link"),
        "pypi": ("stripe", "braintree", "adyen", "paypalrestsdk", "paypal-*", "plaid-python"),
        "gem": ("stripe", "braintree", "adyen-ruby-api-library", "paypal-*", "plaid"),
        "golang": ("github.com/stripe/stripe-go", "github.com/plaid/plaid-go", "github.com/adyen/adyen-go-api-library"),
        "maven": ("com.stripe:*", "com.braintreepayments.gateway:*", "com.adyen:*", "com.paypal.sdk:*", "com.plaid:*"),
        "nuget": ("stripe.net", "braintree", "adyen", "paypal*"),
        "composer": ("stripe/stripe-php", "braintree/braintree_php", "adyen/php-api-library", "paypal/*"),
        "cargo": ("async-stripe", "stripe-rust"),
        "hex": ("stripity_stripe", "braintree"),
    },
    EMAIL_SMS: {
        "npm": ("@sendgrid/*", "sendgrid", "mailgun.js", "mailgun-js", "postmark", "twilio", "@vonage/*", "resend"),
        "pypi": ("sendgrid", "postmarker", "twilio", "vonage", "resend"),
        "gem": ("sendgrid-ruby", "mailgun-ruby", "postmark", "postmark-rails", "twilio-ruby", "vonage", "resend"),
        "golang": ("github.com/sendgrid/sendgrid-go", "github.com/twilio/twilio-go", "github.com/mailgun/mailgun-go"),
        "maven": ("com.sendgrid:*", "com.twilio.sdk:*", "com.vonage:*"),
        "nuget": ("sendgrid", "twilio", "postmark", "vonage"),
        "composer": ("sendgrid/sendgrid", "twilio/sdk", "mailgun/mailgun-php", "wildbit/postmark-php",
                     "wildbit/swiftmailer-postmark", "coconutcraig/laravel-postmark", "symfony/postmark-mailer",
                     "symfony/mailgun-mailer", "symfony/sendgrid-mailer", "resend/resend-php", "vonage/client",
                     "vonage/client-core"),
        "hex": ("ex_twilio", "sendgrid", "resend"),
    },
    OBSERVABILITY: {
        "npm": ("@sentry/*", "dd-trace", "@datadog/*", "datadog-*", "newrelic", "@newrelic/*", "@honeybadger-io/*",
                "@bugsnag/*", "rollbar", "elastic-apm-node", "@elastic/apm-rum", "@elastic/apm-rum-*", "@dynatrace/*",
                "@honeycombio/*"),
        "pypi": ("sentry-sdk", "ddtrace", "datadog", "datadog-*", "newrelic", "honeybadger", "bugsnag", "rollbar",
                 "elastic-apm", "honeycomb-beeline"),
        "gem": ("sentry-*", "ddtrace", "datadog", "dogstatsd-ruby", "newrelic_rpm", "honeybadger", "bugsnag",
                "rollbar", "skylight", "scout_apm", "appsignal", "elastic-apm", "honeycomb-beeline"),
        "golang": ("github.com/getsentry/sentry-go", "gopkg.in/datadog/dd-trace-go", "github.com/datadog/dd-trace-go",
                   "github.com/datadog/datadog-go", "github.com/newrelic/go-agent", "github.com/newrelic/go-agent/*",
                   "github.com/honeybadger-io/honeybadger-go", "github.com/bugsnag/bugsnag-go",
                   "github.com/rollbar/rollbar-go", "go.elastic.co/apm", "go.elastic.co/apm/*"),
        "maven": ("io.sentry:*", "com.datadoghq:*", "com.newrelic.agent.java:*", "com.bugsnag:*", "com.rollbar:*",
                  "io.honeybadger:*", "co.elastic.apm:*", "com.dynatrace.*:*"),
        "nuget": ("sentry", "sentry.*", "datadog.trace", "datadog.trace.*", "newrelic.agent", "newrelic.agent.api",
                  "bugsnag", "bugsnag.*", "rollbar", "rollbar.*", "elastic.apm", "elastic.apm.*"),
        "composer": ("sentry/*", "datadog/dd-trace", "bugsnag/*", "rollbar/*", "honeybadger-io/*"),
        "cargo": ("sentry", "sentry-*"),
        "hex": ("sentry", "appsignal", "appsignal_*", "honeybadger", "new_relic_agent", "spandex_datadog", "rollbax"),
        "terraform": ("datadog/datadog", "newrelic/newrelic", "jianyuan/sentry"),
    },
    AUTH: {
        "npm": ("auth0", "@auth0/*", "@okta/*", "@clerk/*", "firebase", "firebase-admin", "@firebase/*",
                "@supabase/*", "supabase"),
        "pypi": ("auth0-python", "okta", "firebase-admin", "supabase", "clerk-backend-api"),
        "gem": ("auth0", "omniauth-auth0", "omniauth-okta", "okta-jwt-verifier"),
        "golang": ("github.com/auth0/go-auth0", "github.com/okta/okta-sdk-golang", "firebase.google.com/go",
                   "github.com/clerk/clerk-sdk-go", "github.com/supabase-community/supabase-go"),
        "maven": ("com.auth0:*", "com.okta.sdk:*", "com.okta.jwt:*", "com.google.firebase:*", "com.clerk:*"),
        "nuget": ("auth0.*", "okta.*", "firebaseadmin", "clerk.*"),
        "composer": ("auth0/*", "okta/*", "kreait/firebase-php"),
        "terraform": ("auth0/auth0", "okta/okta"),
    },
    AI: {
        "npm": ("openai", "@anthropic-ai/*", "cohere-ai", "@google/generative-ai", "@google/genai", "@mistralai/*",
                "replicate", "groq-sdk"),
        "pypi": ("openai", "anthropic", "cohere", "google-generativeai", "google-genai", "mistralai", "replicate",
                 "groq"),
        "gem": ("ruby-openai", "openai", "anthropic", "cohere-ruby", "replicate-ruby"),
        "golang": ("github.com/openai/openai-go", "github.com/sashabaranov/go-openai",
                   "github.com/anthropics/anthropic-sdk-go", "github.com/google/generative-ai-go",
                   "google.golang.org/genai", "github.com/cohere-ai/cohere-go"),
        "maven": ("com.openai:*", "com.theokanning.openai-gpt3-java:*", "com.anthropic:*", "com.cohere:*"),
        "nuget": ("openai", "anthropic", "anthropic.sdk"),
        "composer": ("openai-php/client", "openai-php/laravel"),
        "hex": ("openai", "openai_ex", "anthropix"),
        "cargo": ("async-openai", "openai-api-rs"),
    },
    ANALYTICS: {
        "npm": ("@segment/*", "analytics-node", "mixpanel", "mixpanel-browser", "@amplitude/*", "amplitude-js",
                "posthog-js", "posthog-node"),
        "pypi": ("segment-analytics-python", "analytics-python", "mixpanel", "amplitude-analytics", "posthog"),
        "gem": ("analytics-ruby", "mixpanel-ruby", "amplitude-api", "posthog-ruby"),
        "golang": ("github.com/segmentio/analytics-go", "github.com/posthog/posthog-go"),
        "maven": ("com.segment.analytics.java:*", "com.mixpanel:*", "com.amplitude:*", "com.posthog.java:*"),
        "composer": ("segmentio/analytics-php", "mixpanel/mixpanel-php", "posthog/posthog-php"),
        "hex": ("posthog",),
    },
    SEARCH_DATA: {
        "npm": ("algoliasearch", "@algolia/*", "@pinecone-database/*"),
        "pypi": ("algoliasearch", "pinecone", "pinecone-client"),
        "gem": ("algolia", "algoliasearch", "algoliasearch-rails", "pinecone"),
        "golang": ("github.com/algolia/algoliasearch-client-go", "github.com/pinecone-io/go-pinecone"),
        "maven": ("com.algolia:*", "io.pinecone:*"),
        "nuget": ("algolia.search",),
        "composer": ("algolia/*",),
    },
    MESSAGING: {
        "npm": ("pusher", "pusher-js", "ably", "@intercom/*"),
        "pypi": ("pusher", "ably"),
        "gem": ("pusher", "ably", "intercom", "intercom-rails"),
        "golang": ("github.com/pusher/pusher-http-go", "github.com/ably/ably-go"),
        "maven": ("com.pusher:*", "io.ably:*"),
        "nuget": ("pusherserver", "ably.io"),
        "composer": ("pusher/pusher-php-server", "ably/ably-php"),
    },
    FEATURE_FLAGS: {
        "npm": ("launchdarkly-*", "@launchdarkly/*"),
        "pypi": ("launchdarkly-server-sdk",),
        "gem": ("launchdarkly-server-sdk",),
        "golang": ("github.com/launchdarkly/go-server-sdk",),
        "maven": ("com.launchdarkly:*",),
        "nuget": ("launchdarkly.serversdk",),
        "composer": ("launchdarkly/*",),
        "hex": ("launchdarkly_server_sdk",),
        "cargo": ("launchdarkly-server-sdk",),
        "terraform": ("launchdarkly/launchdarkly",),
    },
}


def category(ecosystem: str, name: str, extra: Iterable[str] = ()) -> str | None:
    """The category of the service `name` is a client of; `extra` patterns (the policy's) give `policy`."""
    lowered = name.lower()
    for found, pattern in _compiled(ecosystem):
        if pattern.match(lowered):
            return found
    extra = tuple(extra)
    if extra and _patterns(extra).match(lowered):
        return POLICY
    return None


def family(ecosystem: str, name: str) -> str | None:
    """The catalogue's pattern for many packages of one vendor that `name` is one of (`com.amazonaws:*`,
    `@aws-sdk/*`, `azure-*`): the vendor's other clients share it. None for a package named alone."""
    ecosystem = "maven" if ecosystem in ("gradle", "sbt") else ecosystem
    lowered = name.lower()
    for by_ecosystem in CATALOGUE.values():
        for pattern in by_ecosystem.get(ecosystem, ()):
            if "*" in pattern and fnmatchcase(lowered, pattern.lower()):
                return pattern
    return None


@cache
def _compiled(ecosystem: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each category's patterns for one ecosystem as one expression, made on first use."""
    ecosystem = "maven" if ecosystem in ("gradle", "sbt") else ecosystem  # their builds use Maven's packages
    return tuple(
        (found, _patterns(by_ecosystem[ecosystem]))
        for found, by_ecosystem in CATALOGUE.items() if ecosystem in by_ecosystem
    )


@cache
def _patterns(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(translate(p.lower()) for p in patterns))
