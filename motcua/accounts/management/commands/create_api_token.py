"""`manage.py create_api_token USERNAME --name NAME [--days N]`: print a new API token once."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.models import User
from motcua.accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một người dùng và in ra một lần duy nhất / create an API token, printed once"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="tên đăng nhập / username")
        parser.add_argument("--name", required=True, help="tên gợi nhớ, ví dụ hệ thống tích hợp / label of the token")
        parser.add_argument("--days", type=int, default=None, help="số ngày hiệu lực (mặc định: không hết hạn)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError("Người dùng không tồn tại / unknown user", returncode=2)
        if not user.is_active:
            raise CommandError("Người dùng đã bị khóa / the user is inactive", returncode=2)
        if not options["name"].strip():
            raise CommandError("Tên mã truy cập không được để trống / the token name is empty", returncode=2)
        try:
            token, raw = api_token_create(user=user, name=options["name"].strip(), days=options["days"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(raw)
        expiry = token.expires_at.isoformat() if token.expires_at else "không hết hạn / never"
        self.stderr.write(
            f"Lưu mã này ngay: sẽ không hiển thị lại. Hết hạn: {expiry} / store it now, it is not shown again"
        )
