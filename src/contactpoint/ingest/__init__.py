"""Feeds in: readers, declarative per-source mappings, the idempotent pipeline and its reports."""
