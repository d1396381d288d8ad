"""The ``motrix`` command line."""
