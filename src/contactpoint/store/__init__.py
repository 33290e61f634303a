"""SQLAlchemy tables and the repository: the only place SQL lives."""
