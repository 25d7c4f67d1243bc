"""Offline training and evaluation helpers for the intent detector (dev only; never imported by
the engine)."""
