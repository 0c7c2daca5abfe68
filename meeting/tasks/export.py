"""The ledger as an Excel workbook: Chinese headers, a frozen header row, dates as dates,
written row by row (openpyxl write-only) as the query yields them."""

import io
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from meeting.tasks.deadlines import days_left
from meeting.tasks.models import Task
from meeting.tasks.operations import warning_of
from meeting.timeutil import local
from workflows import task as workflow

HEADERS = ["编号", "议题", "任务内容", "牵头单位", "责任单位", "状态", "交办日期", "原定期限",
           "现期限", "预警", "超期天数", "办结日期"]  # fmt: skip
FILLS = {"yellow": "FFF3CD", "red": "F8D7DA", "dark_red": "D9534F"}


def ledger_row(task: Task, today: date) -> list:
    left = days_left(task.deadline, task.state == "done", today)
    return [
        task.id,
        task.item.title,
        task.description,
        task.lead_unit.name,
        "、".join(unit.name for unit in task.responsible_units),
        _(workflow.STATES[task.state]),
        local(task.assigned_at).date(),
        task.original_deadline,
        task.deadline,
        _(workflow.WARNINGS[warning_of(task, today)]),
        -left if left is not None and left < 0 else 0,
        local(task.completed_at).date() if task.completed_at else None,
    ]


DATE_COLUMNS = (6, 7, 8, 11)
WARNING_COLUMN = 9
WIDTHS = (6, 30, 40, 18, 30, 10, 12, 12, 12, 10, 9, 12)


def ledger_xlsx(tasks: Iterable[Task], today: date) -> bytes:
    """The ledger of TASKS (an iterable: rows are written as they come, so a query streamed
    with `yield_per` keeps memory flat) as a write-only workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("督办台账")
    for column, width in zip("ABCDEFGHIJKL", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, header, font=BOLD) for header in HEADERS])
    for task in tasks:
        row = ledger_row(task, today)
        for column in DATE_COLUMNS:
            if row[column] is not None:
                row[column] = _cell(sheet, row[column], number_format="yyyy-mm-dd")
        fill = FILLS.get(warning_of(task, today))
        if fill:
            row[WARNING_COLUMN] = _cell(sheet, row[WARNING_COLUMN],
                                        fill=PatternFill("solid", fgColor=fill))  # fmt: skip
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BOLD = Font(bold=True)


def _cell(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
