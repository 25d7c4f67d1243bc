"""Placeholder until this detector module lands."""
