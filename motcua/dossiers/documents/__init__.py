"""The official one-stop documents (DOMAIN.md §5.12): form sets, PDF rendering, QR codes and the ledger.

`render_form_pdf(dossier=…, kind=…)` prints a dossier's form; `ledger_rows(…)` and `ledger_xlsx(…)`
give the sổ theo dõi hồ sơ.
"""
