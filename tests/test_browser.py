"""The web page in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright's Python API).

The app runs under uvicorn on 127.0.0.1 in a background thread, over the fake models of `test_web.py`.
No browser is ever downloaded: without /usr/bin/chromium the tests are skipped. Set
PLAYLISTREC_SCREENSHOT=path.png to keep a screenshot of the rendered page for a look.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from test_web import XSS_TITLE, XSS_TRACK, fake_service

from playlistrec.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"),
]


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app over fake models, served by uvicorn in a daemon thread for the module's tests."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(fake_service()), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright (no `playwright install`)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page on the app, with every JavaScript dialog recorded (and dismissed) in `page.dialogs`."""
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base_url)
    page.wait_for_selector("#model option", state="attached")  # the model list has loaded
    yield page
    context.close()


def playlist_rows(page) -> list[list[str]]:
    """The rendered playlist table's cells, row by row."""
    page.wait_for_selector("#playlist tbody tr")
    return page.eval_on_selector_all(
        "#playlist tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )


def test_title_to_playlist(page):
    assert page.input_value("#model") == "blend"
    page.fill("#title", "summer vibes")
    page.select_option("#n", "10")
    page.click("#submit")
    rows = playlist_rows(page)
    assert rows[1] == ["2", "Summer Breeze", "The Waves", "open"]
    assert len(rows) == 6  # the fake catalogue has six tracks
    assert page.text_content("#result-heading") == "6 tracks for “summer vibes” · blend"
    link = page.get_attribute("#playlist tbody tr:nth-child(2) a", "href")
    assert link == "https://open.spotify.com/track/" + "1".zfill(22)


def test_seed_search_adds_a_seed_that_is_left_out_of_the_playlist(page):
    page.fill("#seed-search", "breeze waves")
    page.click("#search-results .hit")
    assert page.text_content("#seeds .chip").startswith("Summer Breeze — The Waves")
    page.select_option("#model", "popular")
    page.click("#submit")
    rows = playlist_rows(page)
    assert "Summer Breeze" not in [row[1] for row in rows]
    assert page.text_content("#result-heading") == "5 tracks for your seed tracks · popular"


def test_errors_are_shown_in_the_page_until_the_query_changes(page):
    page.click("#submit")  # no title, no seeds
    page.wait_for_selector("#status.error")
    assert page.text_content("#status") == "give a playlist title or at least one seed track"
    page.type("#title", "r")  # the error was about the old query
    assert page.text_content("#status") == "" and page.locator("#status.error").count() == 0


def test_a_fallback_is_noted_under_the_heading(page):
    page.select_option("#model", "exact_title")
    page.fill("#title", "summer vibes")
    page.click("#submit")
    playlist_rows(page)
    assert page.text_content("#result-note") == "Note: popularity: no training title matches"
    page.fill("#title", "rainy days")
    page.select_option("#n", "10")
    page.click("#submit")
    page.locator("#result-note", has_text="rank 3").wait_for()
    assert page.text_content("#result-note") == (
        "Note: popularity from rank 3: the model scores only 2 tracks for this query"
    )


def test_the_page_fits_a_phone_screen(browser, base_url):
    """At 390 px wide (a phone) nothing scrolls sideways, the playlist table included."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url)
    page.wait_for_selector("#model option", state="attached")
    page.fill("#title", "a rather long playlist title for a small screen")
    page.click("#submit")
    playlist_rows(page)
    page_width = page.evaluate("document.documentElement.scrollWidth")
    table = page.locator("#playlist").bounding_box()
    assert page_width <= 390 and table["x"] >= 0 and table["x"] + table["width"] <= 390, (page_width, table)
    if screenshot := os.environ.get("PLAYLISTREC_PHONE_SCREENSHOT"):
        page.screenshot(path=screenshot, full_page=True)
    context.close()


def test_xss_probe_shows_as_text_and_runs_nothing(page):
    page.fill("#title", XSS_TITLE)
    page.click("#submit")
    rows = playlist_rows(page)
    assert rows[0][1] == XSS_TRACK
    assert page.text_content("#result-heading") == f"6 tracks for “{XSS_TITLE}” · blend"
    page.fill("#seed-search", "onerror")
    page.wait_for_selector("#search-results .hit")
    assert page.text_content("#search-results .hit .name") == XSS_TRACK
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    page.wait_for_timeout(300)  # give a would-be onerror handler time to fire
    assert page.dialogs == []
    if screenshot := os.environ.get("PLAYLISTREC_SCREENSHOT"):
        page.screenshot(path=screenshot, full_page=True)
