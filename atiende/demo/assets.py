"""The demo's catalogue and customers' assets, once, through the assets services: what a .mx
registrar and hosting company sells, and what its demo customers have of it — some in warranty,
one with an extended warranty that starts the day the standard one ends, some out of warranty.

Its own guard (the first product's SKU), so a database that had the demo before assets existed
gets them on the next `atiende demo`, and a second run creates nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction

from atiende.accounts.models import User
from atiende.assets.coverage import standard_period
from atiende.assets.models import Product
from atiende.assets.services import asset_create, product_create, warranty_add
from atiende.core import clock
from atiende.customers.models import Identity, Organization

# (SKU, name, kind, warranty months, terms, maintainable, returnable, installable)
PRODUCTS = (
    ("DOM-MX", "Dominio .mx", "domain", 12, "Registro por un año; renovación automática opcional.", False, False, False),
    ("DOM-COMMX", "Dominio .com.mx", "domain", 12, "Registro por un año.", False, False, False),
    ("HOST-PYME", "Hosting Pyme", "hosting_plan", 12,
     "Disponibilidad del 99.9 % mensual; respaldo diario con 7 días de retención.", True, False, False),
    ("HOST-EMP", "Hosting Empresarial", "hosting_plan", 12,
     "Disponibilidad del 99.95 % mensual; respaldo cada 6 horas; servidor dedicado de base de datos.", True, False, False),
    ("SSL-DV", "Certificado SSL DV", "certificate", 12, "Reemisión sin costo durante la vigencia.", False, False, True),
    ("M365-EMP", "Licencia Microsoft 365 Empresa Básico", "software_licence", 12,
     "Licencia anual por usuario; soporte de instalación incluido.", False, False, True),
    ("RTR-WIFI6", "Router Wi-Fi 6 para oficina", "device", 12,
     "Garantía del fabricante contra defectos; no cubre daños por descargas eléctricas.", True, True, True),
    ("SOP-MENS", "Póliza de soporte técnico mensual", "service", 0, "", True, False, False),
)

# (owner email or organization name, SKU, identifier, days before the load it was bought, attributes)
ASSETS = (
    ("Café Tres Volcanes", "DOM-MX", "cafetresvolcanes.mx", 200, {"registrar": "atiende.mx", "auto_renew": True}),
    ("Café Tres Volcanes", "DOM-COMMX", "cafetresvolcanes.com.mx", 500, {"registrar": "atiende.mx", "auto_renew": False}),
    ("Café Tres Volcanes", "HOST-PYME", "PLAN-CTV-0412", 300, {"server": "mx-gdl-07", "disk_gb": 20}),
    ("Grupo MercaZona", "HOST-EMP", "PLAN-MZ-0007", 420, {"server": "mx-qro-02", "disk_gb": 500}),
    ("Grupo MercaZona", "SSL-DV", "mercazona.com.mx", 90, {"common_name": "mercazona.com.mx", "issuer": "Sectigo"}),
    ("Grupo MercaZona", "RTR-WIFI6", "RTX6-MZ-88213", 330, {"model": "AX3000", "firmware": "1.4.2"}),
    ("Grupo MercaZona", "M365-EMP", "M365-MZ-2025", 400, {"seats": 40}),
    ("Noticias del Bajío", "DOM-MX", "noticiasdelbajio.mx", 700, {"registrar": "atiende.mx", "auto_renew": True}),
    ("Noticias del Bajío", "HOST-PYME", "PLAN-NB-1180", 60, {"server": "mx-gdl-03", "disk_gb": 50}),
    ("gabriel.ortiz@demo.atiende.mx", "DOM-MX", "mi-negocio.mx", 150, {"auto_renew": True}),
    ("gabriel.ortiz@demo.atiende.mx", "RTR-WIFI6", "RTX6-GO-10457", 800, {"model": "AX1800"}),
    ("patricia.rios@demo.atiende.mx", "DOM-COMMX", "consultorio-rios.com.mx", 380, {"auto_renew": False}),
    ("patricia.rios@demo.atiende.mx", "SOP-MENS", "POL-PR-001", 45, {"hours_included": 4}),
    ("veronica.lara@demo.atiende.mx", "HOST-PYME", "PLAN-VL-2231", 20, {"disk_gb": 10}),
)
EXTENDED = {  # identifier -> (days the extension lasts, what it covers)
    # Starts the day the standard warranty ends: one unbroken coverage, shown as "extended".
    "RTX6-MZ-88213": (365, "Reemplazo en sitio al siguiente día hábil."),
    "PLAN-MZ-0007": (730, "Soporte prioritario y migraciones sin costo."),
}


def load_demo_assets(*, actor: User, now: datetime | None = None) -> int:
    """Create the demo products and assets unless they exist; returns how many assets."""
    now = now or clock.now()
    with transaction.atomic():
        if Product.objects.filter(sku=PRODUCTS[0][0]).exists():
            return 0
        today = now.date()
        with clock.frozen_at(now - timedelta(days=900)):
            products = {spec[0]: product_create(
                actor=actor, sku=spec[0], name=spec[1], kind=spec[2], warranty_months=spec[3], warranty_terms=spec[4],
                is_maintainable=spec[5], is_returnable=spec[6], is_installable=spec[7]) for spec in PRODUCTS}
        organizations = dict(Organization.objects.values_list("name", "pk"))
        emails = dict(Identity.objects.filter(kind="email").values_list("value", "customer_id"))
        for owner, sku, identifier, days, attributes in ASSETS:
            bought: date = today - timedelta(days=days)
            ownership = ({"organization": organizations[owner]} if owner in organizations
                         else {"customer": emails[owner]})
            with clock.frozen_at(now - timedelta(days=days)):
                asset = asset_create(actor=actor, product=products[sku], identifier=identifier, purchased_on=bought,
                                     attributes=attributes, order_ref=f"F-{2000 + len(identifier) * days % 7919}",
                                     **ownership)
            if identifier in EXTENDED:
                length, covers = EXTENDED[identifier]
                standard = standard_period(bought, products[sku].warranty_months)
                warranty_add(actor=actor, asset=asset, starts_on=standard.ends_on, ends_on=standard.ends_on + timedelta(days=length),
                             covers=covers, excludes="Daños por mal uso o desastres naturales.")
        return len(ASSETS)
