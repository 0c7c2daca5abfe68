"""The ledger as an Excel workbook ready to print: a title and an as-of line above Chinese
headers, an autofilter, wrapped long texts, thin borders, whole rows coloured by warning,
landscape A4 one page wide with the header row repeated on every page and page numbers in
the footer. Dates stay dates.

openpyxl writes the workbook: its styles, the header rows, the page set-up. The data rows are
written here as XML, streamed to a temporary file as the query yields them and spliced into
openpyxl's sheet: openpyxl spends ~12 µs on every cell, which at 50,000 tasks (650,000 cells)
was most of a minute; a row of XML text costs a fraction of that. Memory stays flat."""

import io
import math
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from meeting.official_document import xml_safe
from meeting.tasks.deadlines import days_left
from meeting.tasks.ledger import ExportedTask
from meeting.tasks.operations import warning_of
from meeting.tasks.rhythm import missed_reports
from meeting.timeutil import local
from workflows import task as workflow

HEADERS = ["编号", "议题", "任务内容", "牵头单位", "责任单位", "状态", "交办日期", "原定期限",
           "现期限", "预警", "超期天数", "办结日期", "漏报次数"]  # fmt: skip
FILLS = {"yellow": "FFF3CD", "red": "F8D7DA", "dark_red": "D9534F"}


@dataclass(frozen=True)
class Labels:
    """The states' and warnings' names in the reader's language, looked up once per export
    (a lookup per row cost more than the row's XML)."""

    states: dict[str, str]
    warnings: dict[str, str]

    @classmethod
    def translated(cls) -> "Labels":
        return cls(
            {state: _(label) for state, label in workflow.STATES.items()},
            {level: _(label) for level, label in workflow.WARNINGS.items()},
        )


def ledger_row(exported: ExportedTask, today: date, warning: str, labels: Labels) -> list:
    """EXPORTED's row of the ledger as of TODAY, at WARNING level."""
    task = exported.task
    left = days_left(task.deadline, task.state == "done", today)
    return [
        task.id,
        task.item_title,
        task_content(task),
        task.lead_unit,
        "、".join(exported.responsible_units),
        labels.states[task.state],
        local(task.assigned_at).date(),
        task.original_deadline,
        task.deadline,
        labels.warnings[warning],
        -left if left is not None and left < 0 else 0,
        local(task.completed_at).date() if task.completed_at else None,
        # 二(三), 三(三): reports not made in their period
        missed_reports(task, today, exported.reports),
    ]


def task_content(task) -> str:
    """任务内容: TASK's title over its description (the description alone when it begins with
    the title, as for tasks whose title was taken from it). TASK: a Task or a row of its
    columns."""
    if task.description.strip().startswith(task.title.rstrip("…")):
        return task.description
    return f"{task.title}\n{task.description}"


DATE_COLUMNS = (6, 7, 8, 11)
WARNING_COLUMN = 9
TEXT_COLUMNS = (1, 2, 3, 4)  # 议题, 任务内容, 牵头单位, 责任单位: wrapped, left-aligned
# In character widths (Excel's default font): ~150 in all, so that one A4 landscape page
# wide prints at nearly full size.
WIDTHS = (6, 20, 32, 13, 16, 9, 10, 10, 10, 9, 6, 10, 6)
LAST_COLUMN = get_column_letter(len(HEADERS))
COLUMN_LETTERS = [get_column_letter(n) for n in range(1, len(HEADERS) + 1)]
TITLE_ROW, AS_OF_ROW, HEADER_ROW = 1, 2, 3

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT_NAME = "宋体"
HEADER_FILL = "D9D9D9"


