"""The family's årshjul (plotly and printable page) and the workload calendars."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.export_support import DST_MEETINGS, dst_plan, dst_register, small_year
from workbench.export.aarshjul import MEETING_MONTH_COLOUR, family_wheel, printable_html, wheel_figure, wheel_svg
from workbench.export.pdf import find_chromium, html_to_pdf
from workbench.export.workload import team_workload_heatmap, workload_calendar
from workbench.model import Plan


def test_wheel_places_days_clockwise_from_january_at_the_top():
    wheel = family_wheel(dst_plan(), dst_register(), "F0001")
    assert 0 < wheel.angle(date(2027, 1, 1)) < 1
    assert 359 < wheel.angle(date(2027, 12, 31)) < 360
    assert 90 < wheel.angle(date(2027, 4, 15)) < 105  # April is the fourth 30° field
    assert [m.meeting_id for m in wheel.meetings] == list(DST_MEETINGS)


def test_wheel_starts_at_the_plans_first_month():
    plan = dst_plan()
    later = Plan(date(2027, 7, 1), date(2028, 6, 30), plan.assignments, plan.meetings)
    wheel = family_wheel(later, dst_register(), "F0001")
    assert wheel.months[0] == date(2027, 7, 1) and wheel.months[-1] == date(2028, 6, 1)
    assert wheel.title_years == "2027/28"
    assert 0 < wheel.angle(date(2027, 7, 2)) < 30
    assert [m.day for m in wheel.meetings] == [date(2027, 10, 29), date(2027, 11, 1)]


def test_plotly_wheel_has_twelve_months_and_a_dot_per_meeting():
    figure = wheel_figure(family_wheel(dst_plan(), dst_register(), "F0001"))
    months, dots = figure.data
    assert months.type == "barpolar" and len(months.r) == 12
    highlighted = [i for i, colour in enumerate(months.marker.color) if colour == MEETING_MONTH_COLOUR]
    assert highlighted == [2, 9, 10]  # March, October, November
    assert dots.type == "scatterpolar" and len(dots.theta) == 4
    assert "onsdag 24. marts 2027" in dots.hovertext[0]
    assert figure.layout.polar.angularaxis.direction == "clockwise"
    assert "F0001" in figure.layout.title.text


def test_printable_page_is_danish_and_has_dates_team_and_purpose():
    register = dst_register()
    page = printable_html(family_wheel(dst_plan(), register, "F0001"), printed_on=date(2026, 12, 1))
    assert '<html lang="da">' in page and "Vores årshjul 2027" in page and "Familie F0001" in page
    for expected in ("Onsdag 24. marts", "Tirsdag 30. marts", "Fredag 29. oktober", "Mandag 1. november",
                     "kl. 10.00–11.30"):
        assert expected in page
    assert "Hvad er et opfølgningsmøde?" in page and "testregel" in page
    assert "Test S1" in page and "Primær koordinator" in page and "PPR-psykolog" in page
    assert "kontakt jeres koordinator Test S1" in page
    assert "Udskrevet 01.12.2026" in page and "@page { size: A4" in page
    for person in register.persons:
        assert person.label not in page and person.person_id not in page
    assert "F0002" not in page  # another family's meetings never show


def test_svg_wheel_draws_twelve_fields_and_one_dot_per_meeting():
    svg = wheel_svg(family_wheel(dst_plan(), dst_register(), "F0001"))
    assert svg.count('class="maaned"') == 12 and svg.count('class="moede"') == 4
    assert "<script" not in svg
    for label in ("Jan", "Mar", "Okt", "Dec"):
        assert f">{label}</text>" in svg


def test_family_without_meetings_gets_a_friendly_page():
    register, plan = dst_register(), dst_plan()
    empty = Plan(plan.start, plan.end, plan.assignments, [])
    assert "Der er ikke planlagt møder i perioden endnu." in printable_html(family_wheel(empty, register, "F0001"))


def test_unknown_family_is_a_clear_error():
    with pytest.raises(KeyError, match="F9999 findes ikke"):
        family_wheel(dst_plan(), dst_register(), "F9999")


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium (installed by .ci/run)")
@pytest.mark.parametrize("extra", [0, 10, 16])  # 14, 24 and 30 meetings: beside the wheel, 2 and 3 columns under it
def test_printable_page_prints_to_a_single_pdf_page(tmp_path, extra):
    from dataclasses import replace
    from datetime import timedelta

    register, plan = small_year()
    family_id = max({m.family_id for m in plan.meetings}, key=lambda f: sum(m.family_id == f for m in plan.meetings))
    own = [m for m in plan.meetings if m.family_id == family_id]
    more = [replace(m, meeting_id=f"{m.meeting_id}x{i}", day=m.day + timedelta(days=3))
            for i, m in enumerate((own * 3)[:extra])]
    wheel = family_wheel(replace(plan, meetings=list(plan.meetings) + more), register, family_id)
    assert any(m.person_id for m in wheel.meetings)  # a parent's own appointment is on the page with its title
    page = printable_html(wheel)
    # the busiest family (F0009) has an adult with a jobcentre follow-up and no child's own conversation
    assert "Samtale på jobcentret – Voksen" in page and "Samtale med barnet – Barn" not in page
    pdf = html_to_pdf(page, tmp_path / "hjul.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


# ----------------------------------------------------------------------------- workload


def test_workload_calendar_shows_hours_and_why_days_are_blocked():
    register, plan = dst_register(), dst_plan()
    figure = workload_calendar(plan, register, "S1")
    blocked, hours = figure.data
    labels = list(hours.x)
    column = next(i for i, label in enumerate(labels) if label.endswith("(22.03.2027)"))  # week of 24 March
    assert hours.z[2][column] == 1.5  # Wednesday: one 90-minute meeting
    assert hours.z[0][column] == 0.0  # Monday 22 March: open day without meetings
    assert "10:00–11:30 F0001" in hours.text[2][column]
    assert blocked.z[4][column] == 1 and "Langfredag" in blocked.text[4][column]
    assert hours.z[4][column] is None


@pytest.mark.slow
def test_team_heatmap_sums_to_every_persons_meeting_hours():
    register, plan = small_year()
    figure = team_workload_heatmap(plan, register)
    total = sum(sum(row) for row in figure.data[0].z)
    assert abs(total - sum((m.end_minute - m.start_minute) * len(m.attendees) for m in plan.meetings) / 60) < 1e-6
    assert len(figure.data[0].y) == len({s for m in plan.meetings for s in m.attendees})
