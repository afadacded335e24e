"""Accords registry models (filled by the accords issue)."""
