import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from atiende.core.exceptions import Conflict, Invalid
from atiende.customers.identities import normalize_identity
from atiende.customers.models import Customer, Identity
from atiende.customers.services import (
    customer_create,
    customer_get_or_create_by_email,
    customer_get_or_create_by_identity,
)


@pytest.mark.parametrize(
    ("kind", "raw", "clean"),
    [
        ("email", "  Ana@Tienda.MX ", "ana@tienda.mx"),
        ("phone", "55 1234 5678", "+525512345678"),
        ("phone", "+52 (81) 8000-1234", "+528180001234"),
        ("whatsapp", "+1 415 555 2671", "+14155552671"),
        ("telegram", "@Soporte_MX", "@soporte_mx"),
        ("telegram", "123456789", "123456789"),
        # Mexican mobiles: as WhatsApp reports them (old "1" after the country code, no "+"), as
        # people write them, and as the old plan dialled them from abroad: one E.164 number.
        ("whatsapp", "5215512345678", "+525512345678"),
        ("phone", "+52 1 55 1234 5678", "+525512345678"),
        ("phone", "+52 55 1234 5678", "+525512345678"),
        ("phone", "00 52 1 81 8000 1234", "+528180001234"),
        ("whatsapp", "528180001234", "+528180001234"),
        # WhatsApp ids of other countries are international digits too; a national "1…" is not
        # taken for the Mexican mobile prefix.
        ("whatsapp", "14155552671", "+14155552671"),
        ("whatsapp", "5511987654321", "+5511987654321"),
        ("chat", "v_8f3a2c-91", "v_8f3a2c-91"),
        # Address books still hold the prefixes dialled before August 2019: 044/045 for a
        # mobile, 01 for long distance. The ten digits after them are today's number.
        ("phone", "044 55 1234 5678", "+525512345678"),
        ("phone", "045 (33) 1234-5678", "+523312345678"),
        ("phone", "01 81 8000 1234", "+528180001234"),
        ("phone", "01 800 123 4567", "+528001234567"),
    ],
)
def test_identities_normalize(kind, raw, clean):
    assert normalize_identity(kind, raw) == clean


@pytest.mark.parametrize(("kind", "raw"), [("email", "no-es-correo"), ("phone", "12"), ("phone", "hola"), ("telegram", "@a"), ("email", "   "), ("fax", "1"),
     ("whatsapp", "521234"), ("phone", "0445512345678x"), ("chat", "<b>visitante</b>"), ("chat", "a" * 129)])
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


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["5215512345678", "+52 1 55 1234 5678", "+52 55 1234 5678", "55 1234 5678"])
def test_get_or_create_by_identity_finds_a_mexican_mobile_however_written(written):
    known = customer_create(name="Lupita Ramírez", identities={"phone": "+52 55 1234 5678"})
    assert customer_get_or_create_by_identity(kind="whatsapp", value=written, name="Otra") == known
    assert customer_get_or_create_by_identity(kind="phone", value=written) == known
    assert sorted(known.identities.values_list("kind", "value", "is_primary")) == [
        ("phone", "+525512345678", True), ("whatsapp", "+525512345678", True)]
    assert Customer.objects.count() == 1 and Customer.objects.get().name == "Lupita Ramírez"


@pytest.mark.django_db
def test_get_or_create_by_identity_creates_a_customer_without_a_login_named_as_given():
    created = customer_get_or_create_by_identity(kind="telegram", value="987654321", name="  José   Peña Ñúñez ")
    assert (created.name, created.user) == ("José Peña Ñúñez", None)
    assert customer_get_or_create_by_identity(kind="telegram", value="987654321", name="Otro") == created
    decomposed = customer_get_or_create_by_identity(kind="telegram", value="@maria_jose", name="Mari\u0301a\u200b Jose\u0301\n")
    assert decomposed.name == "María José"
    visitor = customer_get_or_create_by_identity(kind="chat", value="v_1")
    assert visitor.name == "v_1" and visitor != created


@pytest.mark.django_db
def test_get_or_create_by_identity_by_email_is_the_email_rule():
    customer = customer_get_or_create_by_identity(kind="email", value="Ana@Tienda.MX", name="Ana")
    assert customer == customer_get_or_create_by_email(email="ana@tienda.mx")
    assert customer.user.email == "ana@tienda.mx"


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "value"), [("fax", "5512345678"), ("whatsapp", "12"), ("chat", ""), ("email", "x")])
def test_get_or_create_by_identity_refuses_bad_identities(kind, value):
    with pytest.raises(Invalid):
        customer_get_or_create_by_identity(kind=kind, value=value)
    assert Customer.objects.count() == 0


@given(kind=st.sampled_from(["phone", "whatsapp"]),
       raw=st.one_of(st.text(max_size=40), st.from_regex(r"\+?(00)?[0-9 ()\-]{0,20}", fullmatch=True)))
def test_a_phone_is_e164_or_refused_and_normalizing_it_again_changes_nothing(kind, raw):
    try:
        value = normalize_identity(kind, raw)
    except ValidationError:
        return
    assert re.fullmatch(r"\+[1-9]\d{6,14}", value)
    assert normalize_identity("phone", value) == normalize_identity("whatsapp", value) == value


@given(area_and_number=st.from_regex(r"[2-9][0-9]{9}", fullmatch=True))
def test_every_written_form_of_a_mexican_number_is_one_value(area_and_number):
    try:
        expected = normalize_identity("phone", area_and_number)
    except ValidationError:
        return  # not an assigned Mexican range
    forms = [f"52{area_and_number}", f"521{area_and_number}", f"+52 1 {area_and_number}", f"+52{area_and_number}",
             f"00 52 {area_and_number}", f"044 {area_and_number}", f"01 {area_and_number}"]
    assert {normalize_identity("whatsapp", form) for form in forms} == {expected}
