from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    verbose_name = "Đơn vị và người dùng"

    def ready(self) -> None:
        from motcua.accounts import checks  # noqa: F401  (registers the deployment checks)
