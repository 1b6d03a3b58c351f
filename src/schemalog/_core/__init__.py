"""The emit core: from a log call's fields to one JSON line on a stdlib LogRecord (private)."""
