"""Seeded generators of obviously synthetic municipalities."""
