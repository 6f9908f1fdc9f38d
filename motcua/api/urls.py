"""The /api/v1/ Django Ninja application."""

from ninja import NinjaAPI

api = NinjaAPI(title="motcua API", version="1", urls_namespace="api")
