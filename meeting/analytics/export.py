"""The unit assessment 考评 as an Excel workbook for the assessment body, print-ready like the
ledger (meeting.tasks.export): the title, an as-of line, Chinese headers, thin borders, the
weights under the figures, landscape A4 one page wide, page numbers in the footer."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from meeting.analytics.assessment import MEASURES, Assessment
from meeting.tasks.export import (
    AS_OF_STYLE,
    BORDER,
    FONT_NAME,
    HEADER_STYLE,
    TITLE_STYLE,
    _cell,
    _styled,
    print_a4_landscape,
)

HEADERS = ["名次", "成员单位", *(m.header for m in MEASURES), "得分"]
WIDTHS = (6, 20, *(10 for _ in MEASURES), 10)
LAST_COLUMN = get_column_letter(len(HEADERS))
TITLE_ROW, AS_OF_ROW, HEADER_ROW = 1, 2, 3


def title_of(assessment: Assessment) -> str:
    return f"{assessment.charter.name}{assessment.year}年度成员单位考评表"


def assessment_xlsx(assessment: Assessment) -> bytes:
    """ASSESSMENT as a write-only workbook, ranked, with the weights it was scored by."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("考评")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[TITLE_ROW].height = 32
    sheet.row_dimensions[AS_OF_ROW].height = 20
    sheet.row_dimensions[HEADER_ROW].height = 30
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    title = dict(TITLE_STYLE, font=Font(name=FONT_NAME, size=16, bold=True))
    sheet.append([_styled(sheet, title_of(assessment), **title)])
    day = assessment.as_of
    sheet.append([_styled(sheet, f"截至 {day.year}年{day.month}月{day.day}日", **AS_OF_STYLE)])
    sheet.append([_styled(sheet, header, **HEADER_STYLE) for header in HEADERS])
    font = Font(name=FONT_NAME, size=10)
    centre = _styled(sheet, font=font, border=BORDER,
                     alignment=Alignment(horizontal="center", vertical="center"))  # fmt: skip
    left = _styled(sheet, font=font, border=BORDER,
                   alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))  # fmt: skip
    score = _styled(sheet, font=font, border=BORDER, number_format="0.0#",
                    alignment=Alignment(horizontal="center", vertical="center"))  # fmt: skip
    bold = Font(name=FONT_NAME, size=10, bold=True)
    weight = _styled(sheet, font=bold, border=BORDER, number_format="0.0#",
                     alignment=Alignment(horizontal="center", vertical="center"))  # fmt: skip
    label = _styled(sheet, font=bold, border=BORDER,
                    alignment=Alignment(horizontal="left", vertical="center"))  # fmt: skip
    note = _styled(sheet, font=Font(name=FONT_NAME, size=9),
                   alignment=Alignment(horizontal="left", vertical="top", wrap_text=True))  # fmt: skip

    last_row = HEADER_ROW
    for row in assessment.rows:
        values = [row.rank, row.unit.name, *(row.values[m.key] for m in MEASURES), row.score]
        styles = [centre, left, *(centre for _ in MEASURES), score]
        sheet.append([_cell(sheet, v, s) for v, s in zip(values, styles, strict=True)])
        last_row += 1
    weights = [assessment.weights[m.weight] for m in MEASURES]
    sheet.append([_cell(sheet, None, label), _cell(sheet, "每项分值", label),
                  *(_cell(sheet, w, weight) for w in weights), _cell(sheet, None, label)])  # fmt: skip
    weights_row = last_row + 1
    explanation = (
        f"说明:任务按交办年度统计,牵头任务的按期、逾期办结和超期天数以现期限计算,未办结任务的超期天数"
        f"计至截至日;申请延期、被催办、报送进展、提出议题和纪要签收按发生年度统计;纪要送达后超过"
        f"{assessment.receipt_late_days}日签收或尚未签收的为逾期签收。得分为各项数值乘以每项分值之和。"
    )
    sheet.row_dimensions[weights_row + 1].height = 44
    sheet.append([_cell(sheet, explanation, note)])

    sheet.merged_cells.add(f"A{TITLE_ROW}:{LAST_COLUMN}{TITLE_ROW}")
    sheet.merged_cells.add(f"A{AS_OF_ROW}:{LAST_COLUMN}{AS_OF_ROW}")
    sheet.merged_cells.add(f"A{weights_row + 1}:{LAST_COLUMN}{weights_row + 1}")
    print_a4_landscape(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
