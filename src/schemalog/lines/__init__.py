"""Reading JSON-lines inputs (files, ``-``, ``.gz``) for the command line and loaders."""
