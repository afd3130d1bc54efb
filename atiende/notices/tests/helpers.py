"""Building audiences for the notice tests."""

from __future__ import annotations

from atiende.customers.models import Customer, Identity, IdentityKind, Organization, Segment
from atiende.customers.services import organization_create


def crowd(size: int, *, name: str = "Clientes masivos", segment: str = Segment.INDIVIDUAL) -> Organization:
    """An organization of `size` customers, each with one email (bulk-made: the services would
    take minutes for thousands, and the notice reads only these rows)."""
    org = organization_create(actor=None, name=name, segment=segment)
    customers = Customer.objects.bulk_create(
        [Customer(name=f"Cliente {n:05d} Pérez", organization=org) for n in range(size)], batch_size=1000)
    if customers and customers[0].pk is None:  # a database that does not return ids
        customers = list(Customer.objects.filter(organization=org).order_by("pk"))
    slug = org.pk
    Identity.objects.bulk_create([Identity(customer=c, kind=IdentityKind.EMAIL, value=f"c{n}.o{slug}@masivo.example.mx",
                                           is_primary=True) for n, c in enumerate(customers)], batch_size=1000)
    return org
