"""Load and validate the case register (a folder of CSV files or one .xlsx).

Every problem is collected before anything is refused, so a team leader can fix
the whole file in one go.  Each problem names the file, the row (as the user
sees it in Excel: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd
import pandera.pandas as pa

from workbench.danish import DATE_FORMS_DA, WEEKDAYS_DA, parse_day, spelt_out
from workbench.io.safe_cells import XLSX_OPTIONS
from workbench import catalogue, settings
from workbench.settings import family_may_choose
from workbench.cpr import CPR_REFUSED_DA, looks_like_cpr, number_looks_like_cpr
from workbench.errors import Problem, RegisterError
from workbench.model import (
    APPOINTMENTS,
    CADENCE,
    COUNT,
    DEADLINE,
    EXTERNAL_ROLES,
    LOVKRAV,
    MODELKRAV,
    OFFER_TAGS,
    TEAM,
    WEEKDAY_CODES,
    WEEKDAY_DA,
    Absence,
    Case,
    CivilSocietyOffer,
    ClosedDay,
    ExternalParticipant,
    Family,
    FamilyUnavailability,
    FollowupRule,
    Person,
    Register,
    ScreeningRating,
    Staff,
    TeamMember,
)
from workbench.io.calendar_absences import CALENDAR_FOLDER, calendar_absences
from workbench.io.instrument import FAMILY_PERSON_ID, item_ids

# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Col:
    """One column of the contract."""

    name: str
    kind: str = "str"  # str | int | float | bool | date | list
    required: bool = True
    """The column must be present in the file."""
    blank_ok: bool = False
    """A cell may be left empty (then ``default`` is used)."""
    default: Any = None
    checks: tuple[pa.Check, ...] = ()
    description: str = ""
    da: str = ""
    """The Danish header (the template's; read as well as ``name``, see :func:`header_key`)."""
    choices: tuple[str, ...] = ()
    """The only values allowed (checked on loading; a drop-down list in the template)."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Col, ...]
    required: bool = True
    key: tuple[str, ...] = ()
    description: str = ""
    da: str = ""
    """The Danish sheet name (a CSV file may be called after it as well, e.g. ``medarbejdere.csv``)."""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)


def _at_least(bound: float, what: str = "") -> pa.Check:
    return pa.Check(lambda v: v >= bound, element_wise=True, error=f"skal være mindst {bound}{what}")


def _between(low: float, high: float) -> pa.Check:
    return pa.Check(lambda v: low <= v <= high, element_wise=True, error=f"skal ligge mellem {low} og {high}")


def _not_empty_list() -> pa.Check:
    return pa.Check(lambda v: len(v) > 0, element_wise=True, error="skal have mindst én værdi")


WEEKDAY_WORDS = {word: code for i, code in enumerate(WEEKDAY_CODES) for word in (code, WEEKDAY_DA[i], WEEKDAYS_DA[i])}
"""Weekdays as a register may write them: mon, man or mandag (any letter case)."""


def weekday_code(word: str) -> str | None:
    return WEEKDAY_WORDS.get(word.strip().lower())


def _weekday_codes() -> pa.Check:
    return pa.Check(
        lambda v: all(weekday_code(word) for word in v),
        element_wise=True,
        error=f"ugedage skal skrives som {';'.join(WEEKDAY_DA[:5])} (eller {';'.join(WEEKDAY_CODES[:5])})",
    )


def _known_role() -> pa.Check:
    return pa.Check(
        lambda v: v in catalogue.roles(),
        element_wise=True,
        error="ukendt rolle; se rollelisten i README (fx familieraadgiver, ppr_psykolog, jobkonsulent)",
    )


SAFE_ID = r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}"
"""An id is 1-40 letters (a-z, A-Z), digits, '-' and '_', starting with a letter or digit: it becomes part of
file names (calendars, årshjul) and calendar UIDs, so nothing that could change a path or a line may be in it."""


def _safe_id() -> pa.Check:
    return pa.Check.str_matches(rf"^{SAFE_ID}$", error="må kun indeholde bogstaverne a-z, tal, '-' og '_' "
                                                    "(højst 40 tegn, uden æ, ø, å, mellemrum, punktum og skråstreg)")


def offer_tag(word: str) -> str:
    """A tag as the register may write it ('Netværk', 'netvaerk') in the form the screening's needs use."""
    return spelt_out(word.strip().lower())


def _offer_tags() -> pa.Check:
    return pa.Check(lambda v: all(offer_tag(word) in OFFER_TAGS for word in v), element_wise=True,
                    error="skal være fritid, civilsamfund eller netværk (flere adskilt med ;)")


def _email_or_blank() -> pa.Check:
    return pa.Check(lambda v: not v or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v) is not None,
                    element_wise=True, error="ligner ikke en e-mailadresse (fx navn@skole.dk)")


def _one_of(values: Iterable[str]) -> pa.Check:
    allowed = tuple(values)
    return pa.Check(lambda v: v in allowed, element_wise=True, error=f"skal være en af: {', '.join(allowed)}")


