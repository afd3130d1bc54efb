"""The reply checker in a real browser: the agent writes "TE AVISAMOS PRONTO", sees the shouting
and the vague promise, fixes both from the suggestions and sends; a finding an administrator
marked asks once before sending; internal notes are not checked."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from atiende.replycheck.models import CheckerSettings
from atiende.tickets.models import Message

from .test_ticket_page import open_ticket, same_document

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def finding(page, code: str):
    return page.locator(f'#reply-check .finding[data-code="{code}"]')


def test_agent_fixes_shouting_and_a_vague_promise_then_sends(world, live_server, page, login):
    ticket = open_ticket(page, live_server, login, world)
    body = page.locator("#composer-body")
    body.fill("TE AVISAMOS PRONTO")
    expect(finding(page, "all_caps")).to_be_visible()
    expect(finding(page, "vague_time")).to_be_visible()
    with translation.override("es-mx"):  # the browser reads the workspace in es-MX
        shouting = gettext("Capitals read as shouting. Write it in normal case.")
    assert shouting != "Capitals read as shouting. Write it in normal case."
    expect(finding(page, "all_caps")).to_contain_text(shouting)

    finding(page, "all_caps").locator(".finding-fix").first.click()
    expect(body).to_have_value("Te avisamos pronto")
    expect(finding(page, "all_caps")).to_have_count(0)
    finding(page, "vague_time").locator(".finding-fix").first.click()
    expect(body).to_have_value("Te avisamos hoy antes de las 18:00")
    expect(finding(page, "vague_time")).to_have_count(0)
    expect(finding(page, "no_greeting")).to_be_visible()  # the rest stay as suggestions; sending is not blocked

    page.locator("#composer-send").click()
    expect(page.locator("#composer-feedback .notice")).to_be_visible()
    reply = Message.objects.get(ticket=ticket, body_text="Te avisamos hoy antes de las 18:00")
    assert reply.kind == "public" and reply.author_user == world.agent1
    expect(page.locator(f"#item-m{reply.pk}")).to_contain_text("Te avisamos hoy antes de las 18:00")
    assert same_document(page)


def test_a_marked_finding_asks_once_before_sending(world, live_server, page, login):
    CheckerSettings.objects.update_or_create(pk=1, defaults={"confirm_codes": ["vague_time"]})
    ticket = open_ticket(page, live_server, login, world)
    page.locator("#composer-body").fill("Hola, Ana:\n\nTe aviso pronto.\n\nSaludos,\nUlises")
    page.locator("#composer-send").click()
    ask = page.locator("#reply-check .reply-check-confirm")
    expect(ask).to_be_visible()
    expect(finding(page, "vague_time")).to_be_visible()
    assert not Message.objects.filter(ticket=ticket, body_text__contains="Te aviso pronto").exists()
    ask.locator(".reply-check-send").click()
    expect(page.locator("#composer-feedback .notice")).to_be_visible()
    assert Message.objects.filter(ticket=ticket, body_text__contains="Te aviso pronto", kind="public").count() == 1


def test_internal_notes_are_not_checked(world, live_server, page, login):
    ticket = open_ticket(page, live_server, login, world)
    page.locator("#composer-kind-internal").check()
    page.locator("#composer-body").fill("TE AVISAMOS PRONTO")
    page.wait_for_timeout(900)  # past the checker's pause after typing
    expect(page.locator("#reply-check .finding")).to_have_count(0)
    page.locator("#composer-send").click()
    expect(page.locator("#composer-feedback .notice")).to_be_visible()
    assert Message.objects.get(ticket=ticket, body_text="TE AVISAMOS PRONTO").kind == "internal"
