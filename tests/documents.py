"""Documents as LibreOffice renders them: a Word or Excel file to PDF (headless), then what
a reader of the printed page would check: paper size, pages, text, and glyphs that exist."""

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm

# The county's fonts (仿宋_GB2312, 方正小标宋简体, …) are not on a Debian machine: render them
# with the nearest Noto CJK face (serif for 宋/仿宋/楷, sans for 黑体), as a clerk's PC would
# show them, rather than whatever fontconfig picks first.
FONT_ALIASES = {
    "Noto Serif CJK SC": ["仿宋_GB2312", "仿宋", "方正小标宋简体", "宋体", "楷体_GB2312", "楷体"],
    "Noto Sans CJK SC": ["黑体"],
}
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
SCREENSHOTS = Path(__file__).parent.parent / "test-artifacts" / "documents"


@dataclass
class RenderedPage:
    width: float  # points
    height: float
    text: str
    missing_glyphs: list[str]  # characters drawn with the font's .notdef box


@dataclass
class Rendered:
    pages: list[RenderedPage]
    pdf: bytes

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)

    def is_a4(self, landscape: bool = False) -> bool:
        want = tuple(reversed(A4_POINTS)) if landscape else A4_POINTS
        return all(
            abs(page.width - want[0]) < 2 and abs(page.height - want[1]) < 2 for page in self.pages
        )

    def save_png(self, name: str, page: int = 0) -> Path:
        """The page as a PNG under test-artifacts/documents, for a person to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        with pymupdf.open(stream=self.pdf, filetype="pdf") as document:
            document[page].get_pixmap(dpi=80).save(target)
        return target


def render(data: bytes, suffix: str) -> Rendered:
    """DATA (a .docx or .xlsx) converted to PDF by LibreOffice headless, and read back."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        # A profile of its own, so conversions in parallel or beside a desktop don't collide.
        profile = Path(folder, "profile").as_uri()
        fonts = Path(folder) / "fonts.conf"
        fonts.write_text(FONTS_CONF.format(aliases="\n".join(
            f"  <alias binding=\"same\"><family>{name}</family><prefer><family>{face}</family>"
            "</prefer></alias>"
            for face, names in FONT_ALIASES.items() for name in names
        )), encoding="utf-8")  # fmt: skip
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True, capture_output=True, timeout=180,
            env={**os.environ, "HOME": folder, "FONTCONFIG_FILE": str(fonts)},
        )  # fmt: skip
        pdf = (Path(folder) / "document.pdf").read_bytes()
    return Rendered(pages=list(_pages(pdf)), pdf=pdf)


def _pages(pdf: bytes):
    with pymupdf.open(stream=pdf, filetype="pdf") as document:
        for page in document:
            missing = [
                chr(char[0])
                for span in page.get_texttrace()
                for char in span["chars"]
                if char[1] == 0 and not chr(char[0]).isspace()
            ]
            yield RenderedPage(page.rect.width, page.rect.height, page.get_text(), missing)
