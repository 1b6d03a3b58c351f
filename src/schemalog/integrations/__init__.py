"""Integrations: schemalog behind the APIs users already write to (structlog, web frameworks).

Each module here imports its library on import, so importing ``schemalog`` never does.
"""
