"""Intake screening of the whole family and the team it calls for."""
