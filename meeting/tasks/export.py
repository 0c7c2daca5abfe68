"""The ledger as an Excel workbook ready to print: a title and an as-of line above Chinese
headers, an autofilter, wrapped long texts, thin borders, whole rows coloured by warning,
landscape A4 one page wide with the header row repeated on every page and page numbers in
the footer. Dates stay dates. Written row by row (openpyxl write-only) as the query yields
them, so memory stays flat however many tasks there are."""

import io
import math
import unicodedata
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from meeting.tasks.deadlines import days_left
from meeting.tasks.models import Task
from meeting.tasks.operations import warning_of
from meeting.tasks.rhythm import missed_reports
from meeting.timeutil import local
from workflows import task as workflow

HEADERS = ["编号", "议题", "任务内容", "牵头单位", "责任单位", "状态", "交办日期", "原定期限",
           "现期限", "预警", "超期天数", "办结日期", "漏报次数"]  # fmt: skip
FILLS = {"yellow": "FFF3CD", "red": "F8D7DA", "dark_red": "D9534F"}


def ledger_row(task: Task, today: date) -> list:
    left = days_left(task.deadline, task.state == "done", today)
    return [
        task.id,
        task.item.title,
        task_content(task),
        task.lead_unit.name,
        "、".join(unit.name for unit in task.responsible_units),
        _(workflow.STATES[task.state]),
        local(task.assigned_at).date(),
        task.original_deadline,
        task.deadline,
        _(workflow.WARNINGS[warning_of(task, today)]),
        -left if left is not None and left < 0 else 0,
        local(task.completed_at).date() if task.completed_at else None,
        missed_reports(task, today),  # 二(三), 三(三): reports not made in their period
    ]


def task_content(task: Task) -> str:
    """任务内容: the task's title over its description (the description alone when it begins
    with the title, as for tasks whose title was taken from it)."""
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
TITLE_ROW, AS_OF_ROW, HEADER_ROW = 1, 2, 3

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT_NAME = "宋体"
HEADER_FILL = "D9D9D9"


def ledger_xlsx(tasks: Iterable[Task], today: date, title: str = "督办台账") -> bytes:
    """The ledger of TASKS (an iterable: rows are written as they come, so a query streamed
    with `yield_per` keeps memory flat) as a write-only workbook headed TITLE."""
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
    last_row = HEADER_ROW
    styles = _row_styles(sheet)
    for task in tasks:
        row_styles = styles[warning_of(task, today)]
        values = ledger_row(task, today)
        last_row += 1
        # The row's height travels with it; dropped once written, so memory stays flat.
        sheet.row_dimensions[last_row].height = row_height(values)
        sheet.append(
            [_cell(sheet, value, style) for value, style in zip(values, row_styles, strict=True)]
        )
        del sheet.row_dimensions[last_row]

    # Written when the sheet closes: merges, filter, page set-up, footer, print titles.
    sheet.merged_cells.add(f"A{TITLE_ROW}:{LAST_COLUMN}{TITLE_ROW}")
    sheet.merged_cells.add(f"A{AS_OF_ROW}:{LAST_COLUMN}{AS_OF_ROW}")
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{LAST_COLUMN}{last_row}"
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
        pixels = sum(
            WIDE_CHAR if unicodedata.east_asian_width(char) in "WF" else NARROW_CHAR
            for char in paragraph
        )
        lines += max(1, math.ceil(pixels / room))
    return lines


def _styled(sheet, value=None, **style) -> Cell:
    """A cell of VALUE carrying STYLE."""
    cell = Cell(sheet, row=1, column=1, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


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


def _cell(sheet, value, style: Cell) -> Cell:
    """A cell of VALUE styled as the prototype STYLE (its style copied: no lookup per cell)."""
    return Cell(sheet, row=1, column=1, value=value, style_array=style._style)


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
