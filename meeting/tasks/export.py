"""The ledger as an Excel workbook: Chinese headers, a frozen header row, dates as dates."""

import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
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


def ledger_xlsx(tasks: list[Task], today: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "督办台账"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for task in tasks:
        sheet.append(ledger_row(task, today))
        fill = FILLS.get(warning_of(task, today))
        if fill:
            sheet.cell(sheet.max_row, 10).fill = PatternFill("solid", fgColor=fill)
    for row in sheet.iter_rows(min_row=2):
        for cell in (row[6], row[7], row[8], row[11]):
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKL", (6, 30, 40, 18, 30, 10, 12, 12, 12, 10, 9, 12), strict=True
    ):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
