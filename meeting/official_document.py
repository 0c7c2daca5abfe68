"""Official documents 公文 laid out as GB/T 9704-2012 (党政机关公文格式) asks: A4 with a
156 × 225 mm text block, a red masthead and 文号 over a drawn red rule, 小标宋 title, 仿宋
三号 body of 22 lines, 黑体/楷体 heading levels, 「— 1 —」 page numbers on the outside, and
the 版记 with its rules at the foot of the last page. Minutes, notices, sign-in sheets,
bulletins and reports all build on `OfficialDocument`."""

import io
import re
from datetime import date, datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Fonts as county offices have them; LibreOffice and Word substitute a CJK font where absent.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"  # page numbers
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xE6, 0x00, 0x12)  # the red of mastheads and separators

# Sizes in points: 初号 42, 小初 36, 一号 26, 二号 22, 三号 16, 四号 14, 小四 12.
MASTHEAD_MAX, MASTHEAD_MIN = 42, 22
TITLE_SIZE, BODY_SIZE, SMALL_SIZE, TABLE_SIZE = 22, 16, 14, 12

TEXT_WIDTH = Mm(156)
TEXT_WIDTH_PT = 156 / 25.4 * 72
LINE = Pt(28.95)  # 225 mm / 22 lines
CHINESE_NUMBERS = "〇一二三四五六七八九"

# Word refuses a file whose properties are out of the schema's order: children go in this order.
ORDER = {
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
              "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
              "w:pPrChange"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
              "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
              "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
              "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
              "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
              "w:eastAsianLayout", "w:specVanish", "w:oMath"),
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                "w:tblPrChange"),
}  # fmt: skip


