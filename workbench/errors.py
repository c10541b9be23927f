"""Errors that are the user's to fix: their message is shown as it is, never as a system failure."""

from __future__ import annotations


class Refusal(ValueError):
    """An input the tool refuses (a CPR number, an impossible choice); the message is plain Danish and says what
    to do instead.  The pages show it as a warning, the command line exits with code 2."""
