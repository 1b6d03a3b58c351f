"""``schemalog lint``: event calls in Python code checked against the catalog."""
