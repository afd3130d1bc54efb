"""The demo's maintenance plans, once, through the maintenance services: a quarterly check of
Grupo MercaZona's office router (its first visit already opened as a ticket for the specialists,
with its checklist) and a monthly review of Café Tres Volcanes's hosting on the month's last day
(an RRULE). Its own guard (the first plan's name), like the assets'."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from atiende.accounts.models import Team, User
from atiende.assets.models import Asset
from atiende.core import clock
from atiende.maintenance.models import MaintenancePlan
from atiende.maintenance.services import maintenance_pass, plan_create

ROUTER_PLAN = "Mantenimiento trimestral del router"


def load_demo_maintenance(*, actor: User, now: datetime | None = None) -> int:
    """Create the demo plans unless they exist (or the demo has no assets); returns how many."""
    now = now or clock.now()
    with transaction.atomic():
        router = Asset.objects.filter(identifier="RTX6-MZ-88213").first()
        hosting = Asset.objects.filter(identifier="PLAN-CTV-0412").first()
        if MaintenancePlan.objects.filter(name=ROUTER_PLAN).exists() or router is None or hosting is None:
            return 0
        specialists = Team.objects.get(name="Especialistas")
        with clock.frozen_at(now):
            plan_create(actor=actor, name=ROUTER_PLAN, asset=router, team=specialists, unit="month", interval=3,
                        starts_on=(now + timedelta(days=4)).date(), lead_days=7,
                        checklist=["Limpiar ventilas y revisar temperatura", "Actualizar el firmware",
                                   "Revisar la potencia de la señal en cada piso", "Respaldar la configuración"])
            plan_create(actor=actor, name="Revisión mensual del hosting", asset=hosting, team=specialists,
                        unit="rrule", rule="FREQ=MONTHLY;BYMONTHDAY=-1", starts_on=(now - timedelta(days=30)).date(),
                        lead_days=3, checklist=["Revisar el espacio en disco", "Probar la restauración de un respaldo"])
        with clock.frozen_at(now - timedelta(seconds=1)):  # every demo timestamp falls before the load
            maintenance_pass()
        return 2
