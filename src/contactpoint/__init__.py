"""contactpoint: a national index of children for the practitioners who work with them."""

__version__ = "0.1.0"
