"""Every write to a dossier: one service per transition (DESIGN.md rules 1–2).

Import from here: `from motcua.dossiers import services; services.dossier_accept(code=…, actor=…)`.
"""

from motcua.dossiers.services.core import DossierError, NotAllowed, WrongState
from motcua.dossiers.services.reception import Component, dossier_accept, dossier_receive_at_counter, dossier_submit

__all__ = [
    "Component",
    "DossierError",
    "NotAllowed",
    "WrongState",
    "dossier_accept",
    "dossier_receive_at_counter",
    "dossier_submit",
]
