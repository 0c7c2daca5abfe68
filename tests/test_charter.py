"""The charter as data: the Fugu file against the seed, malformed files, reloads, another county."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from meeting.charter.models import Charter, Clause, Unit
from meeting.extensions import db
from tests.conftest import TESTS, table_counts

SEED = TESTS.parent / "config" / "charters" / "fugu-2022.source.txt"  # the published text
RIVERSIDE = TESTS / "charters" / "riverside.yaml"

# DOMAIN.md's table: code, full name, name used in section 四.
DOMAIN_UNITS = [
    ("civil-affairs", "县民政局", "县民政局"),
    ("political-legal", "县政法委", "县政法委"),
    ("policy-research", "县委研究室", "县委研究室"),
    ("cyberspace", "县网信办", "县网信办"),
    ("npc-legal", "县人大法工委", "县人大常委会法工委"),
    ("court", "县法院", "县法院"),
    ("procuratorate", "县检察院", "县检察院"),
    ("development-reform", "县发展改革和科技局", "县发展改革和科技局"),
    ("education-sports", "县教育和体育局", "县教育和体育局"),
    ("public-security", "县公安局", "县公安局"),
    ("justice", "县司法局", "县司法局"),
    ("finance", "县财政局", "县财政局"),
    ("human-resources", "县人力资源和社会保障局", "县人社局"),
    ("housing", "县住房和城乡建设局", "县住建局"),
    ("agriculture", "县农业农村局", "县农业农村局"),
    ("health", "县卫生健康局", "县卫健局"),
    ("medical-security", "县医疗保障局", "县医保局"),
    ("taxation", "县税务局", "县税务局"),
    ("culture-tourism", "县文化与旅游局", "县文旅局"),
    ("statistics", "县统计局", "县统计局"),
    ("poverty-alleviation", "县扶贫办", "县扶贫办"),
    ("trade-union", "县总工会", "县总工会"),
    ("womens-federation", "县妇联", "县妇联"),
    ("youth-league", "团县委", "团县委"),
    ("disabled-persons", "县残联", "县残联"),
    ("next-generation", "县关工办", "县关工办"),
]


def seed_sections() -> dict[str, list[tuple[str, str]]]:
    """The seed's numbered paragraphs by section: {"四": [("九", "县教育和体育局:…"), …]}."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        heading = re.match(r"^([一二三四五])、", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
            continue
        numbered = re.match(r"^\(([一二三四五六七八九十]+)\)(.+)$", line)
        if current and numbered:
            sections[current].append((numbered.group(1), numbered.group(2)))
        elif current == "二" and line.startswith("联席会议在"):
            sections["二"].append(("", line))
    return sections


def run_load(runner, path) -> tuple[int, str]:
    result = runner.invoke(args=["charter", "load", str(path)])
    return result.exit_code, result.output


def test_fugu_has_the_26_units_of_domain(app):
    with app.app_context():
        units = Charter.current().active_units
        assert [(u.code, u.name) for u in units] == [(c, n) for c, n, _ in DOMAIN_UNITS]
        for unit, (_, name, section_name) in zip(units, DOMAIN_UNITS, strict=True):
            assert unit.aliases == ([section_name] if section_name != name else [])
        assert [u.code for u in units if u.is_lead] == ["civil-affairs"]


def test_every_duty_paragraph_of_the_seed_is_loaded_verbatim(app):
    sections = seed_sections()
    with app.app_context():
        charter = Charter.current()
        clauses = {c.ref: c for c in charter.clauses}
        units = {u.duty_ref: u for u in charter.active_units}

        assert len(sections["四"]) == 26
        for (number, paragraph), (code, _, section_name) in zip(
            sections["四"], DOMAIN_UNITS, strict=True
        ):
            unit = units[f"四({number})"]
            assert unit.code == code
            assert paragraph == f"{section_name}:{unit.duty_text}"

        assert len(sections["三"]) == 5
        for number, paragraph in sections["三"]:
            assert clauses[f"三({number})"].kind == "office_duty"
            assert clauses[f"三({number})"].text == paragraph

        assert len(sections["五"]) == 5
        for number, paragraph in sections["五"]:
            assert clauses[f"五({number})"].text == paragraph

        for number, paragraph in sections["一"]:
            clause = clauses[f"一({number})"]
            assert f"{clause.title}。{clause.text}" == paragraph

        # 二 is one paragraph: an opening sentence, then 一是…;二是…;三是…;四是….
        ((_, paragraph),) = sections["二"]
        tasks = charter.clauses_of("joint_meeting_duty")
        rebuilt = charter.joint_meeting_text + ";".join(
            f"{n}是{clause.text}" for n, clause in zip("一二三四", tasks, strict=True)
        )
        assert rebuilt + "。" == paragraph


def test_fugu_rules_are_parameters(app):
    with app.app_context():
        rules = Charter.current().rules
    assert rules["conveners"] == ["general_convener"]
    assert rules["delegable_to"] == ["convener"]
    assert rules["plenaries_per_year"] == 1
    assert rules["approvers"] == ["general_convener", "convener"]


def snapshot(app) -> dict:
    """Every row of the charter tables, for comparing before and after."""
    with app.app_context():
        return {
            model.__tablename__: sorted(
                tuple(getattr(row, c.key) for c in model.__table__.columns)
                for row in db.session.scalars(select(model))
            )
            for model in (Charter, Unit, Clause)
        }


def test_reloading_the_same_file_changes_nothing(bare_app, runner):
    code, output = run_load(runner, bare_app.config["LIANXI_CHARTER"])
    assert code == 0, output
    assert "26" in output
    before = snapshot(bare_app)
    code, output = run_load(runner, bare_app.config["LIANXI_CHARTER"])
    assert code == 0
    assert "unchanged" in output
    assert snapshot(bare_app) == before


