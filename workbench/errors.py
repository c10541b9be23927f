"""Errors that are the user's to fix: their message is shown as it is, never as a system failure.

Problems found in user input are phrased for a team leader in Danish (an English gloss is kept with each problem
but never shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


class Refusal(ValueError):
    """An input the tool refuses (a CPR number, an impossible choice); the message is plain Danish and says what
    to do instead.  The pages show it as a warning, the command line exits with code 2."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what to do about it."""

    file: str
    row: int | None
    column: str | None
    message: str
    message_en: str = ""
    severity: str = "fejl"  # "fejl" stops loading, "advarsel" is shown but loading goes on

    @property
    def is_error(self) -> bool:
        return self.severity == "fejl"

    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"række {self.row}")
        if self.column:
            parts.append(f"kolonne '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message}"
        if not self.is_error:
            text = "Advarsel: " + text
        return text


class RegisterError(Exception):
    """Raised with every problem at once, so the user can fix them in one go."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.is_error]
        head = f"Sagsregistret kan ikke indlæses: {len(errors)} fejl"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))
