import pytest
from django.core.exceptions import ValidationError

from atiende.core.exceptions import Conflict, Invalid
from atiende.customers.identities import normalize_identity
from atiende.customers.models import Identity
from atiende.customers.services import customer_create, customer_get_or_create_by_email


@pytest.mark.parametrize(
    ("kind", "raw", "clean"),
    [
        ("email", "  Ana@Tienda.MX ", "ana@tienda.mx"),
        ("phone", "55 1234 5678", "+525512345678"),
        ("phone", "+52 (81) 8000-1234", "+528180001234"),
        ("whatsapp", "+1 415 555 2671", "+14155552671"),
        ("telegram", "@Soporte_MX", "@soporte_mx"),
        ("telegram", "123456789", "123456789"),
    ],
)
def test_identities_normalize(kind, raw, clean):
    assert normalize_identity(kind, raw) == clean


@pytest.mark.parametrize(("kind", "raw"), [("email", "no-es-correo"), ("phone", "12"), ("phone", "hola"), ("telegram", "@a"), ("email", "   "), ("fax", "1")])
def test_bad_identities_are_refused(kind, raw):
    with pytest.raises(ValidationError):
        normalize_identity(kind, raw)


@pytest.mark.django_db
def test_identities_are_unique_per_kind():
    customer_create(name="Uno", identities={"email": "uno@x.mx", "phone": "5512345678"})
    with pytest.raises(Conflict):
        customer_create(name="Dos", identities={"phone": "+52 55 1234 5678"})
    assert Identity.objects.filter(kind="phone").count() == 1


@pytest.mark.django_db
def test_customer_needs_an_identity_and_valid_values():
    with pytest.raises(Invalid):
        customer_create(name="Nadie", identities={})
    with pytest.raises(Invalid) as error:
        customer_create(name="Mal", identities={"email": "x", "phone": "1"})
    assert set(error.value.fields) == {"email", "phone"}


@pytest.mark.django_db
def test_get_or_create_by_email_is_case_insensitive():
    first = customer_get_or_create_by_email(email="Nuevo@Correo.mx")
    assert customer_get_or_create_by_email(email="nuevo@correo.MX") == first
    assert first.user.email == "nuevo@correo.mx" and not first.user.has_usable_password()
