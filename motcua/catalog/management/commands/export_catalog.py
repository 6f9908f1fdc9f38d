"""`manage.py export_catalog [--format csv|xlsx] [--output FILE]`: procedure versions in the import layout."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import CATALOG_COLUMNS, catalog_export_rows
from motcua.lib.tables import table_csv_text, table_write_xlsx

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Xuất danh mục thủ tục theo mẫu của import_catalog: CSV ra màn hình, hoặc Excel (--format xlsx --output TỆP)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--format", dest="output_format", choices=["csv", "xlsx"], default="csv", help="csv (mặc định) hoặc xlsx"
        )
        parser.add_argument("--output", help="Ghi vào tệp này thay vì in ra màn hình (bắt buộc với xlsx)")

    def handle(self, *args: Any, output_format: str, output: str | None, **options: Any) -> None:
        rows = catalog_export_rows()
        if output_format == "xlsx":
            if not output:
                raise CommandError(
                    "Cần --output TỆP khi xuất xlsx / --output is required for xlsx", returncode=EXIT_BAD_INPUT
                )
            table_write_xlsx(output, CATALOG_COLUMNS, rows, title="thu_tuc")
        elif output:
            # A BOM lets Excel recognise UTF-8, so Vietnamese names open correctly.
            Path(output).write_text(table_csv_text(CATALOG_COLUMNS, rows), encoding="utf-8-sig", newline="")
        else:
            self.stdout.write(table_csv_text(CATALOG_COLUMNS, rows), ending="")
