"""Example motrix env plugin: ``planar-reach``, a two-link arm reaching for a target."""
