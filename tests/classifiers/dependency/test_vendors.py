"""The vendor catalogue: which packages are clients of hosted or paid services, and which are not."""

from __future__ import annotations

import pytest

from ownership_gate.classifiers.dependency.ecosystems import REGISTRY
from ownership_gate.classifiers.dependency.vendors import CATALOGUE, CATEGORIES, category
from tests.conftest import Repo, findings, levels_by_path, run_json

VENDORS = [
    # (ecosystem, subject as the ecosystem names it, category)
    ("npm", "aws-sdk", "cloud"),
    ("npm", "@aws-sdk/client-s3", "cloud"),
    ("npm", "@google-cloud/storage", "cloud"),
    ("npm", "@azure/storage-blob", "cloud"),
    ("npm", "stripe", "payments"),
    ("npm", "@stripe/stripe-js", "payments"),
    ("npm", "@sendgrid/mail", "email-sms"),
    ("npm", "twilio", "email-sms"),
    ("npm", "resend", "email-sms"),
    ("npm", "@sentry/node", "observability"),
    ("npm", "dd-trace", "observability"),
    ("npm", "newrelic", "observability"),
    ("npm", "@auth0/nextjs-auth0", "auth"),
    ("npm", "@clerk/nextjs", "auth"),
    ("npm", "firebase-admin", "auth"),
    ("npm", "@supabase/supabase-js", "auth"),
    ("npm", "openai", "ai"),
    ("npm", "@anthropic-ai/sdk", "ai"),
    ("npm", "@segment/analytics-node", "analytics"),
    ("npm", "posthog-js", "analytics"),
    ("npm", "algoliasearch", "search-data"),
    ("npm", "@pinecone-database/pinecone", "search-data"),
    ("npm", "pusher-js", "messaging"),
    ("npm", "ably", "messaging"),
    ("npm", "@launchdarkly/node-server-sdk", "feature-flags"),
    ("npm", "@google-cloud/opentelemetry-cloud-trace-exporter", "cloud"),  # a vendor's own exporter
    ("pypi", "boto3", "cloud"),
    ("pypi", "google-cloud-storage", "cloud"),
    ("pypi", "azure-storage-blob", "cloud"),
    ("pypi", "stripe", "payments"),
    ("pypi", "plaid-python", "payments"),
    ("pypi", "sendgrid", "email-sms"),
    ("pypi", "sentry-sdk", "observability"),
    ("pypi", "ddtrace", "observability"),
    ("pypi", "firebase-admin", "auth"),
    ("pypi", "openai", "ai"),
    ("pypi", "anthropic", "ai"),
    ("pypi", "google-generativeai", "ai"),
    ("pypi", "mistralai", "ai"),
    ("pypi", "posthog", "analytics"),
    ("pypi", "pinecone-client", "search-data"),
    ("pypi", "launchdarkly-server-sdk", "feature-flags"),
    ("gem", "aws-sdk-s3", "cloud"),
    ("gem", "google-cloud-storage", "cloud"),
    ("gem", "stripe", "payments"),
    ("gem", "plaid", "payments"),
    ("gem", "twilio-ruby", "email-sms"),
    ("gem", "postmark-rails", "email-sms"),
    ("gem", "sentry-ruby", "observability"),
    ("gem", "sentry-rails", "observability"),
    ("gem", "newrelic_rpm", "observability"),
    ("gem", "skylight", "observability"),
    ("npm", "elastic-apm-node", "observability"),  # Elastic's APM agent, unlike its search client below
    ("maven", "co.elastic.apm:apm-agent-api", "observability"),
    ("golang", "go.elastic.co/apm/module/apmhttp", "observability"),
    ("npm", "@dynatrace/oneagent-sdk", "observability"),
    ("gem", "omniauth-auth0", "auth"),
    ("gem", "ruby-openai", "ai"),
    ("gem", "intercom-rails", "messaging"),
    ("gem", "algoliasearch-rails", "search-data"),
    ("golang", "github.com/aws/aws-sdk-go-v2", "cloud"),
    ("golang", "github.com/aws/aws-sdk-go-v2/service/s3", "cloud"),
    ("golang", "cloud.google.com/go/storage", "cloud"),
    ("golang", "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob", "cloud"),
    ("golang", "github.com/stripe/stripe-go", "payments"),  # stripe-go/v76, major suffix dropped
    ("golang", "github.com/getsentry/sentry-go", "observability"),
    ("golang", "gopkg.in/DataDog/dd-trace-go", "observability"),
    ("golang", "github.com/sashabaranov/go-openai", "ai"),
    ("maven", "com.amazonaws:aws-java-sdk-s3", "cloud"),
    ("maven", "software.amazon.awssdk:bom", "cloud"),
    ("maven", "com.google.cloud:google-cloud-storage", "cloud"),
    ("maven", "com.stripe:stripe-java", "payments"),
    ("maven", "io.sentry:sentry-spring-boot-starter", "observability"),
    ("maven", "com.launchdarkly:launchdarkly-java-server-sdk", "feature-flags"),
    ("nuget", "awssdk.s3", "cloud"),
    ("nuget", "azure.storage.blobs", "cloud"),
    ("nuget", "stripe.net", "payments"),
    ("nuget", "sentry.aspnetcore", "observability"),
    ("nuget", "launchdarkly.serversdk", "feature-flags"),
    ("composer", "aws/aws-sdk-php", "cloud"),
    ("composer", "google/cloud-storage", "cloud"),
    ("composer", "stripe/stripe-php", "payments"),
    ("composer", "sentry/sentry-laravel", "observability"),
    ("composer", "twilio/sdk", "email-sms"),
    ("composer", "coconutcraig/laravel-postmark", "email-sms"),
    ("cargo", "aws-sdk-s3", "cloud"),
    ("cargo", "aws-config", "cloud"),
    ("cargo", "async-stripe", "payments"),
    ("cargo", "sentry", "observability"),
    ("cargo", "async-openai", "ai"),
    ("pypi", "django-storages", "cloud"),  # writes the application's files to S3, Azure or Google Cloud
    ("gem", "fog-aws", "cloud"),
    ("composer", "league/flysystem-aws-s3-v3", "cloud"),
    ("terraform", "hashicorp/aws", "cloud"),
    ("terraform", "hashicorp/google", "cloud"),
    ("terraform", "datadog/datadog", "observability"),
]