TABLES: tuple[Table, ...] = (
    Table(
        "staff",
        key=("staff_id",),
        description="Medarbejdere, der kan indgå i familiens team eller være koordinator.",
        columns=(
            Col("staff_id", checks=(_safe_id(),), description="Entydigt id, fx S001"),
            Col("name", description="Navn (vises kun internt)"),
            Col("role", checks=(_known_role(),), description="Rollekode fra rollelisten"),
            Col("department"),
            Col("can_coordinate", "bool", description="ja/nej: kan være primær eller sekundær koordinator"),
            Col("max_caseload_points", "float", checks=(_at_least(0),), description="Loft for sagspoint"),
            Col("max_meetings_per_day", "int", checks=(_between(0, 8),), description="Højst så mange møder om dagen"),
            Col("workdays", "list", checks=(_not_empty_list(), _weekday_codes()), description="fx man;tir;ons;tor"),
            Col("competences", "list", blank_ok=True, default=()),
            Col("languages", "list", blank_ok=True, default=("da",)),
            Col("district", blank_ok=True, default=""),
            Col("base_caseload_points", "float", required=False, blank_ok=True, default=0.0, checks=(_at_least(0),)),
            Col("email", required=False, blank_ok=True, default=""),
            Col("meeting_place", required=False, blank_ok=True, default="",
                description="Hvor medarbejderen holder møder, fx Jobcentret, Rådhusvej 2"),
        ),
    ),
    Table(
        "absences",
        required=False,
        description="Fravær (ferie, sygdom, kursus); datoerne er inklusive.",
        columns=(
            Col("staff_id"),
            Col("start_date", "date"),
            Col("end_date", "date"),
            Col("reason", blank_ok=True, default=""),
        ),
    ),
    Table(
        "families",
        key=("family_id",),
        description="Familier i den koordinerede indsats (kun pseudonym-id, aldrig CPR eller navne).",
        columns=(
            Col("family_id", checks=(_safe_id(),)),
            Col("district", blank_ok=True, default=""),
            Col("language", blank_ok=True, default="da"),
            Col("case_basis", "list", checks=(_not_empty_list(),), description="Nøgler i followup_rules; strengeste gælder"),
            Col("last_followup_date", "date", blank_ok=True),
            Col("primary_coordinator", blank_ok=True, description="Tom = skal tildeles; udfyldt = bevares"),
            Col("secondary_coordinator", blank_ok=True),
            Col("needs_secondary", "bool", blank_ok=True, default=False),
            Col("case_points", "float", blank_ok=True, default=1.0, checks=(_at_least(0),)),
            Col("preferred_coordinator", required=False, blank_ok=True, description="Familiens eget ønske"),
            Col("case_start_date", "date", required=False, blank_ok=True),
            Col("meeting_place", required=False, blank_ok=True, default="",
                description="Hvor familiens møder holdes, fx hjemme eller Familiehuset; tom = koordinatorens sted"),
            Col("meeting_attendees", "list", required=False, blank_ok=True, default=(),
                description="Hvem af teamet familien vil have med til opfølgningsmøderne (ud over koordinatorerne), "
                            "fx S012;S031; tom = hele teamet"),
        ),
    ),
    Table(
        "team",
        key=("family_id", "staff_id"),
        description="Fagpersoner i familiens team; alle deltager i opfølgningsmøderne.",
        columns=(Col("family_id"), Col("staff_id"), Col("role", blank_ok=True, default="")),
    ),
    Table(
        "family_unavailability",
        required=False,
        description="Perioder hvor familien ikke kan deltage i møder (inklusive).",
        columns=(
            Col("family_id"),
            Col("start_date", "date"),
            Col("end_date", "date"),
            Col("reason", required=False, blank_ok=True, default=""),
        ),
    ),
    Table(
        "followup_rules",
        key=("rule_id",),
        description="Lovkrav og modelkadencer for opfølgning, hver med kilde; strengeste teamregel for familien gælder.",
        columns=(
            Col("rule_id"),
            Col("case_basis", description="Sagsgrundlag; flere med & (alle skal gælde), fx BL86&BL32"),
            Col("max_interval_days", "int", blank_ok=True, default=0, checks=(_between(0, 730),),
                description="Højst så mange dage mellem møderne (frist: efter sagens start); 0 = fastsat i sagen"),
            Col("min_interval_days", "int", blank_ok=True, default=0, checks=(_between(0, 730),)),
            Col("meeting_minutes", "int", checks=(_between(15, 480),)),
            Col("description"),
            Col("source", description="Lov/model og kilde"),
            Col("valid_from", "date", required=False, blank_ok=True, default=date(1900, 1, 1)),
            Col("valid_to", "date", required=False, blank_ok=True, default=None),
            Col("kind", required=False, blank_ok=True, default="", choices=(LOVKRAV, MODELKRAV, ""),
                description="lovkrav eller modelkrav"),
            Col("clock", required=False, blank_ok=True, default=CADENCE, choices=(CADENCE, DEADLINE, COUNT),
                description="kadence, frist (én gang efter sagens start) eller antal (mindst count i window_days)"),
            Col("appointment", required=False, blank_ok=True, default=TEAM, choices=tuple(APPOINTMENTS),
                description="Hvem der mødes: team, sagsbehandler_barn, sagsbehandler_familie, jobkonsulent_voksen"),
            Col("applies_to", required=False, blank_ok=True, default="familie",
                choices=("barn", "voksen", "familie")),
            Col("first_days", "int", required=False, blank_ok=True, default=None, checks=(_between(1, 730),),
                description="Første møde senest så mange dage efter sagens start"),
            Col("count", "int", required=False, blank_ok=True, default=None, checks=(_between(1, 52),)),
            Col("window_days", "int", required=False, blank_ok=True, default=None, checks=(_between(1, 730),)),
            Col("law", required=False, blank_ok=True, default="", description="Loven (eller modellen)"),
            Col("paragraph", required=False, blank_ok=True, default="", description="Paragraf, fx § 95 stk. 2"),
        ),
    ),
    Table(
        "cases",
        required=False,
        key=("case_id",),
        description="Sager pr. barn eller voksen: grundlaget for lovens frister (undersøgelse, tilsyn, jobsamtaler).",
        columns=(
            Col("case_id", checks=(_safe_id(),)),
            Col("family_id"),
            Col("person_id"),
            Col("case_basis"),
            Col("opened_on", "date", description="Da kommunen blev opmærksom / indsatsen startede / hjælpen blev søgt"),
            Col("decided_cadence_days", "int", required=False, blank_ok=True, default=None, checks=(_between(1, 730),),
                description="Opfølgningskadencen fastsat i sagen (Barnets lov § 95 stk. 3)"),
            Col("closed_on", "date", required=False, blank_ok=True, default=None),
            Col("last_followup_date", "date", required=False, blank_ok=True, default=None,
                description="Seneste møde holdt på sagens egne frister (tilsynsbesøg, jobsamtale)"),
            Col("done_rules", "list", required=False, blank_ok=True, default=(),
                description="Engangsfrister på sagen, der allerede er opfyldt (regel-id'er), fx BL91-ANB når "
                            "barnets plan foreligger"),
        ),
    ),
    Table(
        "screenings",
        required=False,
        description="Screeningsvurderinger 0-3 pr. person og item.",
        columns=(
            Col("family_id"),
            Col("person_id"),
            Col("item_id"),
            Col("score", "int", checks=(_between(0, 3),)),
            Col("screened_on", "date"),
            Col("screened_by"),
            Col("strength", "bool", required=False, blank_ok=True, default=False),
            Col("note", required=False, blank_ok=True, default=""),
        ),
    ),
    Table(
        "persons",
        required=False,
        key=("person_id",),
        description="Familiemedlemmer med pseudonym og fødselsår (aldrig CPR).",
        columns=(
            Col("person_id", checks=(_safe_id(),)),
            Col("family_id"),
            Col("kind", choices=("barn", "voksen")),
            Col("birth_year", "int", checks=(_between(1900, 2100),)),
            Col("label", blank_ok=True, default=""),
            Col("income", required=False, blank_ok=True, default=""),
        ),
    ),
    Table(
        "closed_days",
        required=False,
        description="Kommunens egne lukkedage ud over helligdage.",
        columns=(Col("date", "date"), Col("reason", blank_ok=True, default="")),
    ),
    Table(
        "external_participants",
        required=False,
        key=("family_id", "name"),
        description="Folk uden for kommunens medarbejdere, der er med i familiens arbejde (lærer, pædagog, egen "
                    "læge, frivillig). De står på familiens årshjul og invitationer, men planlægges ikke efter.",
        columns=(
            Col("family_id"),
            Col("name", description="Navn, fx Hanne Hansen"),
            Col("organisation", blank_ok=True, default="", description="Fx Tværby Skole eller Røde Kors"),
            Col("contact_role", choices=EXTERNAL_ROLES, description="Hvad personen er for familien"),
            Col("invited", "bool", blank_ok=True, default=False,
                description="ja = inviteres til familiens opfølgningsmøder"),
            Col("phone", required=False, blank_ok=True, default=""),
            Col("email", required=False, blank_ok=True, default="", checks=(_email_or_blank(),)),
        ),
    ),
    Table(
        "civil_society",
        required=False,
        key=("name", "offer"),
        description="Foreninger og frivillige tilbud, koordinatoren kan bygge bro til (fritid og netværk).",
        columns=(
            Col("name", description="Foreningens navn"),
            Col("offer", description="Hvad tilbuddet er, fx Fodbold for børn"),
            Col("for_whom", blank_ok=True, default="", description="For hvem, med foreningens ord, fx børn 6-12 år"),
            Col("min_age", "int", required=False, blank_ok=True, default=None, checks=(_between(0, 120),),
                description="Fra alder (tom = ingen nedre grænse)"),
            Col("max_age", "int", required=False, blank_ok=True, default=None, checks=(_between(0, 120),),
                description="Til alder (tom = ingen øvre grænse)"),
            Col("contact", blank_ok=True, default="", description="Kontaktperson, telefon eller e-mail"),
            Col("tags", "list", checks=(_not_empty_list(), _offer_tags()),
                description="Hvilke behov tilbuddet passer til: fritid, civilsamfund, netværk (flere med ;)"),
        ),
    ),
)