def test_default_file_is_the_fugu_charter(bare_app, runner):
    result = runner.invoke(args=["charter", "load"])
    assert result.exit_code == 0, result.output
    with bare_app.app_context():
        assert Charter.current().short_name == "府谷联席"


MALFORMED = {
    "yaml syntax": (
        lambda text: text.replace("short_name: 府谷联席", "short_name: [府谷联席"),
        r"line \d+: not valid YAML",
    ),
    "unit without duty": (
        lambda text: text.replace("  duty_ref: 四(三)\n", "  duty_ref: 四(三)\n  dutyx: x\n", 1),
        r"line {dutyx}: units\[2\]\.dutyx: Extra inputs",
    ),
    "unknown role": (
        lambda text: text.replace("approvers: [general_convener, convener]", "approvers: [mayor]"),
        r"line \d+: rules\.approvers: unknown role\(s\) mayor",
    ),
    "lead unit not a unit": (
        lambda text: text.replace("lead_unit: civil-affairs", "lead_unit: nobody"),
        r"line \d+: lead_unit: 'nobody' is not the code of a unit",
    ),
    "duplicate unit code": (
        lambda text: text.replace("- code: court", "- code: finance"),
        r"line \d+: units: duplicate unit code\(s\) finance",
    ),
    "bad month-day": (
        lambda text: text.replace(
            'plenary_reminder_from: "09-01"', 'plenary_reminder_from: "13-01"'
        ),
        r"line \d+: rules\.plenary_reminder_from: String should match pattern",
    ),
    "not a mapping": (lambda text: "- just a list\n", r"a charter file is a YAML mapping"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_file_names_line_and_field_and_loads_nothing(bare_app, runner, tmp_path, case):
    change, message = MALFORMED[case]
    original = Path(bare_app.config["LIANXI_CHARTER"]).read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    changed = change(original)
    assert changed != original
    broken.write_text(changed, encoding="utf-8")
    before = table_counts(bare_app)

    code, output = run_load(runner, broken)

    assert code == 2
    if "{dutyx}" in message:  # the line the stray field is on
        line = changed[: changed.index("dutyx")].count("\n") + 1
        message = message.replace("{dutyx}", str(line))
    assert re.search(message, output), output
    assert len(output.strip().splitlines()) == 1
    assert table_counts(bare_app) == before


def test_malformed_reload_keeps_the_loaded_charter(app, runner, tmp_path):
    before = snapshot(app)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        Path(app.config["LIANXI_CHARTER"])
        .read_text(encoding="utf-8")
        .replace("- code: housing\n", "- code: Housing!\n"),
        encoding="utf-8",
    )
    code, output = run_load(app.test_cli_runner(), broken)
    assert code == 2 and "units[13].code" in output
    assert snapshot(app) == before


def test_missing_file_is_a_clear_error(bare_app, runner, tmp_path):
    code, output = run_load(runner, tmp_path / "nope.yaml")
    assert code == 2
    assert "cannot read the file" in output


def test_refresh_updates_texts_and_hides_dropped_units(app, tmp_path):
    text = Path(app.config["LIANXI_CHARTER"]).read_text(encoding="utf-8")
    text = text.replace("加强志愿者队伍建设", "加强青年志愿者队伍建设")
    start = text.index("- code: next-generation")
    text = text[:start] + text[text.index("\n\n", start) :]
    changed = tmp_path / "fugu-2023.yaml"
    changed.write_text(text, encoding="utf-8")

    code, output = run_load(app.test_cli_runner(), changed)

    assert code == 0, output
    assert "25 units" in output
    with app.app_context():
        charter = Charter.current()
        youth = next(u for u in charter.units if u.code == "youth-league")
        assert youth.duty_text.startswith("加强青年志愿者队伍建设")
        dropped = next(u for u in charter.units if u.code == "next-generation")
        assert not dropped.active
        assert "四(二十六)" not in {c.ref for c in charter.clauses}


def test_another_joint_meeting_runs_from_its_own_file(bare_app, runner, api):
    code, output = run_load(runner, RIVERSIDE)
    assert code == 0, output
    with bare_app.app_context():
        from meeting.accounts.operations import create_user

        create_user("hedong-office", "office", "password-123")
        db.session.commit()

    response = api.get("/api/v1/units", as_="hedong-office")
    assert response.status_code == 200
    assert [u["code"] for u in response.json["items"]] == ["edu", "police", "fire", "market"]

    client = bare_app.test_client()
    client.post("/login", data={"username": "hedong-office", "password": "password-123"})
    page = client.get("/units").get_data(as_text=True)
    assert "河东县消防救援大队" in page
    assert "府谷" not in page and "县民政局" not in page
    charter_page = client.get("/charter").get_data(as_text=True)
    assert "河东县校园安全工作联席会议制度" in charter_page
    assert "河东校安纪" in charter_page


def test_a_new_charter_code_adds_a_joint_meeting_and_leaves_the_first_alone(app):
    with app.app_context():
        before = {(u.code, u.name, u.duty_text) for u in Charter.first().units}
    code, output = run_load(app.test_cli_runner(), RIVERSIDE)
    assert code == 0, output
    assert "loaded" in output
    with app.app_context():
        charters = db.session.scalars(select(Charter).order_by(Charter.id)).all()
        assert [c.code for c in charters][0] == "fugu-children" and len(charters) == 2
        assert {(u.code, u.name, u.duty_text) for u in charters[0].units} == before
    listing = app.test_cli_runner().invoke(args=["charter", "list"]).output
    assert "fugu-children" in listing and charters[1].code in listing
