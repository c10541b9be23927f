"""The local store: what users produce (screenings, plans, scenarios, history) in embedded SQLite.

One file on the user's own machine; nothing leaves it.  Text that looks like a
CPR number is refused here too, because free-text notes are where one slips in.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from workbench.errors import Refusal
from workbench.cpr import looks_like_cpr
from workbench.family_plan import FamilyPlan, plan_from_json, plan_to_json, refuse_cpr
from workbench.model import Assignment, CANCELLED, Meeting, Plan, ScreeningRating

DEFAULT_PATH = Path.home() / ".tvaers" / "tvaers.sqlite3"
SNAPSHOT_KIND = "plan_register"
ANNOUNCED_KIND = "announced_plan"
FAMILY_PLAN_KIND = "family_plan"

SCHEMA = """
CREATE TABLE IF NOT EXISTS screenings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    family_id TEXT NOT NULL, person_id TEXT NOT NULL, item_id TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 3),
    strength INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '',
    screened_on TEXT NOT NULL, screened_by TEXT NOT NULL, saved_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS screenings_family ON screenings (family_id, screened_on);
CREATE TABLE IF NOT EXISTS plans (
    plan_id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL, created_at TEXT NOT NULL,
    start TEXT NOT NULL, "end" TEXT NOT NULL, summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_meetings (
    plan_id INTEGER NOT NULL REFERENCES plans(plan_id) ON DELETE CASCADE,
    meeting_id TEXT NOT NULL, family_id TEXT NOT NULL, day TEXT NOT NULL,
    start_minute INTEGER NOT NULL, end_minute INTEGER NOT NULL, attendees TEXT NOT NULL,
    rule_id TEXT NOT NULL, deadline TEXT NOT NULL, days_late INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'planned', held_on TEXT NOT NULL DEFAULT '', frozen INTEGER NOT NULL DEFAULT 0,
    person_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, meeting_id)
);
CREATE TABLE IF NOT EXISTS plan_team (
    plan_id INTEGER NOT NULL REFERENCES plans(plan_id) ON DELETE CASCADE,
    family_id TEXT NOT NULL, staff_id TEXT NOT NULL,
    PRIMARY KEY (plan_id, family_id, staff_id)
);
CREATE TABLE IF NOT EXISTS plan_assignments (
    plan_id INTEGER NOT NULL REFERENCES plans(plan_id) ON DELETE CASCADE,
    family_id TEXT NOT NULL, primary_coordinator TEXT, secondary_coordinator TEXT, reason TEXT,
    PRIMARY KEY (plan_id, family_id)
);
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL, key TEXT NOT NULL, saved_at TEXT NOT NULL, payload TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL
);
"""


class StoreUnavailable(Refusal):
    """The store file cannot be opened or written (a folder, read-only, no rights)."""


class CprRefused(Refusal):
    """Raised when text handed to the store looks like a CPR number."""


def _refuse_cpr(values: Iterable[Any]) -> None:
    for value in values:
        if isinstance(value, str) and looks_like_cpr(value):
            raise CprRefused("Teksten ligner et CPR-nummer og gemmes ikke. Brug familiens eller personens "
                             "pseudonym-id i stedet.")


class _CprGuardedConnection(sqlite3.Connection):
    """Every text written to the store passes the one CPR detector first (labels, keys, notes, documents, logs)."""

    def execute(self, sql, parameters=(), /):  # type: ignore[override]
        _refuse_cpr(parameters.values() if isinstance(parameters, dict) else parameters)
        return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters, /):  # type: ignore[override]
        rows = [tuple(p) for p in seq_of_parameters]
        for row in rows:
            _refuse_cpr(row)
        return super().executemany(sql, rows)


def _json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True)


class Store:
    """A small repository over one SQLite file; each call opens and closes its own connection."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or os.environ.get("TVAERS_DB") or DEFAULT_PATH)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._create()
        except (OSError, sqlite3.Error):
            why = "det er en mappe" if self.path.is_dir() else "ingen skriveadgang, eller stien findes ikke"
            raise StoreUnavailable(
                f"Lageret {self.path} kan ikke åbnes ({why}). "
                "Sæt TVAERS_DB til en fil, du har skriveadgang til.") from None

    def _create(self) -> None:
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(plan_meetings)")}
            for name, kind in (("status", "TEXT NOT NULL DEFAULT 'planned'"), ("held_on", "TEXT NOT NULL DEFAULT ''"),
                               ("frozen", "INTEGER NOT NULL DEFAULT 0"), ("person_id", "TEXT NOT NULL DEFAULT ''")):
                if name not in columns:  # a store from before meeting statuses existed
                    db.execute(f"ALTER TABLE plan_meetings ADD COLUMN {name} {kind}")
            db.commit()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, factory=_CprGuardedConnection)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    @staticmethod
    def _now() -> str:
        return datetime.now().isoformat(timespec="seconds")

    # ------------------------------------------------------------------ screenings

    def save_screening(self, ratings: Iterable[ScreeningRating]) -> int:
        ratings = list(ratings)
        now = self._now()
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT INTO screenings (family_id, person_id, item_id, score, strength, note, screened_on, screened_by, saved_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(r.family_id, r.person_id, r.item_id, r.score, int(r.strength), r.note, r.screened_on.isoformat(),
                  r.screened_by, now) for r in ratings],
            )
        self.log("screening", {"family_id": ratings[0].family_id if ratings else "", "items": len(ratings)})
        return len(ratings)

    def screenings(self, family_id: str | None = None) -> list[ScreeningRating]:
        query = "SELECT family_id, person_id, item_id, score, screened_on, screened_by, strength, note FROM screenings"
        args: tuple = ()
        if family_id is not None:
            query += " WHERE family_id = ?"
            args = (family_id,)
        with closing(self._connect()) as db:
            rows = db.execute(query + " ORDER BY screened_on, id", args).fetchall()
        return [ScreeningRating(f, p, i, s, date.fromisoformat(on), by, bool(st), note) for f, p, i, s, on, by, st, note in rows]

    # ------------------------------------------------------------------ plans

    def save_plan(self, plan: Plan, label: str = "", snapshot: dict | None = None) -> int:
        """Save a plan (meetings with status, coordinators, team) and, if given, the register it was made from."""
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                'INSERT INTO plans (label, created_at, start, "end", summary) VALUES (?, ?, ?, ?, ?)',
                (label or f"Plan {self._now()}", self._now(), plan.start.isoformat(), plan.end.isoformat(),
                 _json(dict(plan.summary, messages=plan.messages))),
            )
            plan_id = int(cursor.lastrowid)
            self._write_meetings(db, plan_id, plan.meetings + plan.cancelled)
            db.executemany(
                "INSERT INTO plan_assignments VALUES (?, ?, ?, ?, ?)",
                [(plan_id, a.family_id, a.primary_coordinator, a.secondary_coordinator, a.reason) for a in plan.assignments],
            )
            db.executemany("INSERT OR IGNORE INTO plan_team VALUES (?, ?, ?)",
                           [(plan_id, family_id, staff_id) for family_id, members in plan.team.items()
                            for staff_id in members])
        if snapshot is not None:
            self.put(SNAPSHOT_KIND, str(plan_id), snapshot)
        self.log("plan", {"plan_id": plan_id, "meetings": len(plan.meetings)})
        return plan_id

    @staticmethod
    def _write_meetings(db: sqlite3.Connection, plan_id: int, meetings: Iterable[Meeting]) -> None:
        db.executemany(
            "INSERT INTO plan_meetings (plan_id, meeting_id, family_id, day, start_minute, end_minute, attendees, "
            "rule_id, deadline, days_late, status, held_on, frozen, person_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(plan_id, m.meeting_id, m.family_id, m.day.isoformat(), m.start_minute, m.end_minute,
              ";".join(m.attendees), m.rule_id, m.deadline.isoformat(), m.days_late, m.status,
              m.held_on.isoformat() if m.held_on else "", int(m.frozen), m.person_id) for m in meetings],
        )

    def replace_meetings(self, plan_id: int, meetings: Iterable[Meeting], note: str = "") -> None:
        """Write a plan's meetings anew (statuses recorded, meetings moved by hand), in one transaction."""
        meetings = list(meetings)
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM plan_meetings WHERE plan_id = ?", (plan_id,))
            self._write_meetings(db, plan_id, meetings)
        self.log("meeting_status", {"plan_id": plan_id, "note": note})

    def plans(self) -> list[dict]:
        with closing(self._connect()) as db:
            rows = db.execute('SELECT plan_id, label, created_at, start, "end", summary FROM plans ORDER BY plan_id').fetchall()
        return [dict(plan_id=i, label=l, created_at=c, start=s, end=e, summary=json.loads(j)) for i, l, c, s, e, j in rows]

    def load_plan(self, plan_id: int) -> Plan:
        with closing(self._connect()) as db:
            head = db.execute('SELECT start, "end", summary FROM plans WHERE plan_id = ?', (plan_id,)).fetchone()
            if head is None:
                raise KeyError(f"Plan {plan_id} findes ikke")
            meetings = db.execute(
                "SELECT meeting_id, family_id, day, start_minute, end_minute, attendees, rule_id, deadline, days_late, "
                "status, held_on, frozen, person_id FROM plan_meetings WHERE plan_id = ? "
                "ORDER BY day, start_minute, meeting_id",
                (plan_id,)).fetchall()
            assignments = db.execute("SELECT * FROM plan_assignments WHERE plan_id = ? ORDER BY family_id", (plan_id,)).fetchall()
            team_rows = db.execute("SELECT family_id, staff_id FROM plan_team WHERE plan_id = ? ORDER BY rowid",
                                   (plan_id,)).fetchall()
        summary = json.loads(head[2])
        messages = summary.pop("messages", [])
        every = [Meeting(mid, f, date.fromisoformat(d), s, e, tuple(a.split(";")) if a else (), rule,
                         date.fromisoformat(dl), late, status, date.fromisoformat(held) if held else None, bool(frozen),
                         person)
                 for mid, f, d, s, e, a, rule, dl, late, status, held, frozen, person in meetings]
        team: dict[str, tuple[str, ...]] = {}
        for family_id, staff_id in team_rows:
            team[family_id] = team.get(family_id, ()) + (staff_id,)
        return Plan(
            date.fromisoformat(head[0]), date.fromisoformat(head[1]),
            [Assignment(f, p, s, r or "") for _, f, p, s, r in assignments],
            [m for m in every if m.status != CANCELLED], summary, messages,
            cancelled=[m for m in every if m.status == CANCELLED], team=team,
        )

    def snapshot(self, plan_id: int) -> dict | None:
        """The register a saved plan was made from (see ``baseline.register_snapshot``), if it was saved."""
        return self.get(SNAPSHOT_KIND, str(plan_id))

    def announce(self, plan_id: int) -> None:
        """Make this plan *the* announced plan: its planned meetings become announced."""
        with closing(self._connect()) as db, db:
            if db.execute("SELECT 1 FROM plans WHERE plan_id = ?", (plan_id,)).fetchone() is None:
                raise KeyError(f"Plan {plan_id} findes ikke")
            db.execute("UPDATE plan_meetings SET status = 'announced' WHERE plan_id = ? AND status = 'planned'",
                       (plan_id,))
        self.put(ANNOUNCED_KIND, "current", {"plan_id": plan_id})
        self.log("announce", {"plan_id": plan_id})

    def announced_plan_id(self) -> int | None:
        """The plan last approved and announced, if any (and if it still exists)."""
        current = self.get(ANNOUNCED_KIND, "current")
        if not current:
            return None
        plan_id = int(current["plan_id"])
        return plan_id if any(p["plan_id"] == plan_id for p in self.plans()) else None

    # ------------------------------------------------------------------ the family's own plan

    def save_family_plan(self, plan: FamilyPlan) -> None:
        """Save the family's plan (the newest version is the plan; each save is logged with the day and the goals'
        count, never the text, so the history shows that the plan was worked on)."""
        refuse_cpr(plan)
        self.put(FAMILY_PLAN_KIND, plan.family_id, plan_to_json(plan))
        self.log(FAMILY_PLAN_KIND, {"family_id": plan.family_id, "goals": len(plan.goals),
                                    "reviews": len(plan.reviews)})

    def family_plan(self, family_id: str) -> FamilyPlan:
        """The family's saved plan, or an empty one to start from."""
        payload = self.get(FAMILY_PLAN_KIND, family_id)
        return plan_from_json(payload) if payload else FamilyPlan(family_id)

    def family_choices(self) -> dict[str, dict]:
        """What families have chosen on the family plan page (who attends, their coordinator), by family id: the
        next plan uses it instead of ``families.csv``'s columns."""
        out = {}
        for family_id, payload in self.documents(FAMILY_PLAN_KIND).items():
            chosen = plan_from_json(payload).choices()
            if chosen:
                out[family_id] = chosen
        return out

    # ------------------------------------------------------------------ documents and history

    def put(self, kind: str, key: str, payload: Any) -> None:
        """Save any JSON-able document (team proposals, scenarios, cached results) under (kind, key)."""
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?)", (kind, key, self._now(), _json(payload)))

    def get(self, kind: str, key: str, default: Any = None) -> Any:
        with closing(self._connect()) as db:
            row = db.execute("SELECT payload FROM documents WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return json.loads(row[0]) if row else default

    def documents(self, kind: str) -> dict[str, Any]:
        """Every document of one kind, by key (oldest first), read in one query."""
        with closing(self._connect()) as db:
            return {k: json.loads(p) for k, p in db.execute(
                "SELECT key, payload FROM documents WHERE kind = ? ORDER BY saved_at, key", (kind,))}

    def keys(self, kind: str) -> list[str]:
        with closing(self._connect()) as db:
            return [k for (k,) in db.execute("SELECT key FROM documents WHERE kind = ? ORDER BY saved_at, key", (kind,))]

    def log(self, kind: str, payload: Any) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO history (at, kind, payload) VALUES (?, ?, ?)", (self._now(), kind, _json(payload)))

    def history(self, kind: str | None = None) -> list[dict]:
        query, args = "SELECT at, kind, payload FROM history", ()
        if kind:
            query, args = query + " WHERE kind = ?", (kind,)
        with closing(self._connect()) as db:
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [dict(at=a, kind=k, payload=json.loads(p)) for a, k, p in rows]


def as_json(value: Any) -> Any:
    """Dataclasses to plain dicts for :meth:`Store.put`."""
    return asdict(value) if hasattr(value, "__dataclass_fields__") else value
