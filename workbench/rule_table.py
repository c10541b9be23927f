"""The README's table of follow-up rules, written from the rules file itself (``python -m workbench.rule_table``).

So the documentation can never drift from the data: a test compares the README with what this prints.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from workbench.model import APPOINTMENTS, FollowupRule

START, END = "<!-- rules:start -->", "<!-- rules:end -->"
CLOCK_TEXT = {"kadence": "højst {max} dage mellem møderne", "frist": "én gang, senest {max} dage efter sagens start",
              "antal": "mindst {count} i de første {window} dage; det første inden {first} dage, højst {max} dage imellem"}


def _timing(rule: FollowupRule) -> str:
    if rule.clock == "kadence" and rule.max_interval_days <= 0:
        text = "fastsat i sagen"
    else:
        text = CLOCK_TEXT[rule.clock].format(max=rule.max_interval_days, count=rule.count, window=rule.window_days,
                                             first=rule.first_days)
    if rule.clock == "kadence" and rule.first_days:
        text = f"første gang senest {rule.first_days} dage efter start, derefter {text}"
    return text


def _dates(rule: FollowupRule) -> str:
    if rule.valid_to is None:
        return f"fra {rule.valid_from:%d.%m.%Y}"
    return f"{rule.valid_from:%d.%m.%Y}–{rule.valid_to:%d.%m.%Y}"


def rules_markdown(rules: list[FollowupRule]) -> str:
    """A Markdown table: one row per rule, law or model and paragraph first."""
    lines = ["| rule | kind | case basis | who meets | clock | law or model | paragraph | in force |",
             "|---|---|---|---|---|---|---|---|"]
    for rule in sorted(rules, key=lambda r: (r.kind != "lovkrav", r.law, r.rule_id)):
        lines.append(f"| `{rule.rule_id}` | {rule.kind or 'ikke angivet'} | {rule.case_basis} | "
                     f"{APPOINTMENTS.get(rule.appointment, rule.appointment)} | {_timing(rule)} | {rule.law} | "
                     f"{rule.paragraph or '–'} | {_dates(rule)} |")
    return "\n".join(lines)


def readme_with_table(readme: str, rules: list[FollowupRule]) -> str:
    """The README with the block between the markers replaced by the current table."""
    block = f"{START}\n{rules_markdown(rules)}\n{END}"
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


def main(path: str = "README.md") -> None:
    from workbench.io.register import default_rules

    readme = Path(path)
    readme.write_text(readme_with_table(readme.read_text("utf-8"), list(default_rules())), "utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
