"""The browser tests' check of what a team leader reads (tests/browser/helpers.py) bites on the texts issue 13 saw."""

from __future__ import annotations

import pytest

from tests.browser.helpers import NOT_FOR_A_TEAM_LEADER, RULE_CODE

SEEN_BEFORE = ["Noget gik galt: [Errno 2] No such file or directory: '/proc/tvaers_ud'", "Løserstatus: FEASIBLE",
               "Status: OPTIMAL", "(the case register has 1 errors) None", "32.5 point", "Fejl: Error",
               "32.5 / 40", "Sagspoint 0.25", "Beregningstid 3.2 s", "-1.5 dage", "Gennemsnit 12.75",
               "Select a file", "Download", "[Errno 13] Permission denied", "Status: TIMEOUT"]
FINE = ["Planen er færdig og kontrolleret uafhængigt: ingen brud på de faste krav.", "32,5 / 40 point",
        "Mandag 4.1. kl. 09.00", "Uge 1 (04.01.2027)", "Bedst mulige plan (bevist)", "1.716 møder",
        "21.12.2026", "kl. 9.30", "kl. 09:30", "Mødet 9.30–10.30", "Uge 2 (11.01.)", "fredag 5.2.",
        "01.01.2027 – 31.01.2027", "32,5 / 40", "Tværs_skabelon.xlsx", "1.716.000 kr.", "09.00"]


@pytest.mark.parametrize("text", SEEN_BEFORE)
def test_what_a_team_leader_must_not_read_is_caught(text):
    assert any(pattern.search(text) for _, pattern in NOT_FOR_A_TEAM_LEADER)


@pytest.mark.parametrize("text", FINE)
def test_plain_danish_passes(text):
    assert not any(pattern.search(text) for _, pattern in NOT_FOR_A_TEAM_LEADER)


def test_rule_codes_are_caught_in_headings():
    assert RULE_CODE.search("For sene møder (SOF-32)") and RULE_CODE.search("BL20;LAB_AKT")
    assert not RULE_CODE.search("Planlægning af koordinatorer og opfølgningsmøder · Uge 12")
