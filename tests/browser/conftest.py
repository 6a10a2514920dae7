"""Browser tests: Debian's Chromium driven by Playwright's sync API against ``live_server``.

Nothing is downloaded: Playwright launches the system Chromium. Without it, every test here
is skipped with a reason saying so.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("RETOS_CHROMIUM", "/usr/bin/chromium"))
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
NO_CHROMIUM = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one per test module.

    Playwright's sync API keeps an asyncio event loop running in the main thread, where Django
    then refuses ORM calls (they are synchronous all the same), so DJANGO_ALLOW_ASYNC_UNSAFE
    is set while the browser lives. Module scope ends the loop, and that setting, before other
    modules' tests run.
    """
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile per test (no cookies carried over), desktop size."""
    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="es-MX"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe():
    return pytest.importorskip("axe_playwright_python.sync_playwright").Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page and fail with a readable list of what it found."""

    def check(page):
        results = axe.run(page)
        violations = results.response["violations"]
        if violations:
            lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
            for v in violations:
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
                for node in v["nodes"][:5]:
                    lines.append(f"    {' '.join(map(str, node['target']))}")
                    lines.append(f"      {node['failureSummary'].replace(chr(10), ' / ')}")
            pytest.fail("\n".join(lines), pytrace=False)

    return check
