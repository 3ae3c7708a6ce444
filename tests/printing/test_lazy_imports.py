"""A web worker that never prints or exports does not load the printing and export libraries.

fpdf2 with fontTools (~40 MB with numpy), numpy, pypdf (~18 MB), openpyxl (~20 MB), XlsxWriter
(no longer used) and Alembic (~10 MB) were imported with the views; issue #17 asks for an app worker under
150 MB. Each check runs in a fresh interpreter, where sys.modules shows what was imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fpdf", "fontTools", "numpy", "pypdf", "openpyxl", "xlsxwriter", "alembic",
         "flask_migrate", "qrcode")

# Builds a small fair in a SQLite file and serves the pages a visitor and a logged-in buyer
# open most (home, catalogue, lot page, organisation, agenda), then lists what was imported.
SERVE_PAGES = """
import json, sys
from matchmaker import create_app
from matchmaker.config import TestConfig
from matchmaker.extensions import db
from tests.factories import login, make_event, make_lot, make_user
from matchmaker.services import events

class Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

HEAVY = json.loads(sys.argv[2])
app = create_app(Config)
imported = {"loaded": sorted(m for m in HEAVY if m in sys.modules)}
with app.app_context():
    db.create_all()
    lot = make_lot()
    event = make_event()
    events.register_exhibitor(event, lot.organisation, "A-01")
    db.session.commit()
    buyer = make_user("buyer")
    visitor, client = app.test_client(), app.test_client()
    login(client, buyer)
    statuses = {}
    for name, who in (("visitor", visitor), ("buyer", client)):
        for path in ("/", "/lots/", f"/lots/{lot.lot_code}", "/lots/?sort=price",
                     f"/organisations/{lot.organisation.slug}",
                     "/agenda/" if who is client else "/lots/?q=cacao"):
            statuses[f"{name} {path}"] = who.get(path).status_code
imported["served"] = sorted(m for m in HEAVY if m in sys.modules)
imported["statuses"] = statuses
print(json.dumps(imported))
"""


def _run(code: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()[-1]


def test_app_and_main_pages_do_not_import_printing_libraries(tmp_path) -> None:
    result = json.loads(_run(SERVE_PAGES, f"sqlite:///{tmp_path / 'fair.sqlite'}", json.dumps(HEAVY)))
    assert result["loaded"] == []
    assert {path: status for path, status in result["statuses"].items() if status != 200} == {}
    assert result["served"] == []


def test_printing_and_migrations_still_import_them_on_demand(tmp_path) -> None:
    code = (
        "import sys\n"
        "from matchmaker.printing.pdf import add_qr, new_document\n"
        "from matchmaker.printing.tabular import xlsx_file\n"
        "pdf = new_document('t', 'es'); pdf.add_page()\n"
        "add_qr(pdf, 'https://fair.test/q/abc', 10, 10, 30)\n"
        "assert bytes(pdf.output()).startswith(b'%PDF-')\n"
        "xlsx_file(['a'], [['b']], 't')\n"
        "print(sorted(m for m in ('fpdf', 'numpy', 'qrcode') if m in sys.modules))\n"
    )
    assert _run(code) == "['fpdf', 'numpy', 'qrcode']"


def test_migration_commands_work_without_flask_migrate_at_start(tmp_path) -> None:
    """`flask db …` is registered without importing Flask-Migrate; running it imports it."""
    code = (
        "import sys\n"
        "from matchmaker import create_app\n"
        "from matchmaker.config import TestConfig\n"
        "class Config(TestConfig):\n"
        "    SQLALCHEMY_DATABASE_URI = sys.argv[1]\n"
        "app = create_app(Config)\n"
        "before = 'alembic' in sys.modules\n"
        "result = app.test_cli_runner().invoke(args=['db', 'upgrade'])\n"
        "assert result.exit_code == 0, result.output\n"
        "import sqlalchemy as sa\n"
        "from matchmaker.extensions import db\n"
        "with app.app_context():\n"
        "    tables = set(sa.inspect(db.engine).get_table_names())\n"
        "print(before, 'alembic' in sys.modules, {'alembic_version', 'lot'} <= tables)\n"
    )
    assert _run(code, f"sqlite:///{tmp_path / 'migrated.sqlite'}") == "False True True"
