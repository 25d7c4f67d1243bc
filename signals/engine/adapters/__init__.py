"""Platform payloads mapped into canonical events (see each module)."""