DANISH_NAMES: dict[str, tuple[str, dict[str, str]]] = {
    "staff": ("Medarbejdere", {
        "staff_id": "Medarbejder-id", "name": "Navn", "role": "Rolle", "department": "Afdeling",
        "can_coordinate": "Kan koordinere", "max_caseload_points": "Sagsloft (point)",
        "max_meetings_per_day": "Møder pr. dag (højst)", "workdays": "Arbejdsdage", "competences": "Kompetencer",
        "languages": "Sprog", "district": "Distrikt", "base_caseload_points": "Andre opgaver (point)",
        "email": "E-mail", "meeting_place": "Mødested"}),
    "absences": ("Fravær", {"staff_id": "Medarbejder-id", "start_date": "Fra dato", "end_date": "Til dato",
                            "reason": "Årsag (kun internt)"}),
    "families": ("Familier", {
        "family_id": "Familie-id", "district": "Distrikt", "language": "Sprog", "case_basis": "Sagsgrundlag",
        "last_followup_date": "Seneste opfølgning", "primary_coordinator": "Primær koordinator",
        "secondary_coordinator": "Sekundær koordinator", "needs_secondary": "Behov for sekundær koordinator",
        "case_points": "Sagspoint", "preferred_coordinator": "Familiens ønskede koordinator",
        "case_start_date": "Sagens start", "meeting_place": "Mødested",
        "meeting_attendees": "Med til møderne"}),
    "team": ("Team", {"family_id": "Familie-id", "staff_id": "Medarbejder-id", "role": "Rolle"}),
    "family_unavailability": ("Familiens fravær", {"family_id": "Familie-id", "start_date": "Fra dato",
                                                   "end_date": "Til dato", "reason": "Årsag (kun internt)"}),
    "followup_rules": ("Opfølgningsregler", {
        "rule_id": "Regel-id", "case_basis": "Sagsgrundlag", "max_interval_days": "Højst dage mellem møder",
        "min_interval_days": "Mindst dage mellem møder", "meeting_minutes": "Mødets længde (minutter)",
        "description": "Beskrivelse", "source": "Kilde", "valid_from": "Gælder fra", "valid_to": "Gælder til",
        "kind": "Lovkrav eller modelkrav", "clock": "Slags frist", "appointment": "Hvem mødes",
        "applies_to": "Gælder for", "first_days": "Første møde senest (dage)", "count": "Antal møder",
        "window_days": "Inden for (dage)", "law": "Lov", "paragraph": "Paragraf"}),
    "cases": ("Sager", {
        "case_id": "Sags-id", "family_id": "Familie-id", "person_id": "Person-id", "case_basis": "Sagsgrundlag",
        "opened_on": "Sagen startede", "decided_cadence_days": "Besluttet opfølgning (dage)",
        "closed_on": "Sagen lukket", "last_followup_date": "Seneste opfølgning", "done_rules": "Opfyldte frister"}),
    "screenings": ("Screeninger", {
        "family_id": "Familie-id", "person_id": "Person-id", "item_id": "Item-id", "score": "Vurdering (0-3)",
        "screened_on": "Screeningsdato", "screened_by": "Screenet af", "strength": "Styrke", "note": "Note"}),
    "persons": ("Personer", {"person_id": "Person-id", "family_id": "Familie-id", "kind": "Barn eller voksen",
                             "birth_year": "Fødselsår", "label": "Betegnelse", "income": "Forsørgelse"}),
    "closed_days": ("Lukkedage", {"date": "Dato", "reason": "Årsag"}),
    "external_participants": ("Eksterne deltagere", {
        "family_id": "Familie-id", "name": "Navn", "organisation": "Organisation", "contact_role": "Rolle for familien",
        "invited": "Med til opfølgningsmøder", "phone": "Telefon", "email": "E-mail"}),
    "civil_society": ("Foreninger", {
        "name": "Forening", "offer": "Tilbud", "for_whom": "For hvem", "min_age": "Fra alder", "max_age": "Til alder",
        "contact": "Kontakt", "tags": "Passer til behov"}),
}
"""The Danish names of every table and column: the template's sheets and headers, read as well as the English
ones (a team leader's own workbook may use either, in any letter case)."""

