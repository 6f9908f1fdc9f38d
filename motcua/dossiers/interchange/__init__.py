"""The dossier interchange format (DESIGN.md stable contract): JSON Lines with the national portal's field names.

One JSON object per line, one dossier per object; docs/interchange-format.md is the reference. The
portal's fields (MaHoSo, MaTTHC, …; DOMAIN.md §7.4) keep their names and meaning; what the portal
lacks travels in extension fields prefixed `x_`. `dossier_import_lines` writes (one transaction, all
or nothing unless told to skip bad lines); `dossier_export_lines` streams the same format back.
"""

from motcua.dossiers.interchange.importing import ImportReport, dossier_import_lines
from motcua.dossiers.interchange.lines import (
    DATES,
    DossierRecord,
    LineError,
    record_json,
    record_parse,
    timestamp_format,
    timestamp_parse,
)
from motcua.dossiers.interchange.stored import dossier_export_lines, record_of_dossier

__all__ = [
    "DATES",
    "DossierRecord",
    "ImportReport",
    "LineError",
    "dossier_export_lines",
    "dossier_import_lines",
    "record_json",
    "record_of_dossier",
    "record_parse",
    "timestamp_format",
    "timestamp_parse",
]
