"""management.commands."""
