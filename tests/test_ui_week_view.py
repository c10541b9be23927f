"""The plan as a week calendar: who meets which family when, filtered by week, person and family."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.export_support import dst_plan, dst_register
from workbench.ui.week_view import ALL, WeekView, week_calendar_html, weeks_of


def test_a_week_shows_each_persons_meetings_on_their_day():
    plan, register = dst_plan(), dst_register()
    monday = date(2027, 3, 22)  # F0001-01 is on Wednesday 24 March at 10:00 with S1 and S2
    page = week_calendar_html(plan, register, monday)
    assert "Uge 12 (22.03.2027)" in page and "1 møde" in page
    names = {s.staff_id: s.name for s in register.staff}
    body = page.split("<tbody>")[1]
    assert body.count("<tr>") == 2 and names["S1"] in page and names["S2"] in page and names["S3"] not in page
    cells = body.split("<tr>")[1].split("<td")  # the first person's row: name, then Monday to Friday
    assert "10.00 <b>F0001</b>" in cells[3] and all("F0001" not in c for i, c in enumerate(cells) if i != 3)


def test_filters_by_person_and_family_and_marks_late_meetings():
    plan, register = dst_plan(), dst_register()
    monday = date(2027, 5, 3)  # F0002-01 on Tuesday 4 May, three days late, with S1 and S3
    page = week_calendar_html(plan, register, monday, person="S3")
    assert page.split("<tbody>")[1].count("<tr>") == 1 and "(3 dage for sent)" in page
    assert "ingen med de valgte filtre" in week_calendar_html(plan, register, monday, family="F0001")
    assert "ingen med de valgte filtre" in week_calendar_html(plan, register, monday, person="S2")


def test_the_view_offers_only_weeks_people_and_families_of_the_plan():
    plan, register = dst_plan(), dst_register()
    view = WeekView()
    view.show(plan, register, first=date(2027, 5, 5))
    assert [m for _, m in view.week.options] == weeks_of(plan) and view.week.value == date(2027, 5, 3)
    names = {s.staff_id: s.name for s in register.staff}
    assert [v for _, v in view.person.options] == [ALL] + sorted(["S1", "S2", "S3"], key=names.get)
    assert [v for _, v in view.family.options] == [ALL, "F0001", "F0002"]
    assert "F0002" in view.table.value and "F0001" not in view.table.value
    view.week.value = date(2027, 3, 22)
    assert "F0001" in view.table.value
    view.family.value = "F0002"
    assert "ingen med de valgte filtre" in view.table.value
    empty = replace(plan, meetings=[])
    view.show(empty, register)
    assert "Planen har ingen møder" in view.table.value
