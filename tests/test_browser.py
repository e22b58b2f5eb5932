"""The web UI in a real browser: Playwright driving Debian's chromium against `eventledger
serve` on the seeds' and samples' store. Screenshots land in each test's tmp dir."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_serve import seeds_samples_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PROBE = "<script>alert('xss')</script>"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs /usr/bin/chromium (.ci/run installs it with apt-get)")
    pytest.skip("no /usr/bin/chromium: apt-get install -y chromium", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`eventledger serve` as a user starts it, on a free port; its URL."""
    db = seeds_samples_store(tmp_path_factory)
    port = free_port()
    cmd = [sys.executable, "-m", "eventledger", "serve", "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/health", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"serve did not start: {proc.stderr.read()}") from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that fails the test on any script error or alert(). The server's CSP is
    bypassed so the test can evaluate its own checks, and so escaping alone must stop the probe."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    page.on("dialog", lambda d: (errors.append(f"dialog opened: {d.message}"), d.dismiss()))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    yield page
    context.close()
    assert not errors, errors


def test_overview_chart_map_and_table(page, tmp_path):
    bars = page.locator("#chart rect.bar")
    periods = {bars.nth(i).get_attribute("data-period") for i in range(bars.count())}
    assert {"2020", "2022", "2023"} <= periods  # the three Karabakh episodes
    markers = page.locator("#map path.event-marker")
    assert markers.count() >= 5
    assert page.locator('#map path.event-marker[data-place="Stepanakert"]').count() == 1
    assert page.locator("#map path.country").count() > 100  # outlines from world-atlas
    assert page.locator("#events tbody tr").count() == 50
    page.screenshot(path=tmp_path / "overview.png", full_page=True)


def total_of(server: str, **filters) -> int:
    """How many events the API has for these filters: what the table must end up counting."""
    query = urllib.parse.urlencode({**filters, "limit": 1})
    with urllib.request.urlopen(f"{server}/api/events?{query}", timeout=10) as response:
        return json.load(response)["total"]


def wait_for_count(page, total: int) -> None:
    page.wait_for_function(
        "(total) => document.querySelector('#event-count').textContent.endsWith(` of ${total}`)",
        arg=total,
    )


def test_filter_then_open_the_evidence(page, server, tmp_path):
    page.select_option("#filters select[name=type]", "ASSAULT")
    page.select_option("#filters select[name=country]", "UKR")
    wait_for_count(page, total_of(server, type="ASSAULT", country="UKR"))
    rows = page.locator("#events tbody tr")
    assert 0 < rows.count() < 50
    types = rows.locator("td:nth-child(2)").all_inner_texts()
    assert all(t.startswith("ASSAULT") for t in types)
    rows.first.click()
    quote = page.locator("#evidence blockquote.evidence-sentence")
    quote.wait_for()
    sentence = quote.inner_text()
    assert sentence and page.locator("#events tbody tr.selected").count() == 1
    page.screenshot(path=tmp_path / "evidence.png")
    page.locator("#evidence a", has_text="Open in the article").click()
    current = page.locator(".article-text mark.current").first
    current.wait_for()
    assert current.inner_text() in sentence or sentence.startswith(current.inner_text()[:40])
    page.screenshot(path=tmp_path / "article.png", full_page=True)


def test_a_late_answer_to_an_older_filter_is_dropped(page, server):
    """The answer to the first filter arrives after the answer to both; the table keeps both."""
    page.evaluate("""() => {
      const fetchNow = window.fetch;
      window.fetch = async (url, ...rest) => {
        const response = await fetchNow(url, ...rest);
        const q = new URL(url).searchParams;
        if (String(url).includes("/api/events?") && q.get("type") && !q.get("country")) {
          await new Promise((done) => setTimeout(done, 1500));
        }
        return response;
      };
    }""")
    page.select_option("#filters select[name=type]", "ASSAULT")
    page.wait_for_timeout(500)  # the first filter's request is sent (and held back)
    page.select_option("#filters select[name=country]", "UKR")
    both = total_of(server, type="ASSAULT", country="UKR")
    assert both != total_of(server, type="ASSAULT")
    wait_for_count(page, both)
    page.wait_for_timeout(2000)  # the held-back answer has arrived by now
    assert page.locator("#event-count").inner_text().endswith(f" of {both}")


def test_script_in_an_article_stays_text(page, tmp_path):
    page.fill("#filters input[name=q]", "<script>")
    page.wait_for_function("document.querySelectorAll('#events tbody tr').length === 1")
    page.locator("#events tbody tr").first.click()
    assert PROBE in page.locator("#evidence blockquote").inner_text()
    page.locator("#evidence a", has_text="Open in the article").click()
    page.locator(".article-text mark.current").first.wait_for()
    assert PROBE in page.locator(".article-text").inner_text()
    assert page.evaluate("document.querySelectorAll('main script').length") == 0
    page.screenshot(path=tmp_path / "xss.png", full_page=True)


def test_claims_entities_and_articles(page, tmp_path):
    page.goto(page.url.split("#")[0] + "#/claims")
    card = page.locator(".contested-event").first
    card.wait_for()
    assert card.locator(".side.asserted h3").count() == 1
    assert card.locator(".side.denied li").count() >= 1  # the denial with its evidence
    page.wait_for_selector("#claims tbody tr")
    page.select_option("select[name=stance]", "deny")
    page.wait_for_function(
        "[...document.querySelectorAll('#claims tbody tr')]"
        ".every(r => r.children[1].textContent.startsWith('deny'))"
    )
    page.screenshot(path=tmp_path / "claims.png", full_page=True)

    page.goto(page.url.split("#")[0] + "#/entities")
    page.wait_for_selector("#entities tbody tr")
    page.locator("#entities tbody a").first.click()
    page.wait_for_selector("ul.variants li")
    assert page.locator("h2", has_text="Events as source").count() == 1
    assert page.locator("h2", has_text="Events as target").count() == 1
    page.screenshot(path=tmp_path / "entity.png", full_page=True)

    page.goto(page.url.split("#")[0] + "#/articles")
    links = page.locator("#view-articles tbody a")
    links.first.wait_for()
    assert links.count() >= 19


def test_api_docs_render_under_the_csp(browser, server):
    """/docs lists the API's operations with Swagger UI served locally, under the same CSP
    as every page (no CDN, no inline script)."""
    context = browser.new_context()
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda exc: blocked.append(str(exc)))
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/events" in p for p in paths)
    context.close()
    assert not blocked, blocked
