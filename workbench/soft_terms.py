"""Soft terms of a CP-SAT objective, named: so a plan's cost can be explained from the objective itself.

A model builds its objective as a list of ``SoftTerm`` (label, weight, expression) and minimises
``objective(terms)``; ``explain_objective(model, solver)`` then lists what each term contributed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence


@dataclass(frozen=True)
class SoftTerm:
    label: str
    """What the term counts, in Danish (what a team leader reads)."""
    weight: int
    """Its weight in the objective (negative: a reward)."""
    expression: Any
    """A literal or linear expression of the model, unweighted."""


@dataclass(frozen=True)
class Contribution:
    label: str
    weight: int
    value: int
    """The expression's value in the solution."""

    @property
    def cost(self) -> int:
        """What the term adds to the objective."""
        return self.weight * self.value


class HasSoftTerms(Protocol):
    soft_terms: Sequence[SoftTerm]


def objective(terms: Sequence[SoftTerm]):
    """The weighted sum of the terms, to minimise."""
    return sum(term.weight * term.expression for term in terms)


def explain_objective(model: HasSoftTerms, solver) -> list[Contribution]:
    """Each soft term of a solved model's objective with its value and cost (they add up to the objective)."""
    return [Contribution(term.label, term.weight, int(round(solver.value(term.expression))))
            for term in model.soft_terms]
