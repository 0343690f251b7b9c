"""`report --format html`: one self-contained page, escaped, with inline SVG charts; checked with an HTML
parser, and rendered in a real headless browser when one is installed."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ownership_gate.cli import main
from tests.commands.test_report import _at, _history
from tests.conftest import Repo

VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "line", "circle", "path"}
HOSTILE = "<img src=x onerror=alert(1)> *urgent* & \"quoted\""
AUTHOR = "Eve \"the dev\" & <b>Co</b>"  # git itself drops the angle brackets from a name


class Page(HTMLParser):
    """Every tag, attribute and piece of text, and whether the tags nest properly."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"</{tag}> closes nothing open")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def _page(repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[str, Page]:
    _history(repo, monkeypatch)
    _at(monkeypatch, "2024-01-19T09:00:00Z")
    monkeypatch.setenv("GIT_AUTHOR_NAME", AUTHOR)
    repo.commit({"terraform/<script>alert(2)</script>.tf": "x\n"}, HOSTILE)
    assert main(["report", "--since", "2024-01-14", "--until", "2024-01-20", "--branch", "main",
                 "--format", "html"]) == 0
    html = capsys.readouterr().out
    return html, Page(html)


def test_the_page_is_self_contained_and_runs_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    html, page = _page(repo, capsys, monkeypatch)
    assert html.startswith("<!DOCTYPE html>")
    assert page.errors == [] and page.stack == []
    assert page.named("script") == [] and page.named("img") == [] and page.named("link") == []
    for _, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
        assert not any((value or "").startswith(("http:", "https:", "//")) for name, value in attrs.items()
                       if name in ("src", "href")), attrs
    (csp,) = [m for m in page.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in (csp["content"] or "")


def test_history_text_is_escaped_everywhere(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    html, page = _page(repo, capsys, monkeypatch)
    text = "".join(page.text)
    assert text.count(HOSTILE) == 1  # the subject, shown as typed
    assert 'Eve "the dev" & bCo/b' in text and "Eve &quot;the dev&quot; &amp; bCo/b" in html
    assert "cloud: terraform/<script>alert(2)</script>.tf" in text
    assert "<script" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; *urgent* &amp; &quot;quoted&quot;" in html


def test_four_charts_with_the_weeks_numbers(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, page = _page(repo, capsys, monkeypatch)
    charts = page.named("svg")
    assert len(charts) == 4
    assert all(chart.get("role") == "img" and chart.get("aria-labelledby") for chart in charts)
    text = "".join(page.text)
    for title in ("Went through with no wait", "Decisions by week and level", "Sign-offs given and missing",
                  "Rules that fired most"):
        assert text.count(title) == 2, title  # the section heading and the chart's own title
    # Five commits landed, four needed the CTO: three by rule `cloud`, one by `secrets` (inside the merge).
    assert "1 of 5 commits (20%) needed no sign-off above engineer; 4 waited for one." in text
    assert "cto, week of 2024-01-15: 4" in text  # one stacked bar for the week, by level
    assert "cloud (cto)" in text and "secrets (cto)" in text
    given_and_missing = [t for t in page.text if t.strip() in ("given", "missing")]
    assert given_and_missing == ["given", "missing", "missing", "missing"]  # two bars, then two table cells


def test_a_week_without_decisions(repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _at(monkeypatch, "2024-01-08T09:00:00Z")
    repo.commit({"README.md": "x\n"}, "Start")
    assert main(["report", "--since", "2024-01-01", "--branch", "main", "--until", "2024-01-31",
                 "--format", "html"]) == 0
    page = Page(capsys.readouterr().out)
    text = "".join(page.text)
    assert "No rule asked for sign-off." in text and "No change needed more than engineer sign-off." in text
    assert "1 of 1 commits (100%) needed no sign-off" in text
    assert page.errors == [] and len(page.named("svg")) == 3


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_a_real_browser_renders_it(
    repo: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no headless browser installed (chromium, chromium-browser, google-chrome); "
                    "the HTML parser tests above still check the page")
    html, _ = _page(repo, capsys, monkeypatch)
    page = tmp_path / "week.html"
    page.write_text(html, "utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path}/p"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr
    rendered = Page(dom.stdout)
    assert len(rendered.named("svg")) == 4
    assert rendered.named("script") == [] and rendered.named("img") == []
    assert HOSTILE in "".join(rendered.text)
    shot = tmp_path / "week.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1000,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_the_readme_command_writes_the_page(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    import shlex

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    (line,) = [x for x in readme.splitlines() if x.startswith("ownership-gate report") and "--format html" in x]
    repo.commit({"terraform/main.tf": "x\n"}, "Cloud")  # now, so within "4 weeks ago"
    repo.git("branch", "-M", "main")
    repo.git("remote", "add", "origin", str(repo.root))
    repo.git("fetch", "-q", "origin")
    repo.git("remote", "set-head", "origin", "main")
    argv = shlex.split(line)
    assert main(argv[1:]) == 0
    page = Page((repo.root / "check-in.html").read_text("utf-8"))
    assert page.errors == [] and len(page.named("svg")) == 4
    assert "0 of 1 commits (0%) needed no sign-off above engineer; 1 waited for one." in "".join(page.text)
