"""Detection-quality evaluation: labelled transcript cases and the report builder."""
