from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from atiende.core.admin import ThroughServicesAdmin
from atiende.core.exceptions import Invalid

from .models import CreditLimit
from .services import credit_limit_set


@admin.register(CreditLimit)
class CreditLimitAdmin(ThroughServicesAdmin):
    """Approval limits per role, saved through `credit_limit_set` (admins only, audited). A role
    without a row has the defaults (agent 500/2,000 MXN, supervisor 5,000/50,000, admin none)."""

    list_display = ["role", "per_credit", "per_month", "updated_at"]
    fields = ["role", "per_credit", "per_month"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["role"] if obj is not None else []

    def create(self, request: HttpRequest, values: dict[str, Any]) -> CreditLimit:
        return credit_limit_set(actor=request.user, role=values.get("role"), per_credit=values.get("per_credit"),
                                per_month=values.get("per_month"))

    def update(self, request: HttpRequest, current: CreditLimit, values: dict[str, Any]) -> CreditLimit:
        return credit_limit_set(actor=request.user, role=current.role,
                                per_credit=values.get("per_credit", current.per_credit),
                                per_month=values.get("per_month", current.per_month))

    def remove(self, request: HttpRequest, current: CreditLimit) -> None:
        raise Invalid(code="limits_are_kept")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
