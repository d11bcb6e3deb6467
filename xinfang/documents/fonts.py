"""The typefaces of a notice (GB/T 9704-2012): 仿宋 for the text, 小标宋 for the title and the issuing
body's mark, 黑体 for first-level headings, 宋体 for page numbers.

The official typefaces (方正小标宋, 仿宋_GB2312, ...) are not free. Each role takes the first of its
candidates that this machine has, the licensed ones first, then the closest free fonts Debian
ships (docs/configuration.md, "Notice typefaces"):

- 仿宋: FandolFang (package texlive-lang-chinese; outside fontconfig's folders, loaded by path)
- 小标宋: Noto Serif CJK SC Black (fonts-noto-cjk-extra), else Bold (fonts-noto-cjk)
- 黑体: Noto Sans CJK SC (fonts-noto-cjk), else WenQuanYi Zen Hei (fonts-wqy-zenhei)
- 宋体: Noto Serif CJK SC (fonts-noto-cjk)

Every stack ends in Noto Serif CJK SC and WenQuanYi Zen Hei, which draw a character the chosen
font lacks (rare characters in names). XINFANG_PDF_FONT (setting, else environment) names the
text font's file(s) instead: a configured font is used or refused, never silently replaced.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

INSTALL_HINT = (
    "apt-get install texlive-lang-chinese fonts-noto-cjk fonts-wqy-zenhei fontconfig "
    "(FandolFang 仿宋, Noto CJK 宋体/黑体, WenQuanYi fallback)"
)

# Font files that fontconfig does not index, by role (Debian paths).
FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")

# fontconfig weights: 80 regular, 200 bold, 210 black.
REGULAR, BOLD, BLACK = 80, 200, 210
CSS_WEIGHT = {REGULAR: 400, BOLD: 700, BLACK: 900}


@dataclass(frozen=True)
class Candidate:
    family: str = ""  # a fontconfig family name
    weight: int = REGULAR
    path: str = ""  # or a font file fontconfig does not know


ROLES: dict[str, tuple[Candidate, ...]] = {
    "fangsong": (
        Candidate("FangSong_GB2312"),
        Candidate("仿宋_GB2312"),
        Candidate("FangSong"),
        Candidate("仿宋"),
        Candidate(path=str(FANDOL / "FandolFang-Regular.otf")),
        Candidate("Noto Serif CJK SC"),
        Candidate("AR PL UMing CN"),
        Candidate("WenQuanYi Zen Hei"),
    ),
    "xiaobiaosong": (
        Candidate("方正小标宋简体"),
        Candidate("FZXiaoBiaoSong-B05S"),
        Candidate("方正小标宋_GBK"),
        Candidate("Noto Serif CJK SC", BLACK),
        Candidate("Noto Serif CJK SC", BOLD),
        Candidate(path=str(FANDOL / "FandolSong-Bold.otf")),
        Candidate("WenQuanYi Zen Hei"),
    ),
    "heiti": (
        Candidate("黑体"),
        Candidate("SimHei"),
        Candidate("Noto Sans CJK SC"),
        Candidate(path=str(FANDOL / "FandolHei-Regular.otf")),
        Candidate("WenQuanYi Zen Hei"),
    ),
    "songti": (
        Candidate("宋体"),
        Candidate("SimSun"),
        Candidate("Noto Serif CJK SC"),
        Candidate(path=str(FANDOL / "FandolSong-Regular.otf")),
        Candidate("AR PL UMing CN"),
        Candidate("WenQuanYi Zen Hei"),
    ),
}
# Drawn when the chosen font lacks a character.
FALLBACK_FAMILIES = ("Noto Serif CJK SC", "WenQuanYi Zen Hei")


class FontNotFound(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class Face:
    """A font chosen for a role: its CSS family and weight, and its file for the glyph check."""

    role: str
    family: str
    weight: int
    file: str
    index: int = 0
    from_path: bool = False

    @property
    def css_weight(self) -> int:
        return CSS_WEIGHT.get(self.weight, 400)


def configured_font_paths() -> list[str]:
    """XINFANG_PDF_FONT (setting, else environment): one path, or several separated by os.pathsep."""
    value = getattr(settings, "XINFANG_PDF_FONT", None) or os.environ.get("XINFANG_PDF_FONT", "")
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [p for p in str(value).split(os.pathsep) if p]


@functools.cache
def _installed() -> dict[tuple[str, int], tuple[str, int]]:
    """(family, weight) → (file, index) for every font fontconfig knows (one fc-list call)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return {}
    out = subprocess.run(
        [fc_list, "--format", "%{family}\t%{weight}\t%{file}\t%{index}\n"],
        capture_output=True,
        check=False,
        text=True,
    ).stdout
    found: dict[tuple[str, int], tuple[str, int]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        families, weight, file, index = parts
        try:
            key_weight, key_index = int(float(weight.split()[0].strip("[]"))), int(index)
        except (ValueError, IndexError):
            continue
        for family in families.split(","):
            found.setdefault((family.strip(), key_weight), (file, key_index))
    return found


def _pick(role: str, candidates: tuple[Candidate, ...]) -> Face | None:
    installed = _installed()
    for c in candidates:
        if c.path:
            if Path(c.path).is_file():
                return Face(role, f"XF {role}", c.weight, c.path, 0, from_path=True)
            continue
        hit = installed.get((c.family, c.weight))
        if hit is not None:
            return Face(role, c.family, c.weight, hit[0], hit[1])
    return None


@functools.cache
def _faces(configured: tuple[str, ...]) -> dict[str, Face]:
    faces: dict[str, Face] = {}
    if configured:
        usable = [p for p in configured if Path(p).is_file()]
        if not usable:
            raise FontNotFound(
                "XINFANG_PDF_FONT names no usable font file ("
                + "; ".join(f"{p}: not found" for p in configured)
                + f"). Fix the setting, or unset it and {INSTALL_HINT}."
            )
        faces["fangsong"] = Face("fangsong", "XF fangsong", REGULAR, usable[0], 0, True)
    for role, candidates in ROLES.items():
        if role in faces:
            continue
        face = _pick(role, candidates)
        if face is None:
            raise FontNotFound(
                f"No Chinese font for notices ({role}): fontconfig finds none of "
                + ", ".join(c.family or c.path for c in candidates)
                + f". {INSTALL_HINT}."
            )
        faces[role] = face
    return faces


def faces() -> dict[str, Face]:
    """The font of every role (found once per process and configuration)."""
    return _faces(tuple(configured_font_paths()))


def font_faces_css() -> str:
    """@font-face rules for the fonts loaded by path."""
    rules = []
    for face in faces().values():
        if face.from_path:
            url = Path(face.file).resolve().as_uri()
            rules.append(f'@font-face {{ font-family: "{face.family}"; src: url("{url}"); }}')
    return "\n".join(rules)


def stack(role: str) -> str:
    """The CSS font-family list of a role: its font, then the fallbacks."""
    names = [faces()[role].family, *FALLBACK_FAMILIES]
    unique = list(dict.fromkeys(names))
    return ", ".join(f'"{n}"' for n in unique) + ", serif"


def weight(role: str) -> int:
    return faces()[role].css_weight


@functools.cache
def _cmap(file: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(file, fontNumber=index, lazy=True)
    return frozenset(font.getBestCmap() or {})


def _fallback_cmaps() -> list[frozenset[int]]:
    installed = _installed()
    return [_cmap(*installed[(f, REGULAR)]) for f in FALLBACK_FAMILIES if (f, REGULAR) in installed]


def covers(role: str, text: str) -> bool:
    """Whether the chosen font of `role` itself draws every character of `text`."""
    face = faces()[role]
    cmap = _cmap(face.file, face.index)
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


def missing_glyphs(text: str) -> list[str]:
    """Characters that neither the text font nor a fallback can draw (blank boxes on paper)."""
    body = faces()["fangsong"]
    cmaps = [_cmap(body.file, body.index), *_fallback_cmaps()]
    return sorted({ch for ch in text if not ch.isspace() and not any(ord(ch) in c for c in cmaps)})


def describe() -> str:
    """Which font each role uses, for the system check and logs."""
    return "; ".join(f"{f.role}: {f.family} ({Path(f.file).name})" for f in faces().values())


def forget() -> None:
    """Look again (fonts installed or the setting changed while running)."""
    _installed.cache_clear()
    _faces.cache_clear()
