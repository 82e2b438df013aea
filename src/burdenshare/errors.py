"""Exception types raised by burdenshare.

Every error the package raises on purpose derives from :class:`BurdenshareError`, so callers can
catch one type. Messages say what went wrong *and* what to do next.
"""

from __future__ import annotations


class BurdenshareError(Exception):
    """Base class of every error raised on purpose by burdenshare."""


class DataError(BurdenshareError):
    """A data file (bundled or user-supplied) is missing, unreadable or breaks its schema.

    The message names the file and, where it applies, the line, the column, the bad value and what
    was expected.
    """


class ParameterError(BurdenshareError, ValueError):
    """A function or notebook parameter has a value outside its allowed choices."""


class UnitError(BurdenshareError, ValueError):
    """Values in different units, currencies or price bases were about to be mixed."""


class ReportError(BurdenshareError):
    """A report run could not be set up or one of its reports failed."""
