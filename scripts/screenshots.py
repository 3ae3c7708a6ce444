"""Screenshots of the main screens of each role, for reviewers who do not run the product.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Builds the demo fair in a throw-away SQLite database (seed-demo plus one roundtable run),
serves it on a free local port in a thread, and has Debian's Chromium (through Playwright)
log in as each role and photograph the screens listed in matchmaker/demo/tour.py at a phone's
390×844 and a laptop's 1366×768. PNGs are reduced to a 256-colour palette (a few tens of KB
each) and listed in <out>/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "locale": "es-PE", "device_scale_factor": 1},
    "laptop": {"viewport": {"width": 1366, "height": 768}, "locale": "en-GB",
               "device_scale_factor": 1},
}
ROLE_TITLES = {"anonymous": "Visitor (not logged in)", "buyer": "Buyer", "rep": "Rep (exhibitor)",
               "organiser": "Organiser"}


def build_app(database: Path):
    """The app on a fresh file database holding the demo fair and its roundtable."""
    from matchmaker import create_app
    from matchmaker.config import Config

    class ScreenshotConfig(Config):
        SECRET_KEY = "screenshots-only"  # noqa: S105 (a throw-away local server)
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        JOBS_IMMEDIATE = True
        JOBS_QUEUE_URL = "memory://"
        RATELIMIT_ENABLED = False
        MAIL_SERVER = ""
        UPLOAD_FOLDER = str(database.parent / "uploads")
        JOB_FILES_FOLDER = str(database.parent / "job-files")

    app = create_app(ScreenshotConfig)
    from matchmaker.demo import seed_demo, tour
    from matchmaker.extensions import db

    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        db.create_all()
        seed_demo()
        tour.prepare_roundtable()
    return app


def compress(png: bytes) -> bytes:
    """A 256-colour palette PNG: UI screenshots stay sharp at a fraction of the size."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def shoot(app, url: str, out: Path, chromium: str) -> list[tuple[str, str, str, str]]:
    from playwright.sync_api import sync_playwright

    from matchmaker.demo import tour

    with app.app_context(), app.test_request_context():
        screens = tour.main_screens()
    taken = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--no-sandbox", "--disable-gpu"])
        for size, options in SIZES.items():
            for role, email in tour.ACCOUNTS.items():
                context = browser.new_context(base_url=url, **options)
                context.set_default_timeout(20_000)
                page = context.new_page()
                if email:
                    page.goto("/login")
                    page.fill("#email", email)
                    page.fill("#password", tour.PASSWORD)
                    page.locator("main form button[type=submit]").click()
                    page.wait_for_load_state()
                for screen in (s for s in screens if s.role == role):
                    page.goto(screen.path)
                    page.wait_for_load_state("networkidle")
                    name = f"{role}-{screen.key}-{size}.png"
                    (out / name).write_bytes(compress(page.screenshot()))
                    taken.append((role, screen.title, size, name))
                    print(f"  {name}")
                context.close()
        browser.close()
    return taken


def write_index(out: Path, taken: list[tuple[str, str, str, str]]) -> None:
    lines = [
        "# Screenshots",
        "",
        "The main screens of each role in the demo fair, at a phone's 390×844 and a laptop's",
        "1366×768, the visible part of each page, in each demo account's language (visitors:",
        "Spanish on the phone, English on the laptop). Made by",
        "`.venv/bin/python scripts/screenshots.py` (demo data, a local server it starts itself,",
        "Debian's Chromium); run it again after a visible change and commit the PNGs.",
        "",
    ]
    for role, role_title in ROLE_TITLES.items():
        rows = [t for t in taken if t[0] == role]
        if not rows:
            continue
        lines += [f"## {role_title}", "", "| screen | phone 390×844 | laptop 1366×768 |",
                  "|---|---|---|"]
        titles = list(dict.fromkeys(title for _r, title, _s, _n in rows))
        for title in titles:
            cells = {size: name for _r, t, size, name in rows if t == title}
            links = [f"[{cells[s]}]({cells[s]})" if s in cells else "—" for s in SIZES]
            lines.append(f"| {title} | {links[0]} | {links[1]} |")
        lines.append("")
    (out / "README.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    args = parser.parse_args()
    chromium = args.chromium if Path(args.chromium).exists() else shutil.which("chromium")
    if not chromium:
        sys.exit("Chromium not found: apt-get install -y chromium")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()

    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per screenshot is enough

    with tempfile.TemporaryDirectory() as workdir:
        print("Building the demo fair…")
        app = build_app(Path(workdir) / "demo.sqlite")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = url
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            print(f"Photographing {url} …")
            taken = shoot(app, url, out, chromium)
        finally:
            server.shutdown()
            thread.join(5)
    write_index(out, taken)
    total = sum(p.stat().st_size for p in out.glob("*.png"))
    print(f"{len(taken)} screenshots, {total / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
