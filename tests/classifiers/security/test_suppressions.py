"""Known vulnerabilities a scanner is told to accept (suppressions.py), judged through the CLI on real repositories."""

from __future__ import annotations

import pytest

from tests.conftest import Repo, findings, run_json

DEPENDENCY_CHECK = """\
<?xml version="1.0" encoding="UTF-8"?>
<suppressions xmlns="https://jeremylong.github.io/DependencyCheck/dependency-suppression.1.3.xsd">
  <suppress until="2025-04-25Z">
    <notes>jackson-databind, waiting for the upstream fix</notes>
    <packageUrl regex="true">^pkg:maven/com\\.fasterxml\\.jackson\\.core/jackson\\-databind@.*$</packageUrl>
    <cve>CVE-2023-35116</cve>
  </suppress>
{more}</suppressions>
"""

TOMCAT = """\
  <suppress>
    <notes>Temporary suppression, see the ticket</notes>
    <cve>CVE-2025-24813</cve>
    <cve>CVE-2024-38820</cve>
  </suppress>
"""

CHECKSTYLE = """\
<?xml version="1.0"?>
<!DOCTYPE suppressions PUBLIC "-//Checkstyle//DTD SuppressionFilter Configuration 1.2//EN"
    "https://checkstyle.org/dtds/suppressions_1_2.dtd">
<suppressions>
  <suppress checks="LineLength" files="{files}"/>
</suppressions>
"""


def _details(doc: dict[str, object]) -> list[str]:
    return sorted(str(f["detail"]) for f in findings(doc, "security"))