TABLES = tuple(replace(t, da=DANISH_NAMES[t.name][0],
                       columns=tuple(replace(c, da=DANISH_NAMES[t.name][1][c.name]) for c in t.columns))
               for t in TABLES)
TABLE_BY_NAME = {t.name: t for t in TABLES}


GUIDE_SHEETS = ("Vejledning", "Lister")
"""The template's own sheets (the guide and its drop-down lists): not data, read past without a word."""


def header_key(text: str) -> str:
    """A header or sheet name as compared: lower case, æ/ø/å spelt out, anything but letters and digits dropped
    ('Møder pr. dag (højst)' and 'moeder_pr_dag_hoejst' are the same)."""
    return re.sub(r"[^a-z0-9]+", "", spelt_out(str(text).strip().lower()))


def table_named(name: str) -> Table | None:
    """The table a sheet or CSV file name (without .csv) stands for: its English or its Danish name."""
    key = header_key(name)
    return next((t for t in TABLES if key in (header_key(t.name), header_key(t.da))), None)

# --------------------------------------------------------------------------- parsing cells

TRUE_WORDS = {"1", "ja", "j", "yes", "y", "true", "sand", "x"}
FALSE_WORDS = {"0", "nej", "n", "no", "false", "falsk"}


class CellError(ValueError):
    def __init__(self, da: str, en: str):
        super().__init__(da)
        self.da, self.en = da, en


def _parse_date(text: str) -> date:
    day = parse_day(text)
    if day is None:
        raise CellError(f"'{text}' er ikke en dato; skriv {DATE_FORMS_DA}", "not a date (DD-MM-YYYY or YYYY-MM-DD)")
    return day


LARGEST_NUMBER = 1_000_000
"""No count, cap, point or minute in a register comes near this; 'nan', 'inf' and 1e308 are typing accidents."""


def _parse_float(text: str) -> float:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise CellError(f"'{text}' er ikke et tal", "not a number") from None
    if not math.isfinite(number) or abs(number) > LARGEST_NUMBER:
        raise CellError(f"'{text}' er ikke et brugbart tal (højst {LARGEST_NUMBER:,})".replace(",", "."),
                        "not a usable number")
    return number


def _parse_int(text: str) -> int:
    try:
        number = _parse_float(text)
    except CellError:
        raise CellError(f"'{text}' er ikke et helt tal", "not a whole number") from None
    if number != int(number):
        raise CellError(f"'{text}' er ikke et helt tal", "not a whole number")
    return int(number)


def _parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"'{text}' skal være ja eller nej", "must be yes or no")


def _parse_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


PARSERS: dict[str, Callable[[str], Any]] = {
    "str": lambda text: text.strip(),
    "int": _parse_int,
    "float": _parse_float,
    "bool": _parse_bool,
    "date": _parse_date,
    "list": _parse_list,
}

# --------------------------------------------------------------------------- reading raw tables


@dataclass
class RawTable:
    table: Table
    label: str  # what the user calls the file, e.g. "staff.csv" or "register.xlsx, ark staff"
    frame: pd.DataFrame  # all cells as str, index = row number the user sees; columns renamed to the contract's
    shown: dict[str, str] = field(default_factory=dict)
    """contract column -> the header as the user wrote it (Danish or English)."""

    def row_of(self, index: int) -> int:
        return int(index)

    def header_of(self, column: str) -> str:
        """The column as the user knows it: their own header, or for a missing column the Danish one if the file
        uses Danish headers."""
        if column in self.shown:
            return self.shown[column]
        danish = any(header_key(h) != header_key(c) for c, h in self.shown.items())
        col = next((c for c in self.table.columns if c.name == column), None)
        return col.da if danish and col is not None and col.da else column


def _raw_table(table: Table, label: str, frame: pd.DataFrame, problems: list[Problem]) -> RawTable:
    """The table with its headers read in Danish or English: columns renamed to the contract's names."""
    by_key = {}
    for col in table.columns:
        by_key[header_key(col.name)] = col.name
        by_key[header_key(col.da)] = col.name
    renamed, shown = {}, {}
    for header in frame.columns:
        name = by_key.get(header_key(header))
        if name is None:
            continue
        if name in shown:
            problems.append(Problem(label, 1, str(header), f"kolonnen står to gange (også som '{shown[name]}'); "
                                    f"den første bruges", "duplicate column", "advarsel"))
            continue
        renamed[header], shown[name] = name, str(header)
    frame = frame.loc[:, [h for h in frame.columns if h in renamed or by_key.get(header_key(h)) is None]]
    return RawTable(table, label, frame.rename(columns=renamed), shown)


def _with_users_headers(problems: list[Problem], raws: dict[str, RawTable]) -> list[Problem]:
    """Problems name the column as the user wrote it (every check works on the contract's names)."""
    by_label = {raw.label: raw for raw in raws.values()}
    out = []
    for problem in problems:
        raw = by_label.get(problem.file)
        if raw is not None and problem.column:
            problem = replace(problem, column=raw.header_of(problem.column))
        out.append(problem)
    return out


class CsvUnreadable(ValueError):
    """A CSV file that cannot be read as a table; the message says where and what to do (Danish)."""


