"""Coordinator assignment and follow-up meeting packing (OR-Tools CP-SAT)."""