def ledger_xlsx(tasks: Iterable[ExportedTask], today: date, title: str = "督办台账") -> bytes:
    """The ledger of TASKS (an iterable: rows are written as they come, so tasks streamed by
    `exported_tasks` keep memory flat) as a write-only workbook headed TITLE."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("督办台账")
    # Written with the first row (write-only): columns, frozen panes, fit-to-page.
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[TITLE_ROW].height = 32
    sheet.row_dimensions[AS_OF_ROW].height = 20
    sheet.row_dimensions[HEADER_ROW].height = 30  # "超期天数" takes two lines
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    sheet.append([_styled(sheet, title, **TITLE_STYLE)])
    as_of = f"截至 {today.year}年{today.month}月{today.day}日"
    sheet.append([_styled(sheet, as_of, **AS_OF_STYLE)])
    sheet.append([_styled(sheet, header, **HEADER_STYLE) for header in HEADERS])
    style_ids = _register_row_styles(workbook, sheet)
    labels = Labels.translated()
    with tempfile.TemporaryFile() as rows:
        last_row = HEADER_ROW
        warning_of = _warnings(today)
        for exported in tasks:
            last_row += 1
            warning = warning_of(exported.task)
            values = ledger_row(exported, today, warning, labels)
            rows.write(row_xml(last_row, values, style_ids[warning]))
        _finish(sheet, last_row)
        skeleton = io.BytesIO()
        workbook.save(skeleton)
        return _splice(skeleton, rows)


def _warnings(today: date) -> Callable:
    """`warning_of` as of TODAY for rows of tasks' columns, remembered per joint meeting (its
    rules), deadline and whether done: 50,000 tasks share a few thousand deadlines."""
    known = {}

    def warning(task) -> str:
        key = (task.charter_id, task.deadline, task.state == "done")
        if key not in known:
            known[key] = warning_of(task, today)
        return known[key]

    return warning


def _finish(sheet, last_row: int) -> None:
    """What openpyxl writes when the sheet closes: merges, filter, page set-up, footer, print
    titles."""
    sheet.merged_cells.add(f"A{TITLE_ROW}:{LAST_COLUMN}{TITLE_ROW}")
    sheet.merged_cells.add(f"A{AS_OF_ROW}:{LAST_COLUMN}{AS_OF_ROW}")
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{LAST_COLUMN}{last_row}"
    print_a4_landscape(sheet)


def print_a4_landscape(sheet) -> None:
    """Print SHEET on A4 landscape, one page wide, the header row on every page, centred,
    「第 N 页 共 M 页」 in the footer (the ledger and the assessment print alike)."""
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    setup = sheet.page_setup
    setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as it takes
    margins = sheet.page_margins
    margins.left = margins.right = 0.4
    margins.top, margins.bottom = 0.6, 0.7
    margins.header, margins.footer = 0.3, 0.3
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.size = 10
    sheet.oddFooter.center.font = FONT_NAME


SHEET = "xl/worksheets/sheet1.xml"
END_OF_ROWS = b"</sheetData>"


def _splice(skeleton: io.BytesIO, rows) -> bytes:
    """openpyxl's workbook SKELETON with the data ROWS (a file of row XML) put at the end of
    its sheet's rows."""
    rows.seek(0)
    output = io.BytesIO()
    with zipfile.ZipFile(skeleton) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:  # fmt: skip
        for member in source.infolist():
            data = source.read(member)
            if member.filename != SHEET:
                target.writestr(member, data)
                continue
            head, tail = data.split(END_OF_ROWS, 1)  # the header rows are always there
            with target.open(SHEET, "w") as sheet:
                sheet.write(head)
                shutil.copyfileobj(rows, sheet)
                sheet.write(END_OF_ROWS + tail)
    return output.getvalue()


EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's date serials (1900 date system)


def row_xml(number: int, values: list, style_ids: list[int]) -> bytes:
    """Row NUMBER of VALUES as SpreadsheetML, each cell with its style id; its height set to
    show every wrapped line."""
    cells = []
    for letter, value, style in zip(COLUMN_LETTERS, values, style_ids, strict=True):
        cell = f'<c r="{letter}{number}" s="{style}"'
        if value is None:
            cells.append(f"{cell}/>")
        elif isinstance(value, str):
            cells.append(f'{cell} t="inlineStr"><is><t xml:space="preserve">'
                         f"{escape(xml_safe(value))}</t></is></c>")  # fmt: skip
        elif isinstance(value, date):
            day = value.date() if isinstance(value, datetime) else value
            cells.append(f"{cell}><v>{(day - EXCEL_EPOCH).days}</v></c>")
        else:
            cells.append(f"{cell}><v>{value}</v></c>")
    height = row_height(values)
    return f'<row r="{number}" ht="{height:g}" customHeight="1">{"".join(cells)}</row>'.encode()


