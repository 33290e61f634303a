"""Normalisation, blocking terms and (later) the Splink model that decides which child a row is about."""
