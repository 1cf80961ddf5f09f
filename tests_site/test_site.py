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
from urllib.parse import urlsplit

import nbformat
import pytest

from tools import book, generate, lab

SITE = Path(os.environ.get("BOOK_HTML") or book.OUT / "_build" / "html")
AXE = Path(os.environ.get("AXE_JS") or
           book.ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
PAGES = (["index.html"] + [f"{Path(x['file']).stem}.html" for x in generate.lessons()]
         + ["teaching.html", "search.html", "genindex.html"])
BLOCKING = {"serious", "critical"}
# A "host" that is a file name: Markdown's linkify made a link of "TEACHING.md" in a sentence.
FILE_SUFFIXES = (".md", ".py", ".txt", ".toml", ".ipynb", ".json", ".yml", ".cfg")
LAUNCH = {"Open In Colab": "colab.research.google.com", "Launch Binder": "mybinder.org",
          "Open In Kaggle": "kaggle.com", "View on GitHub": "github.com"}


def stored_alts(name: str) -> list[str]:
    """Return the alt text of every figure a lesson stores, in order."""
    nb = nbformat.read(book.ROOT / "notebooks" / name.replace(".html", ".ipynb"), as_version=4)
    return [out["metadata"]["image/png"]["alt"] for cell in nb.cells
            if cell.cell_type == "code" for out in cell.get("outputs", [])
            if "image/png" in out.get("data", {})]

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


@pytest.fixture(scope="module", params=PAGES)
def opened(request, browser, site_url, requests_log):
    """Yield (name, tab) with one page of the site loaded: its checks share one load."""
    tab = browser.new_page()
    tab.goto(f"{site_url}/{request.param}", wait_until="networkidle")
    assert requests_log.blocked == [], f"{request.param} asked for {requests_log.blocked}"
    yield request.param, tab
    tab.close()


def test_the_site_has_a_page_per_lesson_and_loads_nothing_from_elsewhere(
        page, site_url, requests_log) -> None:
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    nav = page.locator("nav.bd-docs-nav a").all_inner_texts()
    for lesson in generate.lessons():
        assert any(lesson["title"] in text for text in nav), (lesson["title"], nav)
    assert requests_log.blocked == [], requests_log.blocked


def test_every_image_loads_and_says_what_it_shows(opened) -> None:
    name, page = opened
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.currentSrc, e.complete && e.naturalWidth > 0, e.alt])")
    for src, loaded, alt in images:
        assert loaded, f"{name}: the image {src} did not load"
        assert alt.strip() and not alt.startswith("<Figure"), f"{name}: {src} has no alt text"
    figures = page.eval_on_selector_all(".cell_output img", "els => els.map(e => e.alt)")
    if name[0].isdigit():  # a lesson: each figure with the description stored with it
        assert figures == stored_alts(name), f"{name}: the figures' alt text is not the lesson's"
    for alt in figures:
        assert len(alt) >= 40, f"{name}: the alt text {alt!r} does not describe the figure"


def test_every_link_leads_somewhere(opened) -> None:
    name, page = opened
    links = page.eval_on_selector_all(
        "article a[href]", "els => els.map(e => [e.getAttribute('href'), e.textContent.trim()])")
    for href, text in links:
        parts = urlsplit(href)
        assert href not in ("", "#"), f"{name}: the link {text!r} leads nowhere"
        if parts.scheme in ("http", "https"):
            host = parts.hostname or ""
            assert "." in host and not host.endswith(FILE_SUFFIXES), f"{name}: {text!r} {href}"
        elif not parts.scheme:
            target = SITE / (parts.path or name)
            assert target.is_file(), f"{name}: {text!r} leads to a missing {href}"
            if parts.fragment:
                assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8"), (
                    f"{name}: {text!r} leads to {href}, a section that is not there")
    if name[0].isdigit():  # a lesson opens with its launch links, each to its own site
        for text, host in LAUNCH.items():
            hrefs = [h for h, t in links if t == text]
            assert hrefs and urlsplit(hrefs[0]).hostname == host, (name, text, hrefs)


def test_the_maths_is_typeset_offline(opened, site_url) -> None:
    name, page = opened
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


def test_axe_finds_no_serious_or_critical_violation(opened) -> None:
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: run `make test-book`, which installs it (npm)")
    name, page = opened
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                 "where": [n["target"] for n in v["nodes"][:5]]}
                for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: " + json.dumps(blocking, indent=1)


def test_the_tab_key_alone_reaches_every_link(opened) -> None:
    name, page = opened
    links = page.evaluate(JS_MARK_LINKS)
    page.evaluate(JS_LISTEN)
    for _ in range(page.evaluate(JS_FOCUSABLE) + 20):  # links, buttons, scrollable code ...
        page.keyboard.press("Tab")
    reached = set(page.evaluate("() => [...window.tabReached]"))
    missed = [links[k] for k in range(len(links)) if k not in reached]
    assert not missed, f"{name}: Tab never reached {missed[:10]} ({len(missed)} links)"


def test_print_shows_the_lesson_without_the_site_around_it(page, site_url) -> None:
    page.goto(f"{site_url}/04_training_from_scratch.html", wait_until="networkidle")
    assert page.locator(".bd-sidebar-primary").is_visible()
    page.emulate_media(media="print")
    for part in (".bd-sidebar-primary", ".bd-header", ".prev-next-area"):
        assert not page.locator(part).first.is_visible(), f"{part} is printed"
    assert "04 Training from scratch" in page.locator("h1:visible").first.inner_text()
    after = page.eval_on_selector("article a[href^='https://github.com']",
                                  "e => getComputedStyle(e, '::after').content")
    assert "https://github.com" in after, f"a printed link does not show its address: {after}"
    launch = page.eval_on_selector("article a[href*='colab.research.google.com']",
                                   "e => getComputedStyle(e, '::after').content")
    assert launch == "none", "a launch link prints its long address"


def test_axe_and_the_tab_check_catch_a_broken_page(page) -> None:
    """The checks above fail where they should: an image without alt, a link Tab skips."""
    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42"
             "mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    page.set_content(f'<html lang="en"><head><title>t</title></head><body><main>'
                     f'<img src="{pixel}"><a href="#a">first</a> '
                     f'<a href="#b" tabindex="-1">skipped</a></main></body></html>')
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert "image-alt" in {v["id"] for v in result["violations"] if v["impact"] in BLOCKING}
    links = page.evaluate(JS_MARK_LINKS)
    page.evaluate(JS_LISTEN)
    for _ in range(page.evaluate(JS_FOCUSABLE) + 5):
        page.keyboard.press("Tab")
    reached = set(page.evaluate("() => [...window.tabReached]"))
    assert [links[k] for k in range(len(links)) if k not in reached] == ["skipped"]