def test_dependency_check_suppressions_added_ask_the_cto(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "dependency-check-suppressions.xml"
    base = repo.commit({path: DEPENDENCY_CHECK.format(more="")})
    repo.commit({path: DEPENDENCY_CHECK.format(more=TOMCAT)})
    code, doc = run_json(capsys, "--base", base)
    assert _details(doc) == [
        "a known vulnerability is accepted: CVE-2024-38820",
        "a known vulnerability is accepted: CVE-2025-24813",
    ]
    assert {f["level"] for f in findings(doc, "security")} == {"cto"}
    assert code == 1


def test_a_suppression_extended_asks_the_cto_and_one_removed_does_not(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = "config/owasp/suppressions.xml"
    base = repo.commit({path: DEPENDENCY_CHECK.format(more=TOMCAT)})
    repo.commit({path: DEPENDENCY_CHECK.format(more="").replace("2025-04-25Z", "2025-05-25Z")})
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc, "security")
    assert found["detail"] == (
        "accepting a known vulnerability for longer: CVE-2023-35116 in packageUrl"
        " ^pkg:maven/com\\.fasterxml\\.jackson\\.core/jackson\\-databind@.*$ until 2025-05-25 (was 2025-04-25)"
    )
    assert (found["from"], found["to"]) == ("2025-04-25", "2025-05-25")
    assert code == 1


@pytest.mark.parametrize("change", [
    lambda text: text.replace(TOMCAT, ""),  # a suppression removed: the scan is stricter
    lambda text: text.replace("2025-04-25Z", "2025-03-25Z"),  # one ending sooner
    lambda text: text.replace("waiting for the upstream fix", "fixed upstream in 2.16"),  # only its notes
])
def test_tightening_or_rewording_suppressions_is_routine(
    repo: Repo, capsys: pytest.CaptureFixture[str], change: object
) -> None:
    path = "dependency-check-suppressions.xml"
    text = DEPENDENCY_CHECK.format(more=TOMCAT)
    base = repo.commit({path: text})
    repo.commit({path: change(text)})  # type: ignore[operator]
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_checkstyle_suppressions_are_not_vulnerabilities(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "config/checkstyle/checkstyle-suppressions.xml"
    base = repo.commit({path: CHECKSTYLE.format(files="Generated.java")})
    repo.commit({path: CHECKSTYLE.format(files=".*Test.java")})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_suppressions_that_do_not_read_fail_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    path = "dependency-check-suppressions.xml"
    base = repo.commit({path: DEPENDENCY_CHECK.format(more="")})
    repo.commit({path: DEPENDENCY_CHECK.format(more="  <suppress>\n    <cve>CVE-2025-1</cve>\n")})
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc, "security")
    assert found["kind"] == "setting"
    assert str(found["detail"]).startswith("the vulnerability suppressions do not read (line ")
    assert "which known vulnerabilities production accepts cannot be told" in str(found["detail"])
    assert code == 1


# (path, before, after, what the finding says is accepted)
OTHER_SCANNERS = [
    (".trivyignore", "# accepted risks\nCVE-2019-14697 exp:2025-01-01\n",
     "# accepted risks\nCVE-2019-14697 exp:2025-01-01\nCVE-2024-3094\n",
     ["a known vulnerability is accepted: CVE-2024-3094"]),
    (".trivyignore", "CVE-2019-14697 exp:2025-01-01\n", "CVE-2019-14697 exp:2025-06-01\n",
     ["accepting a known vulnerability for longer: CVE-2019-14697 until 2025-06-01 (was 2025-01-01)"]),
    (".trivyignore.yaml", "vulnerabilities:\n  - id: CVE-2022-40897\n    expired_at: 2025-01-01\n",
     "vulnerabilities:\n  - id: CVE-2022-40897\n    expired_at: 2025-01-01\n"
     "  - id: CVE-2023-2650\n    paths: [usr/lib/libssl.so]\n",
     ["a known vulnerability is accepted: CVE-2023-2650 in usr/lib/libssl.so"]),
    (".snyk", "version: v1.25.0\nignore: {}\n",
     "version: v1.25.0\nignore:\n  SNYK-JS-LODASH-567746:\n    - '*':\n        reason: no fix yet\n"
     "        expires: 2025-03-01T00:00:00.000Z\n",
     ["a known vulnerability is accepted: SNYK-JS-LODASH-567746 in * until 2025-03-01"]),
    (".grype.yaml", "ignore: []\n", "ignore:\n  - vulnerability: CVE-2023-44487\n    package:\n      name: golang.org/x/net\n",
     ["a known vulnerability is accepted: {package: {name: golang.org/x/net}, vulnerability: CVE-2023-44487}"]),
    ("osv-scanner.toml", "", '[[IgnoredVulns]]\nid = "GO-2022-0968"\nignoreUntil = 2025-11-09\nreason = "not reachable"\n',
     ["a known vulnerability is accepted: GO-2022-0968 until 2025-11-09"]),
    ("osv-scanner.toml", "", '[[PackageOverrides]]\nname = "lodash"\necosystem = "npm"\nignore = true\n',
     ["a known vulnerability is accepted: every vulnerability of npm lodash"]),
    (".cargo/audit.toml", "[advisories]\nignore = []\n", '[advisories]\nignore = ["RUSTSEC-2020-0071"]\n',
     ["a known vulnerability is accepted: RUSTSEC-2020-0071"]),
    ("deny.toml", "[advisories]\nignore = []\n",
     '[advisories]\nignore = [{ id = "RUSTSEC-2023-0071", reason = "no fix" }]\n',
     ["a known vulnerability is accepted: RUSTSEC-2023-0071"]),
    (".nsprc", "{}\n", '{"1096366": {"active": true, "expiry": "2025-07-01", "notes": "dev only"}}\n',
     ["a known vulnerability is accepted: 1096366 until 2025-07-01"]),
    ("audit-ci.json", '{"low": true, "allowlist": []}\n', '{"low": true, "allowlist": ["GHSA-wf5p-g6vw-rhxx"]}\n',
     ["a known vulnerability is accepted: GHSA-wf5p-g6vw-rhxx"]),
    (".bundler-audit.yml", "---\nignore: []\n", "---\nignore:\n  - CVE-2024-26143\n",
     ["a known vulnerability is accepted: CVE-2024-26143"]),
    (".safety-policy.yml", "security:\n  ignore-vulnerabilities: {}\n",
     "security:\n  ignore-vulnerabilities:\n    62044:\n      reason: pip is only used at build time\n"
     "      expires: '2025-02-01'\n",
     ["a known vulnerability is accepted: 62044 until 2025-02-01"]),
    ("config/brakeman.ignore", '{\n  "ignored_warnings": [],\n  "brakeman_version": "6.1.2"\n}\n',
     '{\n  "ignored_warnings": [\n    {\n      "warning_type": "SQL Injection",\n      "warning_code": 0,\n'
     '      "fingerprint": "6e2b4a5f0c1d2e3f40516273849a5b6c7d8e9f00112233445566778899aabbcc",\n'
     '      "check_name": "SQL",\n      "file": "app/models/concerns/sortable.rb",\n      "line": 12,\n'
     '      "confidence": "Medium",\n      "note": "column names come from an allow list"\n    }\n  ],\n'
     '  "brakeman_version": "6.1.2"\n}\n',
     ["a known vulnerability is accepted: SQL Injection in app/models/concerns/sortable.rb (fingerprint 6e2b4a5f0c1d)"]),
]


@pytest.mark.parametrize(("path", "before", "after", "expected"), OTHER_SCANNERS)
def test_every_scanners_ignore_list_is_read(
    repo: Repo, capsys: pytest.CaptureFixture[str], path: str, before: str, after: str, expected: list[str]
) -> None:
    base = repo.commit({path: before, "README.md": "app\n"})
    repo.commit({path: after})
    code, doc = run_json(capsys, "--base", base)
    assert _details(doc) == expected
    assert code == 1


def test_an_ignore_list_going_the_other_way_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".trivyignore": "CVE-2019-14697\nCVE-2024-3094 exp:2025-06-01\n",
                        "deny.toml": '[advisories]\nignore = ["RUSTSEC-2020-0071"]\n'})
    repo.commit({".trivyignore": "CVE-2024-3094 exp:2025-02-01\n", "deny.toml": "[advisories]\nignore = []\n"})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_suppressions_in_test_fixtures_are_not_read(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({"README.md": "app\n"})
    repo.commit({"tests/fixtures/scanner/.trivyignore": "CVE-2024-3094\n"})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == []
    assert code == 0


def test_a_binary_ignore_file_fails_closed(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit({".trivyignore": "CVE-2019-14697\n"})
    repo.commit({".trivyignore": b"\xff\xfeC\x00V\x00E\x00-\x002\x000\x002\x004\x00\n\x00"})  # UTF-16
    code, doc = run_json(capsys, "--base", base)
    [found] = findings(doc, "security")
    assert found["detail"].startswith("the vulnerability suppressions do not read: binary content")
    assert code == 1


def test_a_brakeman_warning_fixed_or_only_moved_is_routine(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    warning = ('{"warning_type": "Cross-Site Scripting", "fingerprint": "0100f43cff244a9642eb012b25ddde1d", '
               '"file": "app/views/frameworks/show.html.erb", "line": %d, "note": ""}')
    base = repo.commit({"config/brakeman.ignore": '{"ignored_warnings": [%s]}\n' % (warning % 5)})
    # The same warning on another line of its file: Brakeman matches it by its fingerprint, which is the same.
    repo.commit({"config/brakeman.ignore": '{"ignored_warnings": [%s]}\n' % (warning % 9)})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0
    # Fixed, so no longer ignored.
    repo.commit({"config/brakeman.ignore": '{"ignored_warnings": []}\n'})
    code, doc = run_json(capsys, "--base", base)
    assert findings(doc, "security") == [] and code == 0
