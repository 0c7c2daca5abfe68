"""Every user-facing text has its Chinese, and the compiled catalogue matches the source."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES"


def test_every_msgid_is_translated_and_compiled(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).parent / "pybabel", "--quiet", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "N_", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )  # fmt: skip
    with pot.open("rb") as file:
        wanted = {m.id for m in read_po(file) if m.id}
    assert {"Sign in", "Pass review", "General convener"} <= wanted  # the extraction saw the code
    with (CATALOGUE / "messages.po").open("rb") as file:
        translated = {m.id: m.string for m in read_po(file) if m.id}
    with (CATALOGUE / "messages.mo").open("rb") as file:
        compiled = {m.id: m.string for m in read_mo(file) if m.id}

    missing = sorted(m for m in wanted if not translated.get(m))
    assert missing == [], "run scripts/translations and translate these"
    stale = sorted(m for m in wanted if compiled.get(m) != translated[m])
    assert stale == [], "run scripts/translations to compile the catalogue"