LINE_HEIGHT = 14.5  # points, a 10 pt CJK line (Noto CJK's is the tallest)
CELL_PADDING = 4
COLUMN_UNIT = 7  # pixels per character width (Excel's default font)
WIDE_CHAR, NARROW_CHAR = 13.5, 7  # pixels of a 10 pt CJK / Latin character, rounded up


def row_height(values: list) -> float:
    """Points that show every line of the row's wrapped texts. Excel grows a row with no
    height to fit wrapped text, LibreOffice does not (it clips at one line), so the height
    is estimated here from the column widths."""
    lines = max(
        (_lines(value, width) for value, width in zip(values, WIDTHS, strict=True)
         if isinstance(value, str)),
        default=1,
    )  # fmt: skip
    return lines * LINE_HEIGHT + CELL_PADDING


def _lines(text: str, width: float) -> int:
    room = width * COLUMN_UNIT - 6
    lines = 0
    for paragraph in text.split("\n"):
        # A CJK character is three bytes of UTF-8 and an ASCII one one: the wide ones counted
        # without looking at each character (an estimate; the row only needs to be tall enough).
        wide = (len(paragraph.encode()) - len(paragraph)) // 2
        pixels = wide * WIDE_CHAR + (len(paragraph) - wide) * NARROW_CHAR
        lines += max(1, math.ceil(pixels / room))
    return lines


def _styled(sheet, value=None, **style) -> Cell:
    """A cell of VALUE carrying STYLE."""
    cell = Cell(sheet, row=1, column=1, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _register_row_styles(workbook, sheet) -> dict[str, list[int]]:
    """Per warning level, the style id of each column of a data row, added to WORKBOOK's
    styles (openpyxl's cell style list, which it writes as the `cellXfs` the ids index)."""
    return {
        level: [workbook._cell_styles.add(cell._style) for cell in row]
        for level, row in _row_styles(sheet).items()
    }


def _cell(sheet, value, style: Cell) -> Cell:
    """A cell of VALUE styled as the prototype STYLE (its style copied: no lookup per cell)."""
    return Cell(sheet, row=1, column=1, value=value, style_array=style._style)


def _row_styles(sheet) -> dict[str, list[Cell]]:
    """Per warning level, the style of each column of a data row."""
    styles = {}
    for level in workflow.WARNINGS:
        fill = FILLS.get(level)
        dark = level == "dark_red"
        font = Font(name=FONT_NAME, size=10, bold=dark, color="FFFFFF" if dark else None)
        row = []
        for column in range(len(HEADERS)):
            text = column in TEXT_COLUMNS
            style = {
                "font": font,
                "border": BORDER,
                "alignment": Alignment(
                    horizontal="left" if text else "center", vertical="top", wrap_text=True
                ),
            }
            if fill:
                style["fill"] = PatternFill("solid", fgColor=fill)
            if column in DATE_COLUMNS:
                style["number_format"] = "yyyy-mm-dd"
            row.append(_styled(sheet, **style))
        styles[level] = row
    return styles


TITLE_STYLE = dict(
    font=Font(name=FONT_NAME, size=18, bold=True),
    alignment=Alignment(horizontal="center", vertical="center"),
)
AS_OF_STYLE = dict(
    font=Font(name=FONT_NAME, size=11),
    alignment=Alignment(horizontal="right", vertical="center"),
)
HEADER_STYLE = dict(
    font=Font(name=FONT_NAME, size=10, bold=True),
    fill=PatternFill("solid", fgColor=HEADER_FILL),
    border=BORDER,
    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
)
