"""Fill empty msgstr entries of the zh_Hans catalog from scripts/zh_hans.json; report what is left."""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "xinfang/locale/zh_Hans/LC_MESSAGES/django.po"
# One table for the core apps, plus one file per app under scripts/zh_hans/ (fewer edit clashes).
TABLE = json.loads((ROOT / "scripts/zh_hans.json").read_text(encoding="utf-8"))
for extra in sorted((ROOT / "scripts/zh_hans").glob("*.json")):
    TABLE.update(json.loads(extra.read_text(encoding="utf-8")))

entry = re.compile(r'msgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ""\n(?!")')


def unquote(block: str) -> str:
    return "".join(json.loads(line) for line in block.strip().split("\n"))


missing = []


def fill(match: re.Match) -> str:
    msgid = unquote(match.group(1))
    if not msgid:
        return match.group(0)
    text = TABLE.get(msgid)
    if text is None:
        missing.append(msgid)
        return match.group(0)
    return f"msgid {match.group(1)}msgstr {json.dumps(text, ensure_ascii=False)}\n"


source = PO.read_text(encoding="utf-8")
# Only the header's fuzzy flag: removing the first one found could unflag a real entry's guess.
header, sep, rest = source.partition("\n\n")
source = header.replace("#, fuzzy\n", "", 1) + sep + rest


def unfuzz(block: str) -> str:
    """msgmerge guesses a translation from a similar msgid and marks it fuzzy; compilemessages
    skips fuzzy entries, so the guess is dropped and the entry filled from the table instead."""
    if "#, fuzzy" not in block or "msgstr[" in block or '\nmsgid ""\nmsgstr' in "\n" + block:
        return block
    lines = [ln for ln in block.split("\n") if not ln.startswith("#|")]
    lines = [ln.replace(", fuzzy", "") if ln.startswith("#,") else ln for ln in lines]
    lines = [ln for ln in lines if ln.strip() != "#,"]
    text = "\n".join(lines)
    return re.sub(r'\nmsgstr (?:"(?:[^"\\]|\\.)*"\n?)+$', '\nmsgstr ""', text.rstrip("\n"))


source = "\n\n".join(unfuzz(b) for b in source.split("\n\n"))
if not source.endswith("\n"):
    source += "\n"
PO.write_text(entry.sub(fill, source), encoding="utf-8")
for m in missing:
    print("untranslated:", m)
sys.exit(1 if missing and "--strict" in sys.argv else 0)
