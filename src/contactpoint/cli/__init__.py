"""Typer commands: thin wrappers over the use cases in contactpoint.app."""
