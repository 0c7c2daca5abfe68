"""The ledger's Excel export as a printed document: its structure read back with openpyxl,
then the pages LibreOffice prints from it."""

import io
import zipfile
from datetime import date, timedelta

from openpyxl import load_workbook

from meeting.extensions import db
from meeting.tasks.deadlines import county_today
from meeting.tasks.models import Task
from tests.documents import render
from tests.items_factory import make_item
from tests.tasks_factory import make_task

HEADERS = ("编号", "议题", "任务内容", "牵头单位", "责任单位", "状态", "交办日期", "原定期限",
           "现期限", "预警", "超期天数", "办结日期", "漏报次数")  # fmt: skip
TITLE = "府谷县农村留守儿童关爱保护和困境儿童保障工作联席会议督办台账"
DESCRIPTIONS = [
    "建设心理辅导站",
    "对全县农村留守儿童开展一次全面摸底排查,建立一人一档动态管理台账,每季度更新一次",
    "落实困境儿童基本生活保障金按月足额发放,并会同财政部门做好资金监管和绩效评价工作",
]


def make_tasks(app, count: int) -> list[int]:
    """COUNT tasks over a few items, with short and long descriptions."""
    items = [
        make_item(app, "adopted", title=f"关于加强留守儿童关爱保护第{n}项工作的议题")
        for n in range(1, 4)
    ]
    return [
        make_task(
            app,
            "in_progress" if n % 3 else "assigned",
            item_id=items[n % len(items)],
            description=f"{n + 1}. {DESCRIPTIONS[n % len(DESCRIPTIONS)]}",
        )  # fmt: skip
        for n in range(count)
    ]


def overdue(app, task_id: int, days: int) -> None:
    """Move TASK_ID's deadline DAYS before the county's today."""
    with app.app_context():
        past = county_today() - timedelta(days=days)
        db.session.execute(db.update(Task).where(Task.id == task_id)
                           .values(deadline=past, original_deadline=past))  # fmt: skip
        db.session.commit()


def download(client, auth) -> bytes:
    auth.login("office")
    response = client.get("/tasks/export.xlsx?sort=id")
    assert response.status_code == 200
    return response.data


def test_the_ledger_workbook_is_set_up_for_printing(app, client, auth):
    tasks = make_tasks(app, 3)
    overdue(app, tasks[0], 60)  # seriously overdue: dark red
    data = download(client, auth)
    sheet = load_workbook(io.BytesIO(data)).active

    today = county_today()
    assert sheet["A1"].value == TITLE
    assert sheet["A1"].font.b and sheet["A1"].font.sz >= 16
    assert sheet["A2"].value == f"截至 {today.year}年{today.month}月{today.day}日"
    assert tuple(cell.value for cell in sheet[3]) == HEADERS
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:M1", "A2:M2"}
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == tasks
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:M6"  # headers to the real last row
    assert sheet.print_title_rows == "$3:$3"  # the header row on every printed page

    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert 0.3 <= sheet.page_margins.left <= 0.8  # inches

    for cell in sheet[4]:  # every cell of the table, empty ones too, has thin borders
        sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
        assert all(side.style == "thin" for side in sides), cell.coordinate
    assert all(cell.border.bottom.style == "thin" for cell in sheet[3])
    for column in "BCE":  # the long texts wrap, from the top
        alignment = sheet[f"{column}5"].alignment
        assert alignment.wrap_text and alignment.vertical == "top"

    late = sheet[4]  # the seriously overdue task: the whole row dark red, in white bold
    assert late[9].value == "严重超期"
    assert all(cell.fill.fgColor.rgb.endswith("D9534F") for cell in late)
    assert all(cell.font.b and cell.font.color.rgb.endswith("FFFFFF") for cell in late)
    assert all(cell.fill.fill_type is None for cell in sheet[5])  # on time: no colour
    assert isinstance(sheet["G4"].value.date(), date)  # dates stay dates
    assert sheet["I4"].value.date() == county_today() - timedelta(days=60)

    # The filter and the print titles are in the file itself, as Excel reads them.
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
        names = package.read("xl/workbook.xml").decode()
    assert '<autoFilter ref="A3:M6"' in xml
    assert "Print_Titles" in names and "$3:$3" in names


def test_the_printed_ledger_repeats_its_header_and_numbers_its_pages(app, client, auth):
    tasks = make_tasks(app, 60)
    overdue(app, tasks[0], 60)
    overdue(app, tasks[1], 3)
    rendered = render(download(client, auth), ".xlsx")
    rendered.save_png("ledger")
    rendered.save_png("ledger-page-2", page=1)

    assert len(rendered.pages) >= 2
    assert rendered.is_a4(landscape=True)
    assert TITLE in rendered.pages[0].text.replace("\n", "")
    for number, page in enumerate(rendered.pages, start=1):
        assert all(header in page.text for header in ("编号", "任务内容", "牵头单位", "现期限"))
        assert f"第 {number} 页" in page.text and f"共 {len(rendered.pages)} 页" in page.text
        assert page.missing_glyphs == []
    # Every task is printed once (the table is one page wide: no column spills over).
    printed = [line.strip() for line in rendered.text.splitlines()]
    assert all(printed.count(str(task)) >= 1 for task in tasks)
