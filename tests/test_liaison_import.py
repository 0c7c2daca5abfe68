"""Importing liaisons from the office's Excel list: the preview, its problems, and applying it."""

import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import select
from werkzeug.security import check_password_hash

from meeting.accounts.models import User
from meeting.accounts.operations import create_user
from meeting.admin.liaison_import import (
    ALREADY,
    EXISTING,
    MAX_ROWS,
    NEW,
    SheetError,
    apply,
    read_sheet,
)
from meeting.charter.models import Charter
from meeting.extensions import db
from tests.conftest import FUGU, PASSWORD, SAFETY, table_counts

HEADER = ["单位", "姓名", "职务", "手机", "邮箱"]


def xlsx(*rows, title: str = "联络员名单") -> bytes:
    """A workbook whose active sheet holds ROWS, from row 1."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def charter(code: str = FUGU) -> Charter:
    return db.session.scalar(select(Charter).where(Charter.code == code))


def preview_of(data: bytes, code: str = FUGU):
    with force_locale("en"):
        return read_sheet(data, charter(code))


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_a_good_sheet_previews_clean_and_creates_liaisons(app):
    data = xlsx(
        HEADER,
        ["县民政局", "张三", "科长", "138 0000 1234", "zhangsan@fugu.gov.cn"],
        ["县民政局", "李  四", "副科长", 13900005678, None],
        ["县卫健局", "王五", "干事", "139-0000-9999", ""],
    )
    with app.app_context():
        preview = preview_of(data)
        assert preview.ok and preview.problems == []
        assert (preview.sheet_name, preview.header_row) == ("联络员名单", 1)
        rows = preview.rows
        assert [row.row for row in rows] == [2, 3, 4]
        assert [row.unit.code for row in rows] == ["civil-affairs", "civil-affairs", "health"]
        assert [row.name for row in rows] == ["张三", "李四", "王五"]  # the padding closed up
        assert [row.title for row in rows] == ["科长", "副科长", "干事"]
        assert [row.phone for row in rows] == ["13800001234", "13900005678", "13900009999"]
        assert [row.email for row in rows] == ["zhangsan@fugu.gov.cn", "", ""]
        assert [row.username for row in rows] == ["zhangsan", "civil-affairs-5678", "health-9999"]
        assert {row.status for row in rows} == {NEW} and preview.count(NEW) == 3

        done = apply(preview, charter())
        db.session.commit()

        assert [(person.username, bool(password)) for person, password in done] == [
            ("zhangsan", True), ("civil-affairs-5678", True), ("health-9999", True),
        ]  # fmt: skip
        fugu_id = charter().id
        for person, password in done:
            person = user(person.username)
            assert person.must_change_password and person.active
            assert check_password_hash(person.password_hash, password)
            assert person.role_in(fugu_id) == "liaison"
            assert [seat.charter_id for seat in person.seats] == [fugu_id]
        assert user("zhangsan").display_name == "张三"
        assert user("zhangsan").email == "zhangsan@fugu.gov.cn"
        assert user("zhangsan").seat_in(fugu_id).unit.code == "civil-affairs"
        assert user("zhangsan").department.code == "civil-affairs"
        assert user("health-9999").email is None
        assert user("health-9999").seat_in(fugu_id).unit.code == "health"


def test_a_bad_sheet_names_each_rows_problems_and_writes_nothing(app):
    data = xlsx(
        HEADER,
        ["县民政局", "张三", "科长", "13800001234", "zhangsan@fugu.gov.cn"],
        ["县不存在局", "赵六", "", "13800002222", ""],
        ["县民政局", "", "科员", "13800003333", ""],
        ["县公安局", "钱七", "", "1380000", ""],
        ["县公安局", "孙八", "", "", "sunba-at-fugu"],
        ["县 民政局", "张 三", "", "", ""],
        ["县公安局", "周" * 101, "", "", ""],
        [None, "吴九", "", "", ""],
    )
    before = table_counts(app)
    with app.app_context():
        preview = preview_of(data)
        problems = {row.row: row.problems for row in preview.rows}
        assert problems == {
            2: [],
            3: ["Unknown unit: 县不存在局"],
            4: ["The name is missing."],
            5: ["The mobile number 1380000 is not 11 digits starting with 1."],
            6: ["sunba-at-fugu is not an e-mail address."],
            7: ["The same unit and name as row 2."],
            8: ["The name is longer than 100 characters."],
            9: ["The unit is missing."],
        }
        assert not preview.ok and preview.problem_count == 7
        with force_locale("en"), pytest.raises(SheetError, match="Fix the problems"):
            apply(preview, charter())
        db.session.commit()
    assert table_counts(app) == before


def test_header_further_down_with_extra_columns_in_any_order(app):
    data = xlsx(
        ["府谷县农村留守儿童关爱保护和困境儿童保障工作联席会议联络员名单"],
        [],
        ["序号", "联系电话", "姓名", "单位名称", "性别", "电子邮箱", "职务", "备注"],
        [1, "13800004321", "刘一", "府谷县民政局", "女", "Liu.Yi+work@Fugu.gov.cn", "主任", "x"],
        [2, None, "陈二", "县人社局", "男", None, None, None],
        [3, None, None, None, None, None, None, None],  # numbered ahead in the template
        [4, None, "郑三", "education-sports", None, None, None, None],
    )
    with app.app_context():
        preview = preview_of(data)
        assert preview.header_row == 3 and preview.ok
        rows = preview.rows
        assert [row.row for row in rows] == [4, 5, 7]
        assert [row.unit.code for row in rows] == [
            "civil-affairs", "human-resources", "education-sports",
        ]  # fmt: skip
        assert [row.unit_text for row in rows][:2] == ["府谷县民政局", "县人社局"]
        assert (rows[0].title, rows[0].phone) == ("主任", "13800004321")
        assert [row.username for row in rows] == [
            "liu.yi", "human-resources-1", "education-sports-1",
        ]  # fmt: skip


def test_unit_names_match_across_bracket_widths_and_blanks(app):
    with app.app_context():
        fugu = charter()
        unit = fugu.units[0]
        unit.aliases = [*unit.aliases, "县民政局(儿童福利科)"]
        db.session.flush()
        data = xlsx(
            HEADER, ["县民政局（儿童福利科） ", "张三", "", "", ""], ["CIVIL-AFFAIRS", "李四"]
        )
        preview = preview_of(data)
        assert [row.unit for row in preview.rows] == [unit, unit] and preview.ok
        db.session.rollback()


@pytest.mark.parametrize(
    "data",
    [b"", b"not a spreadsheet", b"PK\x03\x04broken zip", "单位,姓名\n县民政局,张三\n".encode()],
)
def test_a_file_that_is_not_an_xlsx_is_refused(app, data):
    with (
        app.app_context(),
        force_locale("en"),
        pytest.raises(SheetError, match=r"not an Excel workbook \(\.xlsx\)"),
    ):
        read_sheet(data, charter())


def test_a_sheet_without_the_header_is_refused(app):
    data = xlsx([], [], [], [], [], ["单位", "姓名"], ["县民政局", "张三"])  # the 6th row
    with app.app_context(), force_locale("en"):
        with pytest.raises(SheetError, match="No header row"):
            read_sheet(data, charter())
        with pytest.raises(SheetError, match="No header row"):
            read_sheet(xlsx(["单位", "职务"], ["县民政局", "科长"]), charter())


def test_an_empty_list_and_too_long_a_list_are_sheet_problems(app):
    with app.app_context():
        assert preview_of(xlsx(HEADER)).problems == ["The sheet lists no liaisons."]
        rows = [["县民政局", f"联络员{n}"] for n in range(MAX_ROWS + 1)]
        preview = preview_of(xlsx(HEADER, *rows))
        assert len(preview.rows) == MAX_ROWS and all(row.ok for row in preview.rows)
        assert preview.problems == [
            "The sheet has more than 500 liaisons; import them in parts."
        ] and not preview.ok  # fmt: skip


def test_usernames_get_suffixes_on_collision(app):
    with app.app_context():
        create_user("zhangsan", "observer", PASSWORD, display_name="另一个张三")
        create_user("civil-affairs-1234", "observer", PASSWORD)
        db.session.commit()
        data = xlsx(
            HEADER,
            ["县民政局", "张三", "", "", "zhangsan@fugu.gov.cn"],
            ["县公安局", "张三", "", "", "ZhangSan@gongan.gov.cn"],
            ["县民政局", "李四", "", "13800001234", ""],
            ["县民政局", "王五", "", "13900001234", ""],
            ["县民政局", "赵六", "", "", ""],
            ["县民政局", "钱七", "", "", ""],
        )
        preview = preview_of(data)
        assert preview.ok
        assert [row.username for row in preview.rows] == [
            "zhangsan-2", "zhangsan-3", "civil-affairs-1234-2", "civil-affairs-1234-3",
            "civil-affairs-1", "civil-affairs-2",
        ]  # fmt: skip
        done = apply(preview, charter())
        db.session.commit()
        assert [person.username for person, _ in done] == [row.username for row in preview.rows]


def test_an_existing_person_gets_a_seat_in_the_second_joint_meeting(platform):
    with platform.app_context():
        create_user("wangfang", "liaison", PASSWORD, "education-sports", display_name="王芳",
                    email="wangfang@fugu.gov.cn", joint_meeting=FUGU)  # fmt: skip
        db.session.commit()
        data = xlsx(
            HEADER,
            ["县教育和体育局", "王芳", "股长", "13800001111", "WangFang@fugu.gov.cn"],
            ["县公安局", "新人", "", "13800002222", ""],
        )
    before = table_counts(platform)
    with platform.app_context():
        preview = preview_of(data, SAFETY)
        assert preview.ok
        first, second = preview.rows
        assert (first.status, first.user.username, first.username) == (
            EXISTING, "wangfang", "wangfang",
        )  # fmt: skip
        assert (second.status, second.user) == (NEW, None)
        assert (preview.count(EXISTING), preview.count(NEW)) == (1, 1)

        done = apply(preview, charter(SAFETY))
        db.session.commit()
        assert [(person.username, password is None) for person, password in done] == [
            ("wangfang", True), ("public-security-2222", False),
        ]  # fmt: skip
        wangfang = user("wangfang")
        assert not wangfang.must_change_password
        assert {(seat.charter.code, seat.role, seat.unit.code) for seat in wangfang.seats} == {
            (FUGU, "liaison", "education-sports"), (SAFETY, "liaison", "education-sports"),
        }  # fmt: skip
    after = table_counts(platform)
    assert after["users"] == before["users"] + 1 and after["seats"] == before["seats"] + 2

    with platform.app_context():  # the same list again: nothing left to do
        preview = preview_of(data, SAFETY)
        assert preview.ok and [row.status for row in preview.rows] == [ALREADY, ALREADY]
        assert [row.username for row in preview.rows] == ["wangfang", "public-security-2222"]
        assert [password for _, password in apply(preview, charter(SAFETY))] == [None, None]
        db.session.commit()
    assert table_counts(platform) == after


def test_an_existing_person_elsewhere_or_in_another_role_is_a_problem(platform):
    with platform.app_context():
        create_user("wangfang", "liaison", PASSWORD, "education-sports", display_name="王芳",
                    email="wangfang@fugu.gov.cn", joint_meeting=FUGU)  # fmt: skip
        create_user("chenjing", "office", PASSWORD, display_name="陈静",
                    email="chenjing@fugu.gov.cn", joint_meeting=SAFETY)  # fmt: skip
        db.session.commit()
        data = xlsx(
            HEADER,
            ["县公安局", "王芳", "", "", "wangfang@fugu.gov.cn"],
            ["县民政局", "陈静", "", "", "chenjing@fugu.gov.cn"],
            ["县民政局", "李雷", "", "", "wangfang@fugu.gov.cn"],
        )
        preview = preview_of(data, SAFETY)
        assert [row.problems for row in preview.rows] == [
            ["wangfang belongs to 县教育和体育局."],
            ["chenjing is already Joint meeting office in this joint meeting."],
            ["This e-mail address belongs to wangfang (王芳), not to 李雷.",
             "wangfang belongs to 县教育和体育局.",
             "The same e-mail address as row 2."],
        ]  # fmt: skip


def test_a_preview_applies_only_to_its_own_joint_meeting(platform):
    with platform.app_context():
        preview = preview_of(xlsx(HEADER, ["县民政局", "张三"]), FUGU)
        with force_locale("en"), pytest.raises(SheetError, match="another joint meeting"):
            apply(preview, charter(SAFETY))