LIBRARIES = [
    # Ordinary libraries, and a vendor's tooling that never talks to the vendor.
    ("npm", "tinycolor2"),  # a colour helper
    ("npm", "color"),
    ("npm", "@radix-ui/react-hover-card"),  # a UI primitive
    ("npm", "left-pad"),
    ("npm", "react"),
    ("npm", "@opentelemetry/exporter-trace-otlp-http"),  # vendor-neutral telemetry
    ("npm", "@elastic/elasticsearch"),  # a client of software anyone can run
    ("npm", "stripe-mock"),
    ("npm", "azure-devops-node-api-mock"),
    ("pypi", "boto3-stubs"),  # type stubs
    ("pypi", "openai-whisper"),  # a local model
    ("pypi", "colorama"),
    ("pypi", "django"),
    ("pypi", "redis"),
    ("pypi", "opentelemetry-exporter-otlp"),
    ("gem", "paint"),
    ("gem", "rails"),
    ("gem", "aws-eventstream"),
    ("gem", "stripe-ruby-mock"),
    ("golang", "github.com/fatih/color"),
    ("golang", "github.com/aws/smithy-go"),
    ("maven", "com.google.cloud.tools:jib-maven-plugin"),  # a build tool of Google's, no Google Cloud account
    ("maven", "org.springframework.boot:spring-boot-starter-web"),
    ("nuget", "newtonsoft.json"),
    ("composer", "laravel/framework"),
    ("composer", "league/flysystem"),  # the file-system abstraction alone stays on the machine
    ("cargo", "serde"),
    ("cargo", "colored"),
    ("terraform", "hashicorp/random"),
    ("docker", "datadog/agent"),  # images are not catalogued
    ("github-actions", "aws-actions/configure-aws-credentials"),  # nor are actions
]


