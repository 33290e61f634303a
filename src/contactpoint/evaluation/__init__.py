"""Evaluation and demo code: synthetic feeds replayed, demo data and accounts, training data.

Nothing in production imports this package (an import-linter contract keeps it so); the command
line offers it through `contactpoint.console`, the entry point that adds the synthetic tools.
"""
