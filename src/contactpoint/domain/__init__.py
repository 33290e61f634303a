"""Pure domain: records, identifiers and rules. Imports nothing but the standard library."""
