"""Importers for the publishers' own release files: NATO and SIPRI workbooks, Kiel's release files.

``read_nato_workbook`` / ``read_sipri_workbook`` / ``read_kiel_release`` parse a release into the
same validated tidy tables as the bundled files; ``import_release`` (and ``import_workbook``,
``import_kiel``) stores it in the user data folder, where the loaders find it (``burdenshare data
import nato|sipri|kiel SOURCE``). ``verify_imported`` checks that folder against its manifest.
"""

from .kiel_release import KielRelease, read_kiel_release
from .kinds import KINDS, import_kiel, import_release, import_workbook
from .nato_workbook import read_nato_workbook
from .sipri_workbook import default_countries, read_sipri_workbook
from .store import ImportResult, StoredTable, verify_imported

__all__ = [
    "KINDS",
    "ImportResult",
    "KielRelease",
    "StoredTable",
    "default_countries",
    "import_kiel",
    "import_release",
    "import_workbook",
    "read_kiel_release",
    "read_nato_workbook",
    "read_sipri_workbook",
    "verify_imported",
]
