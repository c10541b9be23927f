"""Tværs: screening and caseload planning workbench for whole-family social work."""

__version__ = "0.1.0"
