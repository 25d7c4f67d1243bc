"""Every write of the coaching app lives in a module here, one per noun."""
