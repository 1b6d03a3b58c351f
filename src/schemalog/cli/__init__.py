"""The ``schemalog`` command line: one module per verb, registered in :mod:`.main`."""