_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _read_csv_text(path: Path) -> str:
    """UTF-8 (what 'CSV UTF-8' in Excel writes), or Windows-1252 (Danish Excel's plain 'CSV').  A UTF-8 file with
    a stray Windows-1252 byte is refused with its line: decoding it either way would garble some letters."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _UTF8_LETTER.search(raw):  # real UTF-8 letters (æ, ø, å) elsewhere: a mixed file
            line = raw[: error.start].count(b"\n") + 1
            raise CsvUnreadable(
                f"linje {line} har et tegn (byte 0x{raw[error.start]:02X}), der ikke er UTF-8, mens resten af filen "
                "er UTF-8. Ret tegnet (typisk æ, ø eller å) og gem filen igen som 'CSV UTF-8'.") from None
    return raw.decode("cp1252", errors="replace")


def _separator(header: str) -> str:
    """Comma, semicolon (Danish Excel) or tab: the one the header line uses most."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _frame_from_csv(path: Path) -> pd.DataFrame:
    """All cells as text, rows numbered as the user sees them; a row with more or fewer cells than the header is
    refused with its line number rather than cut or shifted."""
    text = _read_csv_text(path)
    lines = text.splitlines()
    if not text.strip():
        raise CsvUnreadable("filen er tom; den skal mindst have en overskriftslinje med kolonnenavnene")
    separator = _separator(lines[0])
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    header = [h.strip() for h in rows[0]]
    wrong = [(number, len(row)) for number, row in enumerate(rows[1:], start=2)
             if row and any(c.strip() for c in row) and len(row) != len(header)]
    if wrong:
        shown = ", ".join(f"linje {n} har {k}" for n, k in wrong[:5]) + (" ..." if len(wrong) > 5 else "")
        name = {",": "komma", ";": "semikolon", "\t": "tabulator"}[separator]
        raise CsvUnreadable(
            f"overskriften har {len(header)} kolonner adskilt med {name}, men {shown} – står der et "
            f"{name} inde i en tekst uden anførselstegn?")
    body = [row if row else [""] * len(header) for row in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=str) if body else pd.DataFrame(columns=header, dtype=str)
    return _number_rows(frame)


