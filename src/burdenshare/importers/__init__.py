"""Importers for the publishers' own release workbooks (NATO tables, SIPRI Milex).

``read_nato_workbook`` / ``read_sipri_workbook`` parse a workbook into the same validated tidy
frame as the bundled files; ``import_workbook`` stores it as an imported edition in the user data
folder, where the loaders find it (``burdenshare data import nato|sipri FILE.xlsx``).
"""

from .nato_workbook import read_nato_workbook
from .sipri_workbook import default_countries, read_sipri_workbook
from .store import KINDS, ImportResult, import_workbook

__all__ = [
    "KINDS",
    "ImportResult",
    "default_countries",
    "import_workbook",
    "read_nato_workbook",
    "read_sipri_workbook",
]