@pytest.mark.parametrize(("ecosystem", "name", "expected"), VENDORS, ids=[f"{e}:{n}" for e, n, _ in VENDORS])
def test_vendor_packages(ecosystem: str, name: str, expected: str) -> None:
    assert category(ecosystem, name) == expected


@pytest.mark.parametrize(("ecosystem", "name"), LIBRARIES, ids=[f"{e}:{n}" for e, n in LIBRARIES])
def test_libraries_are_no_vendors(ecosystem: str, name: str) -> None:
    assert category(ecosystem, name) is None


def test_the_catalogue_names_only_known_ecosystems_and_categories() -> None:
    assert set(CATALOGUE) <= set(CATEGORIES)
    assert {e for by_ecosystem in CATALOGUE.values() for e in by_ecosystem} <= set(REGISTRY)
    for by_ecosystem in CATALOGUE.values():
        for patterns in by_ecosystem.values():
            assert all(p == p.lower() for p in patterns), patterns  # names are compared lower-cased


def test_every_category_has_a_tested_example() -> None:
    assert {c for _, _, c in VENDORS} == set(CATEGORIES) - {"policy"}


def test_policy_patterns_add_vendors() -> None:
    assert category("npm", "@acme-cloud/sdk", ["@acme-cloud/*"]) == "policy"
    assert category("pypi", "acme-cloud", ["@acme-cloud/*", "acme-cloud*"]) == "policy"
    assert category("npm", "stripe", ["stripe"]) == "payments"  # the catalogue's category first
    assert category("npm", "left-pad", ["@acme-cloud/*"]) is None


POLICY = """\
version: 1
levels: [{name: engineer}, {name: cto}]
classify:
  dependency:
    vendors: ["@acme-cloud/*"]
rules:
  - id: vendor
    level: cto
    when: {type: dependency, kind: added, vendor: true}
"""


def test_findings_name_the_vendor_and_rules_match_it(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".ownership-gate.yaml": POLICY, "package.json": '{"dependencies": {}}'})
    repo.commit({"package.json": '{"dependencies": {"@sentry/node": "^7.0.0", "tinycolor2": "^1.6.0"}}',
                 "api/package.json": '{"dependencies": {"@acme-cloud/sdk": "^1.0.0"}}'})
    code, document = run_json(capsys, "--base", base)
    found = {f["subject"]: (f["vendor"], f["rule"]) for f in findings(document, "dependency")}
    assert found == {"@sentry/node": ("observability", "vendor"), "tinycolor2": (None, None),
                     "@acme-cloud/sdk": ("policy", "vendor")}
    assert levels_by_path(document) == {"package.json": "cto", "api/package.json": "cto"}
    assert code == 1


@pytest.mark.parametrize(("kept", "vendor"), [
    # Another of the vendor's clients stays: one of its services no longer used, the vendor kept.
    ('"@aws-sdk/client-s3": "^3.0.0"', None),
    # The last of them goes: the vendor is dropped.
    ('"tinycolor2": "^1.6.0"', "cloud"),
])
def test_a_vendor_client_removed_beside_another_of_the_vendors(
    repo: Repo, capsys: pytest.CaptureFixture[str], kept: str, vendor: str | None
) -> None:
    policy = POLICY.replace("kind: added", "kind: [added, removed]")
    base = repo.commit({".ownership-gate.yaml": policy, "package.json": (
        '{"dependencies": {"@aws-sdk/client-autoscaling": "^3.0.0", ' + kept + '}}')})
    repo.commit({"package.json": '{"dependencies": {' + kept + '}}'})
    code, document = run_json(capsys, "--base", base)
    [removed] = [f for f in findings(document, "dependency") if f["kind"] == "removed"]
    assert (removed["subject"], removed["vendor"]) == ("@aws-sdk/client-autoscaling", vendor)
    assert code == (1 if vendor else 0)
