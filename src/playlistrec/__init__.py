"""playlistrec: playlist continuation with sentence-transformer title encoders on MPD-format data."""

__version__ = "0.1.0"
