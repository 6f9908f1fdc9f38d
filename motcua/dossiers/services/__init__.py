"""Every write to a dossier: one service per transition (DESIGN.md rules 1–2).

Import from here: `from motcua.dossiers import services; services.dossier_accept(code=…, actor=…)`.
The portal's online submission and supplement live in `services.online` (it needs `dossiers.uploads`,
which itself needs `services.core`, so it is not imported here).
"""

from motcua.dossiers.services.citizen_codes import (
    CodeRefused,
    CodeSendRefused,
    Contact,
    citizen_code_send,
    citizen_code_verify,
    contact_parse,
)
from motcua.dossiers.services.closing import (
    dossier_approve_apology,
    dossier_decide,
    dossier_deliver,
    dossier_draft_apology,
    dossier_request_withdrawal,
    dossier_stop,
)
from motcua.dossiers.services.core import DossierError, NotAllowed, Notice, WrongState
from motcua.dossiers.services.processing import (
    dossier_assign,
    dossier_consult,
    dossier_consult_reply,
    dossier_forward,
    dossier_receive_supplement,
    dossier_record_payment,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return_step,
    dossier_transfer,
)
from motcua.dossiers.services.rating import UnknownDossier, dossier_rate, rating_follow_up_record
from motcua.dossiers.services.reception import (
    Component,
    DeskOutcome,
    dossier_accept,
    dossier_receive_at_counter,
    dossier_refuse,
    dossier_register_at_desk,
    dossier_request_completion,
    dossier_resubmit,
    dossier_submit,
)

__all__ = [
    "CodeRefused",
    "CodeSendRefused",
    "Component",
    "Contact",
    "DeskOutcome",
    "DossierError",
    "NotAllowed",
    "Notice",
    "UnknownDossier",
    "WrongState",
    "citizen_code_send",
    "citizen_code_verify",
    "contact_parse",
    "dossier_accept",
    "dossier_approve_apology",
    "dossier_assign",
    "dossier_consult",
    "dossier_consult_reply",
    "dossier_decide",
    "dossier_deliver",
    "dossier_draft_apology",
    "dossier_forward",
    "dossier_rate",
    "dossier_receive_at_counter",
    "dossier_receive_supplement",
    "dossier_record_payment",
    "dossier_refuse",
    "dossier_register_at_desk",
    "dossier_request_completion",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_request_withdrawal",
    "dossier_resubmit",
    "dossier_return_step",
    "dossier_stop",
    "dossier_submit",
    "dossier_transfer",
    "rating_follow_up_record",
]
