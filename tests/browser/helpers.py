"""What the browser tests share: screenshots to look at, and signing in through the form."""

import os
from pathlib import Path

PASSWORD = "contrasena-segura-123"  # the factories' password
SHOTS = os.environ.get("RETOS_SCREENSHOTS")
DESKTOP = {"width": 1280, "height": 900}


def shoot(page, name):
    """With RETOS_SCREENSHOTS=/dir, keep the page as screenshots one screen high each."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    view = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    for i, top in enumerate(range(0, height, view["height"])):
        clip = {
            "x": 0,
            "y": top,
            "width": view["width"],
            "height": min(view["height"], height - top),
        }
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{i}.png"), full_page=True, clip=clip)


def log_in(page, live_server, user, *, next_url):
    """Sign in with the log-in form and land on ``next_url``."""
    prefix = "/en" if next_url.startswith("/en/") else ""
    page.goto(f"{live_server.url}{prefix}/cuenta/entrar/?next={next_url}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type='submit']").click()
    page.wait_for_url(live_server.url + next_url)


def sign_in(browser, live_server, user, *, next_url, **options):
    """A fresh browser profile, signed in as ``user``."""
    context = browser.new_context(viewport=DESKTOP, locale="es-MX", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, live_server, user, next_url=next_url)
    return page