def _number_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Index rows by the line number a user sees (header = 1) and drop blank lines."""
    frame = frame.fillna("").astype(str)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = range(2, len(frame) + 2)
    blank = frame.apply(lambda row: all(not cell.strip() for cell in row), axis=1) if len(frame) else []
    return frame[~pd.Series(blank, index=frame.index, dtype=bool)] if len(frame) else frame


def _read_raw_tables(path: Path, problems: list[Problem]) -> dict[str, RawTable]:
    """Every table of a folder of CSV files or a workbook, by its English or Danish name."""
    raw: dict[str, RawTable] = {}
    raw_failed: set[str] = set()
    if path.is_dir():
        for file in sorted(path.glob("*.csv")):
            table = table_named(file.stem)
            if table is None:
                problems.append(Problem(file.name, None, None, "filen indgår ikke i datakontrakten og ignoreres",
                                        "unknown file ignored", "advarsel"))
            elif table.name in raw:
                problems.append(Problem(file.name, None, None, f"tabellen findes allerede som {raw[table.name].label}; "
                                        f"denne fil ignoreres", "duplicate table", "advarsel"))
            else:
                try:
                    raw[table.name] = _raw_table(table, file.name, _frame_from_csv(file), problems)
                except (CsvUnreadable, csv.Error) as exc:
                    problems.append(Problem(file.name, None, None, f"filen kan ikke læses som tabel: {exc}",
                                            "unreadable CSV"))
                    raw_failed.add(table.name)
    elif path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            problems.append(Problem(path.name, None, None, f"Excel-filen kan ikke læses: {exc}", "unreadable workbook"))
            return raw
        for sheet, frame in sheets.items():
            if str(sheet).strip() in GUIDE_SHEETS:
                continue
            table = table_named(str(sheet))
            if table is not None and table.name in raw:
                problems.append(Problem(f"{path.name}, ark {sheet}", None, None, f"tabellen findes allerede som "
                                        f"{raw[table.name].label}; arket ignoreres", "duplicate table", "advarsel"))
                continue
            if table is None:
                problems.append(
                    Problem(f"{path.name}, ark {sheet}", None, None, "arket indgår ikke i datakontrakten og ignoreres",
                            "unknown sheet ignored", "advarsel")
                )
                continue
            raw[table.name] = _raw_table(table, f"{path.name}, ark {sheet}", _number_rows(frame), problems)
    elif not path.exists():
        problems.append(Problem(str(path), None, None, "mappen eller filen findes ikke", "no such folder or file"))
    else:
        problems.append(
            Problem(path.name, None, None, "angiv en mappe med CSV-filer eller én .xlsx-fil", "expected a folder or .xlsx")
        )
    for table in TABLES:
        if table.required and table.name in raw and raw[table.name].frame.empty:
            problems.append(Problem(raw[table.name].label, None, None, "der er ingen rækker under overskriften; "
                                    "tabellen skal have mindst én", "no rows"))
        if table.required and table.name not in raw and path.exists() and table.name not in raw_failed:
            problems.append(Problem(table.filename, None, None, f"obligatorisk tabel mangler (en fil {table.filename} "
                                    f"eller et ark '{table.da}')", "required table is missing"))
    return raw


# --------------------------------------------------------------------------- validation


def _find_cpr(raw: RawTable, problems: list[Problem]) -> None:
    """Every cell that could be a CPR number (workbench.cpr); in a workbook also a number whose leading zero
    Excel dropped."""
    numeric_cells = ", ark " in raw.label  # read from a workbook sheet
    for column in raw.frame.columns:
        if looks_like_cpr(column):
            problems.append(Problem(raw.label, 1, column, "kolonnenavnet " + CPR_REFUSED_DA,
                                    "header looks like a CPR number"))
        for index, cell in raw.frame[column].items():
            if looks_like_cpr(cell) or (numeric_cells and number_looks_like_cpr(cell)):
                problems.append(Problem(raw.label, raw.row_of(index), column, CPR_REFUSED_DA,
                                        "looks like a CPR number, refused"))


def _parse_table(raw: RawTable, problems: list[Problem]) -> pd.DataFrame:
    """Typed values per cell (object columns); cells that fail become None with a problem each."""
    table = raw.table
    present = set(raw.frame.columns)
    for column in raw.frame.columns:
        if column not in {c.name for c in table.columns}:
            problems.append(Problem(raw.label, 1, column, "kolonnen kendes ikke og ignoreres", "unknown column ignored", "advarsel"))
    typed: dict[str, list] = {}
    for col in table.columns:
        if col.name not in present:
            if col.required:
                problems.append(Problem(raw.label, 1, col.name, "kolonnen mangler", "column is missing"))
            typed[col.name] = [col.default] * len(raw.frame)
            continue
        values = []
        for index, cell in raw.frame[col.name].items():
            if not cell.strip():
                if not col.blank_ok:
                    problems.append(Problem(raw.label, raw.row_of(index), col.name, "feltet må ikke være tomt", "must not be blank"))
                values.append(col.default)
                continue
            try:
                values.append(PARSERS[col.kind](cell))
            except CellError as error:
                problems.append(Problem(raw.label, raw.row_of(index), col.name, error.da, error.en))
                values.append(None)
        typed[col.name] = values
    return pd.DataFrame(typed, index=raw.frame.index, dtype=object)


def _check_values(raw: RawTable, typed: pd.DataFrame, problems: list[Problem]) -> None:
    table = raw.table
    schema = pa.DataFrameSchema(
        {c.name: pa.Column(object, list(c.checks) + ([_one_of(c.choices)] if c.choices else []), nullable=True)
         for c in table.columns if c.checks or c.choices},
        strict=False,
    )
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for case in errors.failure_cases.itertuples(index=False):
            row = None if pd.isna(case.index) else raw.row_of(int(case.index))
            problems.append(Problem(raw.label, row, case.column, f"'{_show(case.failure_case)}' {case.check}", "invalid value"))
    if table.key and len(typed):
        keys = typed[list(table.key)].astype(str).agg("|".join, axis=1)
        duplicated = keys[keys.duplicated(keep="first")]
        for index, key in duplicated.items():
            first = int(keys[keys == key].index[0])
            problems.append(
                Problem(raw.label, raw.row_of(index), "+".join(table.key),
                        f"'{key}' findes allerede i række {first}", "duplicate key")
            )


def _show(value: Any) -> str:
    if isinstance(value, (tuple, list)):
        return ";".join(map(str, value))
    return str(value)


def _check_periods(raw: RawTable, typed: pd.DataFrame, owner: str, problems: list[Problem]) -> None:
    """Reversed periods and overlapping periods of the same owner are refused."""
    seen: dict[str, list[tuple[date, date, int]]] = {}
    for index, row in typed.iterrows():
        start, end, who = row["start_date"], row["end_date"], row[owner]
        if start is None or end is None:
            continue
        if end < start:
            problems.append(Problem(raw.label, raw.row_of(index), "end_date",
                                    f"slutdato {end} ligger før startdato {start}", "end date before start date"))
            continue
        for other_start, other_end, other_row in seen.get(who, []):
            if start <= other_end and other_start <= end:
                problems.append(Problem(raw.label, raw.row_of(index), "start_date",
                                        f"perioden {start}–{end} overlapper række {other_row} for {who}",
                                        "overlapping periods"))
        seen.setdefault(who, []).append((start, end, raw.row_of(index)))


def _check_reference(raw: RawTable, typed: pd.DataFrame, column: str, known: Iterable[str], what: str,
                     problems: list[Problem]) -> None:
    known = set(known)
    for index, value in typed[column].items():
        if value and value not in known:
            problems.append(Problem(raw.label, raw.row_of(index), column, f"ukendt {what} '{value}'", f"unknown {what}"))


def _cross_checks(raws: dict[str, RawTable], typed: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """Checks across tables (a family's coordinator must be a known staff member who may coordinate, ...)."""
    staff = typed.get("staff", pd.DataFrame(columns=["staff_id", "can_coordinate"]))
    staff_ids = set(staff["staff_id"].dropna())
    coordinators = set(staff.loc[staff["can_coordinate"] == True, "staff_id"])  # noqa: E712 - object column
    role_of = dict(zip(staff["staff_id"], staff["role"])) if "role" in staff else {}
    families = typed.get("families", pd.DataFrame(columns=["family_id"]))
    family_ids = set(families["family_id"].dropna())
    rules = typed.get("followup_rules", pd.DataFrame(columns=["case_basis"]))
    bases = {part.strip() for basis in rules["case_basis"].dropna() for part in str(basis).split("&")}
    if "followup_rules" in typed:
        _check_rules(raws["followup_rules"], typed["followup_rules"], problems)
    if "families" in typed:
        _check_families(raws["families"], typed["families"], bases, staff_ids, coordinators, problems, role_of)
    for name, owner, known, what in (
        ("team", "family_id", family_ids, "familie"),
        ("absences", "staff_id", staff_ids, "medarbejder"),
        ("family_unavailability", "family_id", family_ids, "familie"),
        ("screenings", "family_id", family_ids, "familie"),
        ("persons", "family_id", family_ids, "familie"),
        ("cases", "family_id", family_ids, "familie"),
        ("external_participants", "family_id", family_ids, "familie"),
    ):
        if name in typed:
            _check_reference(raws[name], typed[name], owner, known, what, problems)
    if "team" in typed:
        _check_reference(raws["team"], typed["team"], "staff_id", staff_ids, "medarbejder", problems)
    for name, owner in (("absences", "staff_id"), ("family_unavailability", "family_id")):
        if name in typed:
            _check_periods(raws[name], typed[name], owner, problems)
    if "cases" in typed:
        _check_cases(raws["cases"], typed["cases"], typed.get("persons"), bases, problems,
                     set(rules["rule_id"].dropna()) if "rule_id" in rules else set())
    if "screenings" in typed:
        _check_screenings(raws["screenings"], typed["screenings"], typed.get("persons"), staff_ids, problems)
    if "civil_society" in typed:
        _check_offer_ages(raws["civil_society"], typed["civil_society"], problems)


def _check_offer_ages(raw: RawTable, frame: pd.DataFrame, problems: list[Problem]) -> None:
    """An offer's age range runs from low to high (else it would fit nobody)."""
    for index, row in frame.iterrows():
        low, high = row["min_age"], row["max_age"]
        if low is not None and high is not None and low > high:
            problems.append(Problem(raw.label, raw.row_of(index), "max_age",
                                    f"til alder {high} er lavere end fra alder {low}", "max age below min age"))


def _check_rules(raw: RawTable, frame: pd.DataFrame, problems: list[Problem]) -> None:
    """Each follow-up rule is consistent in itself, and no two versions of one rule start on the same day."""
    for index, row in frame.iterrows():
        low, high = row["min_interval_days"], row["max_interval_days"]
        if low is not None and high and low > high:
            problems.append(Problem(raw.label, raw.row_of(index), "min_interval_days",
                                    f"mindste interval {low} er større end største interval {high}",
                                    "min interval exceeds max interval"))
    for index, row in frame.iterrows():
        if row["valid_to"] is not None and row["valid_from"] is not None and row["valid_to"] < row["valid_from"]:
            problems.append(Problem(raw.label, raw.row_of(index), "valid_to",
                                    f"gælder til {row['valid_to']} før den gælder fra {row['valid_from']}",
                                    "valid_to before valid_from"))
        if row["clock"] == COUNT and not (row["count"] and row["window_days"] and row["max_interval_days"]):
            problems.append(Problem(raw.label, raw.row_of(index), "count",
                                    "en antal-regel skal have count, window_days og max_interval_days",
                                    "count rule needs count, window_days, max_interval_days"))
        if row["clock"] == DEADLINE and not row["max_interval_days"]:
            problems.append(Problem(raw.label, raw.row_of(index), "max_interval_days",
                                    "en frist skal have max_interval_days (dage efter sagens start)",
                                    "deadline needs max_interval_days"))
    keyed = frame[["case_basis", "appointment", "clock", "valid_from"]].astype(str).agg("|".join, axis=1)
    for index in keyed[keyed.duplicated()].index:
        problems.append(Problem(raw.label, raw.row_of(index), "valid_from",
                                "to regler for samme sagsgrundlag, mødetype og frist gælder fra samme dato",
                                "ambiguous rule versions"))


def _check_families(raw: RawTable, frame: pd.DataFrame, bases: set[str], staff_ids: set[str],
                    coordinators: set[str], problems: list[Problem], role_of: dict[str, str] | None = None) -> None:
    """A family's case bases have rules and its coordinators are staff who may coordinate."""
    for index, row in frame.iterrows():
        for basis in row["case_basis"] or ():
            if basis not in bases:
                problems.append(Problem(raw.label, raw.row_of(index), "case_basis",
                                        f"sagsgrundlaget '{basis}' findes ikke i followup_rules",
                                        "case basis has no follow-up rule"))
        for column in ("primary_coordinator", "secondary_coordinator", "preferred_coordinator"):
            value = row.get(column)
            if not value:
                continue
            if value not in staff_ids:
                problems.append(Problem(raw.label, raw.row_of(index), column, f"ukendt medarbejder '{value}'", "unknown staff"))
            elif column == "preferred_coordinator" and not family_may_choose((role_of or {}).get(value, ""),
                                                                              value in coordinators):
                problems.append(Problem(raw.label, raw.row_of(index), column,
                                        f"'{value}' kan ikke vælges som koordinator: kommunen har besluttet, at "
                                        f"familien kan vælge blandt {_roles_da(settings.FAMILY_MAY_CHOOSE_ROLES)} "
                                        f"og dem, der kan koordinere (workbench/settings.py)",
                                        "role may not be chosen"))
            elif value not in coordinators and not (column != "secondary_coordinator"
                                                    and value == row.get("preferred_coordinator")):
                # a family may choose anyone as its coordinator (Hedensted: "uanset faglig baggrund")
                problems.append(Problem(raw.label, raw.row_of(index), column,
                                        f"'{value}' kan ikke være koordinator (can_coordinate = nej), medmindre "
                                        f"familien selv har valgt vedkommende (preferred_coordinator)",
                                        "staff cannot coordinate"))
        for person in row.get("meeting_attendees") or ():
            if person not in staff_ids:
                problems.append(Problem(raw.label, raw.row_of(index), "meeting_attendees",
                                        f"ukendt medarbejder '{person}'", "unknown staff"))
        if row["primary_coordinator"] and row["primary_coordinator"] == row["secondary_coordinator"]:
            problems.append(Problem(raw.label, raw.row_of(index), "secondary_coordinator",
                                    "sekundær koordinator skal være en anden end den primære",
                                    "secondary must differ from primary"))
        if row["secondary_coordinator"] and row["needs_secondary"] is False:
            problems.append(Problem(raw.label, raw.row_of(index), "needs_secondary",
                                    "der er angivet en sekundær koordinator, men needs_secondary er nej",
                                    "secondary given although needs_secondary is no", "advarsel"))


def _roles_da(roles) -> str:
    return ", ".join(sorted(catalogue.role_label(r).lower() for r in roles or ()))


def _check_cases(raw: RawTable, frame: pd.DataFrame, persons: pd.DataFrame | None, bases: set[str],
                 problems: list[Problem], rule_ids: set[str] = frozenset()) -> None:
    """A case has a known basis, closes after it opens, concerns a person of its own family, and names only known
    rules as met."""
    _check_reference(raw, frame, "case_basis", bases, "sagsgrundlag (findes ikke i followup_rules)", problems)
    family_of = dict(zip(persons["person_id"], persons["family_id"])) if persons is not None else {}
    for index, row in frame.iterrows():
        for rule_id in row.get("done_rules") or ():
            if rule_ids and rule_id not in rule_ids:
                problems.append(Problem(raw.label, raw.row_of(index), "done_rules",
                                        f"ukendt regel '{rule_id}' (findes ikke i followup_rules)", "unknown rule"))
        if row["closed_on"] is not None and row["opened_on"] is not None and row["closed_on"] < row["opened_on"]:
            problems.append(Problem(raw.label, raw.row_of(index), "closed_on",
                                    f"sagen er lukket {row['closed_on']} før den blev åbnet {row['opened_on']}",
                                    "closed before opened"))
        if family_of and row["person_id"] not in family_of:
            problems.append(Problem(raw.label, raw.row_of(index), "person_id", f"ukendt person '{row['person_id']}'",
                                    "unknown person"))
        elif family_of and family_of[row["person_id"]] != row["family_id"]:
            problems.append(Problem(raw.label, raw.row_of(index), "person_id",
                                    f"person '{row['person_id']}' hører til familie {family_of[row['person_id']]}",
                                    "person belongs to another family"))


def _check_screenings(raw: RawTable, frame: pd.DataFrame, persons: pd.DataFrame | None, staff_ids: set[str],
                      problems: list[Problem]) -> None:
    """A rating names a known item, a known screener and a person of its own family."""
    _check_reference(raw, frame, "item_id", item_ids(), "screeningsitem", problems)
    _check_reference(raw, frame, "screened_by", staff_ids, "medarbejder", problems)
    if persons is not None:
        family_of = dict(zip(persons["person_id"], persons["family_id"]))
        for index, row in frame.iterrows():
            person = row["person_id"]
            if not person or person == FAMILY_PERSON_ID:
                continue
            if person not in family_of:
                problems.append(Problem(raw.label, raw.row_of(index), "person_id", f"ukendt person '{person}'", "unknown person"))
            elif family_of[person] != row["family_id"]:
                problems.append(Problem(raw.label, raw.row_of(index), "person_id",
                                        f"person '{person}' hører til familie {family_of[person]}",
                                        "person belongs to another family"))


# --------------------------------------------------------------------------- building the model


def _records(rows: list[dict], cls, **convert) -> tuple:
    """Dataclass instances from typed rows; ``convert`` maps a column to a function of its value."""
    names = {f.name for f in fields(cls)}
    out = []
    for row in rows:
        values = {k: v for k, v in row.items() if k in names}
        for column, function in convert.items():
            values[column] = function(values[column])
        out.append(cls(**values))
    return tuple(out)


def _weekday_set(codes: tuple[str, ...]) -> frozenset[int]:
    return frozenset(WEEKDAY_CODES.index(weekday_code(word)) for word in codes)


def _build(typed: dict[str, pd.DataFrame], source: str) -> Register:
    def rows(name: str) -> list[dict]:
        return typed[name].to_dict("records") if name in typed else []

    def blank_to_none(value):
        return value or None

    closed = [{"day": r["date"], "reason": r["reason"]} for r in rows("closed_days")]
    return Register(
        staff=_records(rows("staff"), Staff, workdays=_weekday_set, competences=frozenset, languages=frozenset),
        families=_records(rows("families"), Family, case_basis=tuple, primary_coordinator=blank_to_none,
                          secondary_coordinator=blank_to_none, preferred_coordinator=blank_to_none,
                          meeting_attendees=tuple),
        rules=_records(rows("followup_rules"), FollowupRule),
        team=_records(rows("team"), TeamMember),
        absences=_records(rows("absences"), Absence),
        family_unavailability=_records(rows("family_unavailability"), FamilyUnavailability),
        screenings=_records(rows("screenings"), ScreeningRating),
        persons=_records(rows("persons"), Person),
        closed_days=_records(closed, ClosedDay),
        cases=_records(rows("cases"), Case),
        external_participants=_records(rows("external_participants"), ExternalParticipant),
        civil_society=_records(rows("civil_society"), CivilSocietyOffer,
                               tags=lambda tags: tuple(dict.fromkeys(offer_tag(t) for t in tags))),
        source=source,
    )


def read_register(path: str | Path) -> tuple[Register | None, list[Problem]]:
    """Validate everything; return the register (None if any error) and all problems and warnings."""
    path = Path(path)
    problems: list[Problem] = []
    raws = _read_raw_tables(path, problems)
    typed: dict[str, pd.DataFrame] = {}
    for name, raw in raws.items():
        _find_cpr(raw, problems)
        typed[name] = _parse_table(raw, problems)
        _check_values(raw, typed[name], problems)
    _cross_checks(raws, typed, problems)
    problems = _with_users_headers(problems, raws)
    if any(p.is_error for p in problems):
        return None, problems
    register = _build(typed, str(path))
    calendars = (path if path.is_dir() else path.parent) / CALENDAR_FOLDER
    if calendars.is_dir():  # the staff's own Outlook calendars: their days away join absences.csv
        merged, notes = calendar_absences(calendars, register.staff, register.absences)
        register = register.replace(absences=merged)
        problems += notes
    return register, problems


def default_rules() -> tuple[FollowupRule, ...]:
    """The package's follow-up rules (workbench/data/followup_rules.csv): the law's clocks and the models'."""
    return load_rules(catalogue.data_path("followup_rules.csv"))


def load_rules(path: str | Path) -> tuple[FollowupRule, ...]:
    """The follow-up rules of one ``followup_rules.csv`` (the package's own defaults, say), validated."""
    path = Path(path)
    problems: list[Problem] = []
    raw = _raw_table(TABLE_BY_NAME["followup_rules"], path.name, _frame_from_csv(path), problems)
    typed = _parse_table(raw, problems)
    _check_values(raw, typed, problems)
    if any(p.is_error for p in problems):
        raise RegisterError(problems)
    return _records(typed.to_dict("records"), FollowupRule)


def load_register(path: str | Path) -> Register:
    """The validated register, or :class:`RegisterError` listing every problem."""
    register, problems = read_register(path)
    if register is None:
        raise RegisterError(problems)
    return register


# --------------------------------------------------------------------------- writing


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, frozenset) and value and all(isinstance(v, int) for v in value):
        return ";".join(WEEKDAY_CODES[i] for i in sorted(value))
    if isinstance(value, (frozenset, set)):
        return ";".join(sorted(value))
    if isinstance(value, (tuple, list)):
        return ";".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def register_frames(register: Register) -> dict[str, pd.DataFrame]:
    """The register as one string DataFrame per contract table (round-trips through ``read_register``)."""
    items = {
        "staff": register.staff,
        "absences": register.absences,
        "families": register.families,
        "team": register.team,
        "family_unavailability": register.family_unavailability,
        "followup_rules": register.rules,
        "screenings": register.screenings,
        "persons": register.persons,
        "closed_days": register.closed_days,
        "cases": register.cases,
        "external_participants": register.external_participants,
        "civil_society": register.civil_society,
    }
    frames = {}
    for name, records in items.items():
        columns = [c.name for c in TABLE_BY_NAME[name].columns]
        rows = []
        for record in records:
            values = {f.name: getattr(record, f.name) for f in fields(record)}
            if name == "closed_days":
                values["date"] = values.pop("day")
            rows.append({c: _cell(values.get(c)) for c in columns})
        frames[name] = pd.DataFrame(rows, columns=columns)
    return frames


def write_register(register: Register, target: str | Path) -> Path:
    """Write a folder of CSV files, or one .xlsx with a sheet per table if ``target`` ends in .xlsx."""
    target = Path(target)
    frames = register_frames(register)
    if target.suffix.lower() == ".xlsx":
        target.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(target, engine="xlsxwriter", engine_kwargs={"options": XLSX_OPTIONS}) as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name, index=False)
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(target / f"{name}.csv", index=False)
    return target
