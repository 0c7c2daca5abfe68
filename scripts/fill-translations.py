"""Fill empty msgstr entries of the zh_Hans catalogue from a Python dict file.

    .venv/bin/python scripts/fill-translations.py NEW.py   # NEW.py defines ZH = {msgid: 中文}
Prints the msgids still untranslated. Run scripts/translations afterwards to compile.
"""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

CATALOGUE = "translations/zh_Hans/LC_MESSAGES/messages.po"

new = runpy.run_path(sys.argv[1])["ZH"] if len(sys.argv) > 1 else {}
with open(CATALOGUE, "rb") as file:
    catalogue = read_po(file)
for message in catalogue:
    if message.id and not message.string and message.id in new:
        message.string = new[message.id]
with open(CATALOGUE, "wb") as file:
    write_po(file, catalogue, width=100, include_lineno=False)
missing = [m.id for m in catalogue if m.id and not m.string]
print("untranslated:", missing or "none")
