"""privgw's version, in a module of its own: what reads it (the generator mark in templates,
the lint cache key, --version, packaging) imports nothing else of privgw."""

__version__ = "0.1.0"