class OfficialDocument:
    """One official document, written top to bottom: masthead, 文号, title, body, 版记."""

    def __init__(self, title: str, author: str, landscape: bool = False):
        self.doc = Document()
        self.title_text = title
        self._page_setup(landscape)
        self._styles()
        self._page_numbers()
        self._metadata(title, author)
        # The template's empty first paragraph would push everything down a line.
        body = self.doc.element.body
        for paragraph in body.findall(qn("w:p")):
            body.remove(paragraph)

    # ---- the head of the document 版头 ----

    def masthead(self, lines: list[str]) -> None:
        """The issuing body's mark 发文机关标志: red 小标宋, each line as large as fits the width,
        its top 35 mm below the text block's (GB/T 9704 7.2.3; 10.3 for 纪要)."""
        longest = max((len(text) for text in lines), default=1)
        # One size for every line, the largest at which the longest fits the width.
        size = max(MASTHEAD_MIN, min(MASTHEAD_MAX, int(TEXT_WIDTH_PT / max(longest, 1))))
        for number, text in enumerate(lines):
            paragraph = self._paragraph(text, TITLE_FONT, size, center=True, color=RED)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.paragraph_format.space_before = Mm(35) if number == 0 else Pt(0)

    def document_number(self, number: str) -> None:
        """The 文号 two lines under the masthead, with the red rule as wide as the text block
        4 mm below it (7.2.4, 7.2.6)."""
        self.blank_line()
        paragraph = self._paragraph(number, BODY_FONT, BODY_SIZE, center=True)
        _border(paragraph, "bottom", size_eighths=12, color="E60012", space_pt=11)

    def title(self, text: str) -> None:
        """The title 标题: 二号小标宋, centred, two lines below the red rule (7.3.1)."""
        self.blank_line()
        paragraph = self._paragraph(chinese_text(text), TITLE_FONT, TITLE_SIZE, center=True)
        paragraph.paragraph_format.line_spacing = Pt(35)
        self.blank_line()

    def main_to(self, recipients: str) -> None:
        """主送机关: flush left, full-width colon (7.3.2)."""
        self._paragraph(recipients.rstrip("\uff1a:") + "\uff1a", BODY_FONT, BODY_SIZE)

    # ---- the body 主体 ----

    def paragraph(self, text: str, bold: bool = False) -> None:
        """A paragraph of the body, indented two characters."""
        paragraph = self._paragraph(chinese_text(text), BODY_FONT, BODY_SIZE, bold=bold)
        paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)

    def heading(self, text: str, level: int = 1) -> None:
        """「一、」 in 黑体, 「(一)」 in 楷体, indented like the body (7.3.3)."""
        font = HEADING_FONT if level == 1 else SUBHEADING_FONT
        paragraph = self._paragraph(chinese_text(text), font, BODY_SIZE)
        paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
        paragraph.paragraph_format.keep_with_next = True

    def labelled(self, label: str, text: str) -> None:
        """A 黑体 label and its text, wrapped lines aligned after the colon: 出席:… (10.3)."""
        paragraph = self.doc.add_paragraph()
        self._format(paragraph)
        indent = Pt(BODY_SIZE * 2)
        hanging = Pt(BODY_SIZE * (len(label) + 1))
        paragraph.paragraph_format.left_indent = indent + hanging
        paragraph.paragraph_format.first_line_indent = -hanging
        self._run(paragraph, f"{label}:", HEADING_FONT, BODY_SIZE)
        self._run(paragraph, chinese_text(text), BODY_FONT, BODY_SIZE)

    def blank_line(self) -> None:
        self._paragraph("", BODY_FONT, BODY_SIZE)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def table(self, headers: list[str], rows: list[list], widths_mm: list[float],
              size: int = TABLE_SIZE, align: list[str] | None = None) -> None:  # fmt: skip
        """A ruled table as wide as the text block: 黑体 header row repeated on each page,
        仿宋 cells, numbers centred."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders(table, outer=8, inner=4)
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)  # the grid LibreOffice lays out by
        header = table.rows[0]
        _repeat_header(header)
        for cell, text, width in zip(header.cells, headers, widths_mm, strict=True):
            cell.width = Mm(width)
            self._cell(cell, text, HEADING_FONT, size, "center")
        align = align or ["left"] + ["center"] * (len(headers) - 1)
        for values in rows:
            cells = table.add_row().cells
            for cell, value, width, side in zip(cells, values, widths_mm, align, strict=True):
                cell.width = Mm(width)
                self._cell(cell, "" if value is None else str(value), BODY_FONT, size, side)

    def signature(self, issuer: str, on: date) -> None:
        """署名 and 成文日期, the date right-aligned four characters in (7.3.5)."""
        self.blank_line()
        for text in (issuer, chinese_date(on)):
            paragraph = self._paragraph(text, BODY_FONT, BODY_SIZE)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(BODY_SIZE * 4)

    # ---- the foot 版记 ----

    def colophon(self, copied_to: list[str], issuer: str, issued_on: date | None) -> None:
        """抄送 and 印发 between a thick rule above, a thin rule between and a thick rule along
        the foot of the text block, at the foot of the last page (7.4): a text box anchored to
        the bottom margin, which Word and LibreOffice both place there whatever the body's
        length, the body flowing above it."""
        lines = []
        if copied_to:
            text = chinese_text("抄送:" + "、".join(copied_to) + "。")
            lines.append(_colophon_line("\u3000" + text, top=8, bottom=6))
        issued = f"{chinese_date(issued_on)}印发" if issued_on else chinese_text("(未印发)")
        lines.append(_colophon_line(f"\u3000{issuer}", right=f"{issued}\u3000",
                                    top=None if copied_to else 8, bottom=8))  # fmt: skip
        anchor = self.doc.add_paragraph()
        self._format(anchor, line=Pt(1))
        height = Pt(COLOPHON_LINE * len(lines) + 4)
        anchor._p.append(parse_xml(_bottom_text_box("".join(lines), height)))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    # ---- set-up ----

    def _page_setup(self, landscape: bool) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        # 天头 37 mm, 订口 28 mm: a 156 × 225 mm text block (5.2.1).
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        # The page number's dash sits 7 mm below the text block (7.5).
        section.footer_distance = Mm(21)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            section.top_margin, section.bottom_margin = Mm(28), Mm(26)
            section.left_margin, section.right_margin = Mm(37), Mm(35)
            section.footer_distance = Mm(14)

    def _styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_SIZE)
        _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        normal.paragraph_format.line_spacing = LINE
        normal.paragraph_format.widow_control = False
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "en-US")
        language.set(qn("w:eastAsia"), "zh-CN")
        _put(normal.element.get_or_add_rPr(), language)
        # Chinese text breaks by Chinese rules: no line starts with 。,、 or ends with 《(.
        ppr = normal.element.get_or_add_pPr()
        for tag in ("w:kinsoku", "w:overflowPunct", "w:autoSpaceDE", "w:autoSpaceDN"):
            element = OxmlElement(tag)
            element.set(qn("w:val"), "1" if tag in ("w:kinsoku", "w:overflowPunct") else "0")
            _put(ppr, element)

    def _page_numbers(self) -> None:
        """「— 1 —」 in 四号宋体, odd pages right and even pages left, one character in (7.5)."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
            )
            setattr(paragraph.paragraph_format, f"{side}_indent", Pt(SMALL_SIZE))
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            self._run(paragraph, "— ", NUMBER_FONT, SMALL_SIZE, latin=NUMBER_FONT)
            _page_field(self._run(paragraph, "", NUMBER_FONT, SMALL_SIZE, latin=NUMBER_FONT))
            self._run(paragraph, " —", NUMBER_FONT, SMALL_SIZE, latin=NUMBER_FONT)

    def _metadata(self, title: str, author: str) -> None:
        now = datetime.now().replace(microsecond=0)
        core = self.doc.core_properties
        title, author = xml_safe(title), xml_safe(author)
        core.title, core.subject = title, title
        core.author, core.last_modified_by = author, author
        core.comments, core.keywords, core.category = "", "", "公文"
        core.created, core.modified, core.revision = now, now, 1
        core.language = "zh-CN"

    # ---- runs and paragraphs ----

    def _paragraph(self, text, font, size, center=False, bold=False, color=None):
        paragraph = self.doc.add_paragraph()
        self._format(paragraph)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if size > BODY_SIZE:
            paragraph.paragraph_format.line_spacing = Pt(size * 1.3)
        if text:
            self._run(paragraph, text, font, size, bold=bold, color=color)
        return paragraph

    def _format(self, paragraph, line=LINE) -> None:
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = line

    def _cell(self, cell, text, font, size, side) -> None:
        paragraph = cell.paragraphs[0]
        self._format(paragraph, line=Pt(size * 1.5))
        paragraph.alignment = {
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[side]
        self._run(paragraph, text, font, size)

    def _run(self, paragraph, text, font, size, bold=False, color=None, latin=LATIN_FONT):
        run = paragraph.add_run(chinese_text(xml_safe(text)))
        run.font.size = Pt(size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
        # python-docx's font.name reaches Latin text only: Chinese needs w:eastAsia too.
        _fonts(run._element.get_or_add_rPr(), font, latin)
        return run


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """TEXT without the characters XML cannot hold (control characters, lone surrogates),
    which a title typed or pasted anywhere may carry."""
    return _NOT_XML.sub("", text)


def chinese_date(day: date) -> str:
    """2026年12月8日: Arabic numerals, month and day not zero-padded (GB/T 9704 7.3.5.2)."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(number: int) -> str:
    """一 … 九十九, for 「一、」 headings and 「(一)」 sub-headings."""
    if number < 10:
        return CHINESE_NUMBERS[number]
    tens, ones = divmod(number, 10)
    return (
        (CHINESE_NUMBERS[tens] if tens > 1 else "") + "十" + (CHINESE_NUMBERS[ones] if ones else "")
    )


_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef《》“”‘’]"
_HALF_TO_FULL = dict(zip(",:;?!()", "\uff0c\uff1a\uff1b\uff1f\uff01\uff08\uff09", strict=True))


def chinese_text(text: str) -> str:
    """TEXT with the punctuation Chinese text takes: full-width ,:;?! and () next to Chinese
    characters (not in 10:30 or in Latin text), and nested book-title marks 《…〈…〉…》."""
    text = re.sub(
        rf"(?<={_CJK})\s*([,:;?!])|([,:;?!])(?=\s*{_CJK})",
        lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)],
        text,
    )
    text = re.sub(
        r"\(([^()]*)\)",
        lambda m: f"\uff08{m.group(1)}\uff09" if re.search(_CJK, m.group(0)) else m.group(0),
        text,
    )
    text = re.sub(rf"(?<={_CJK})\(|\((?={_CJK})", "\uff08", text)
    text = re.sub(rf"(?<={_CJK})\)|\)(?={_CJK})", "\uff09", text)
    return _nest_book_titles(text)


def _nest_book_titles(text: str) -> str:
    depth, out = 0, []
    for char in text:
        if char == "《":
            out.append("《" if depth % 2 == 0 else "〈")
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            out.append("》" if depth % 2 == 0 else "〉")
        else:
            out.append(char)
    return "".join(out)


def _fonts(rpr, east_asian: str, latin: str = LATIN_FONT) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asian),
                             ("w:cs", latin)):  # fmt: skip
        fonts.set(qn(attribute), value)
    fonts.set(qn("w:hint"), "eastAsia")


def _page_field(run) -> None:
    """A PAGE field inside RUN (Word and LibreOffice update it as they lay out)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):  # fmt: skip
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip().isdigit():
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


def _border(paragraph, side: str, size_eighths: int, color: str, space_pt: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), str(space_pt))
    line.set(qn("w:color"), color)
    borders.append(line)
    _put(ppr, borders)


