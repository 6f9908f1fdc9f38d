"""Back-office dossier pages: short typed views reading through selectors, writing through services (rule 9)."""

from motcua.dossiers.views.detail import dossier_action, dossier_detail, dossier_document
from motcua.dossiers.views.files import dossier_file
from motcua.dossiers.views.lists import dossier_search, ledger, ledger_download, my_queue, return_desk, unit_queue
from motcua.dossiers.views.reception import procedure_picker, reception_desk

__all__ = [
    "dossier_action",
    "dossier_detail",
    "dossier_document",
    "dossier_file",
    "dossier_search",
    "ledger",
    "ledger_download",
    "my_queue",
    "procedure_picker",
    "reception_desk",
    "return_desk",
    "unit_queue",
]
