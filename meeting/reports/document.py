"""The annual work report as an official document (GB/T 9704): red masthead, 「(讨论稿)」 in
place of a number while a draft, title, 主送 县人民政府, the body with its headings, the units'
task figures as a table after section 三, signature and date, 版记."""

import re

from docx.shared import Mm

from meeting.meetings.minutes import issuing_office, masthead_lines
from meeting.official_document import OfficialDocument, chinese_text
from meeting.reports.models import AnnualReport
from meeting.reports.operations import rate
from meeting.tasks.deadlines import county_today
from meeting.timeutil import local

HEADING = re.compile(r"^(十[一二三四五六七八九]?|[一二三四五六七八九])、")
SUBHEADING = re.compile(r"^[((](十[一二三四五六七八九]?|[一二三四五六七八九])[))]")
UNITS_SECTION = "三、"  # the table of the units' figures follows this section
MAIN_TO = "县人民政府"
TABLE_HEADERS = ["牵头单位", "任务数", "已办结", "按期办结", "超期", "办结率"]
TABLE_WIDTHS = [50, 20, 20, 22, 22, 22]  # mm: 156 in all, the text block's; no header wraps


def title_of(report: AnnualReport) -> str:
    return f"{report.charter.name}{report.year}年工作情况的报告"


def filename_of(report: AnnualReport) -> tuple[str, str]:
    """(the Chinese download name, its ASCII fallback)."""
    draft = "(讨论稿)" if report.state == "draft" else ""
    return (
        f"{title_of(report)}{draft}.docx",
        f"annual-report-{report.year}{'-draft' if draft else ''}.docx",
    )


def docx_bytes(report: AnnualReport) -> bytes:
    charter = report.charter
    issuer = issuing_office(charter)
    issued_on = local(report.issued_at).date() if report.issued_at else None
    document = OfficialDocument(title_of(report), author=issuer)
    document.masthead(masthead_lines(charter))
    document.document_number(chinese_text("(讨论稿)") if report.state == "draft" else "")
    document.title(title_of(report))
    document.main_to(charter.rules.get("annual_report_main_to") or MAIN_TO)
    section, table_done = None, False
    for line in report.text.splitlines():
        line = line.strip()
        if not line:
            continue
        if HEADING.match(line):
            if section == UNITS_SECTION and not table_done:
                table_done = _units_table(document, report)
            section = HEADING.match(line).group(0)
            document.heading(line, level=1)
        elif SUBHEADING.match(line):
            document.heading(line, level=2)
        else:
            document.paragraph(line)
    if not table_done:
        _units_table(document, report)
    document.signature(issuer, issued_on or county_today())
    document.colophon(charter.rules.get("minutes_cc") or [], issuer, issued_on)
    return document.to_bytes()


def _units_table(document: OfficialDocument, report: AnnualReport) -> bool:
    units = (report.figures or {}).get("units") or []
    if not units:
        return True
    rows = [
        [u["name"], u["total"], u["done"], u["on_time"], u["overdue"], rate(u["done"], u["total"])]
        for u in units
    ]
    tasks = report.figures.get("tasks") or {}
    if tasks:
        rows.append(["合计", tasks["total"], tasks["done"], tasks["on_time"], tasks["overdue"],
                     rate(tasks["done"], tasks["total"])])  # fmt: skip
    document.table(TABLE_HEADERS, rows, TABLE_WIDTHS)
    # LibreOffice lays a table out by its grid, not by the cells' widths: set both.
    for column, width in zip(document.doc.tables[-1].columns, TABLE_WIDTHS, strict=True):
        column.width = Mm(width)
    return True