def _table_borders(table, outer: int, inner: int) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(inner if side.startswith("inside") else outer))
        line.set(qn("w:color"), "000000")
        borders.append(line)
    _put(tblpr, borders)


COLOPHON_LINE = 24  # points per line of the 版记
NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)


def _colophon_line(text: str, top: int | None, bottom: int, right: str = "") -> str:
    """One line of the 版记 as WordprocessingML: 四号仿宋, rules in eighths of a point."""
    rules = "".join(
        f'<w:{side} w:val="single" w:sz="{size}" w:space="1" w:color="000000"/>'
        for side, size in (("top", top), ("bottom", bottom))
        if size
    )
    tab = f'<w:tabs><w:tab w:val="right" w:pos="{int(TEXT_WIDTH.twips)}"/></w:tabs>'
    fonts = (f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}" '
             f'w:hint="eastAsia"/><w:sz w:val="{SMALL_SIZE * 2}"/>')  # fmt: skip
    text, right = xml_safe(text), xml_safe(right)
    tail = f'<w:tab/><w:t xml:space="preserve">{escape(right)}</w:t>' if right else ""
    return (
        f"<w:p><w:pPr><w:pBdr>{rules}</w:pBdr>{tab}"
        f'<w:spacing w:before="0" w:after="0" w:line="{COLOPHON_LINE * 20}" w:lineRule="exact"/>'
        f'</w:pPr><w:r><w:rPr>{fonts}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t>'
        f"{tail}</w:r></w:p>"
    )


def _bottom_text_box(content: str, height) -> str:
    """A borderless text box as wide as the text block, at its foot, holding CONTENT."""
    cx, cy = int(TEXT_WIDTH), int(height)
    return (
        f'<w:r {NAMESPACES}><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" '
        'simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
        'allowOverlap="0"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapTopAndBottom/><wp:docPr id="9704" name="版记"/><wp:cNvGraphicFramePr/>'
        "<a:graphic><a:graphicData "
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        f"</wps:spPr><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        'anchor="b"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>'
        "</wp:anchor></w:drawing></w:r>"
    )


def _put(parent, element) -> None:
    """Add ELEMENT to PARENT where the schema's order puts it, replacing one of its kind."""
    order = ORDER[_short(parent.tag)]
    tag = _short(element.tag)
    for old in parent.findall(element.tag):
        parent.remove(old)
    later = order[order.index(tag) + 1 :]
    parent.insert_element_before(element, *later)


def _short(tag: str) -> str:
    return "w:" + tag.split("}")[1]


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
