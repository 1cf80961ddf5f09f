"""The series' website (`make book`) in a real browser: `make test-book`.

The built site is served on loopback and every page is opened in chromium (Playwright), which
may reach nothing else: every image loads and has alt text, the maths is typeset by the
site's own MathJax, search finds a lesson's words, axe-core finds no serious or critical
accessibility violation, and the Tab key alone reaches every link.
"""

from __future__ import annotations

import json
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tools import book, generate, lab

SITE = Path(os.environ.get("BOOK_HTML") or book.OUT / "_build" / "html")
AXE = Path(os.environ.get("AXE_JS") or
           book.ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
PAGES = (["index.html"] + [f"{Path(x['file']).stem}.html" for x in generate.lessons()]
         + ["teaching.html", "search.html", "genindex.html"])
BLOCKING = {"serious", "critical"}

# Visible links and other elements the Tab key should reach, each marked with its index.
JS_MARK_LINKS = """() => {
  // Rendered and not hidden: not in a closed <details>, a collapsed menu or display: none.
  const links = [...document.querySelectorAll("a[href]")].filter(
    (el) => el.checkVisibility({visibilityProperty: true}) && el.getClientRects().length);
  links.forEach((el, k) => el.setAttribute("data-tab-k", String(k)));
  return links.map((el) => el.textContent.trim().slice(0, 60) || el.getAttribute("aria-label")
                   || el.getAttribute("href"));
}"""
JS_FOCUSABLE = """() => document.querySelectorAll(
  'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])').length"""
# Record every marked link that receives the keyboard focus.
JS_LISTEN = """() => {
  window.tabReached = new Set();
  document.addEventListener("focusin", (event) => {
    const k = event.target.getAttribute && event.target.getAttribute("data-tab-k");
    if (k !== null) window.tabReached.add(Number(k));
  });
}"""


class QuietHandler(SimpleHTTPRequestHandler):
    """Serve the site's files without a log line per request."""

    def log_message(self, *args: object) -> None:
        """Log nothing."""


@pytest.fixture(scope="module")
def site_url():
    """Yield the address of the built site, served on loopback."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"no site at {SITE}: run `make test-book` (it builds it with `make book`)")
    server = ThreadingHTTPServer(("127.0.0.1", lab.free_port()),
                                 partial(QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def requests_log() -> lab.RequestLog:
    """Return the log of the requests the pages made to anywhere but loopback."""
    return lab.RequestLog()


@pytest.fixture(scope="module")
def browser(site_url, requests_log):
    """Yield a chromium context that reaches loopback only."""
    if not Path(lab.CHROMIUM).exists():
        pytest.fail(f"no chromium at {lab.CHROMIUM}: run `make test-book`, which installs it")
    with lab.chromium(requests_log) as context:
        yield context


@pytest.fixture
def page(browser):
    """Yield a new tab, closed afterwards."""
    tab = browser.new_page()
    yield tab
    tab.close()


def test_the_site_has_a_page_per_lesson_and_loads_nothing_from_elsewhere(
        page, site_url, requests_log) -> None:
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    nav = page.locator("nav.bd-docs-nav a").all_inner_texts()
    for lesson in generate.lessons():
        assert any(lesson["title"] in text for text in nav), (lesson["title"], nav)
    assert requests_log.blocked == [], requests_log.blocked


@pytest.mark.parametrize("name", PAGES)
def test_every_image_loads_and_says_what_it_shows(page, site_url, name) -> None:
    page.goto(f"{site_url}/{name}", wait_until="networkidle")
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.currentSrc, e.complete && e.naturalWidth > 0, e.alt])")
    for src, loaded, alt in images:
        assert loaded, f"{name}: the image {src} did not load"
        assert alt.strip() and not alt.startswith("<Figure"), f"{name}: {src} has no alt text"
    figures = page.eval_on_selector_all(".cell_output img", "els => els.map(e => e.alt)")
    if name.startswith(tuple("0123456789")):
        assert figures, f"{name} shows no figure"
    for alt in figures:
        assert len(alt) >= 40, f"{name}: the alt text {alt!r} does not describe the figure"


@pytest.mark.parametrize("name", [p for p in PAGES if p[0].isdigit()])
def test_the_maths_is_typeset_offline(page, site_url, name) -> None:
    page.goto(f"{site_url}/{name}", wait_until="networkidle")
    maths = page.locator(".math").count()
    if not maths:
        pytest.skip(f"{name} has no maths")
    page.wait_for_function(
        "(n) => document.querySelectorAll('mjx-container').length >= n", arg=maths,
        timeout=60_000)
    assert page.locator("mjx-merror").count() == 0, f"{name}: MathJax could not read a formula"
    script = page.eval_on_selector("script[src*='tex-chtml']", "e => e.src")
    assert script.startswith(site_url), f"MathJax came from {script}, not from the site"


def test_search_finds_backpropagation(page, site_url) -> None:
    page.goto(f"{site_url}/search.html?q=backpropagation", wait_until="networkidle")
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=60_000)
    found = results.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(href.startswith("04_training_from_scratch.html") for href in found), found


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(page, site_url, name) -> None:
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: run `make test-book`, which installs it (npm)")
    page.goto(f"{site_url}/{name}", wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                 "where": [n["target"] for n in v["nodes"][:5]]}
                for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: " + json.dumps(blocking, indent=1)


@pytest.mark.parametrize("name", PAGES)
def test_the_tab_key_alone_reaches_every_link(page, site_url, name) -> None:
    page.goto(f"{site_url}/{name}", wait_until="networkidle")
    links = page.evaluate(JS_MARK_LINKS)
    page.evaluate(JS_LISTEN)
    for _ in range(page.evaluate(JS_FOCUSABLE) + 20):  # links, buttons, scrollable code ...
        page.keyboard.press("Tab")
    reached = set(page.evaluate("() => [...window.tabReached]"))
    missed = [links[k] for k in range(len(links)) if k not in reached]
    assert not missed, f"{name}: Tab never reached {missed[:10]} ({len(missed)} links)"
