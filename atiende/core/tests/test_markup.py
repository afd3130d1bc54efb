"""The HTML built in Python for speed equals what Django's templates would make of the same input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from atiende.core.forms import INPUT_TEMPLATES, FastInputRenderer
from atiende.core.markup import option_tags, time_tag

HOSTILE = '"><img src=x onerror=alert(1)> & \'quoted\''


class EveryInput(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal", "autofocus": True, "hidden": False}))
    hostile = forms.CharField(widget=forms.TextInput(attrs={"data-note": HOSTILE, "data-none": None}))
    hidden = forms.CharField(widget=forms.HiddenInput, show_hidden_initial=True)
    number = forms.IntegerField(min_value=1, max_value=9)
    email = forms.EmailField(required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    checked = forms.BooleanField(required=False)
    file = forms.FileField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    url = forms.URLField(assume_scheme="https")
    safe = forms.CharField()


@pytest.mark.parametrize("data", [
    None,  # unbound: initial values
    {"text": HOSTILE, "hostile": "ok", "hidden": HOSTILE, "initial-hidden": "<b>", "number": "12", "email": HOSTILE,
     "date": "2026-13-45", "checked": "on", "password": HOSTILE, "url": "javascript:alert(1)", "safe": "x"},
])
def test_inputs_render_exactly_as_djangos_templates_do(data):
    initial = {"text": "Ñandú & <co>", "hidden": HOSTILE, "number": 3, "checked": True, "safe": mark_safe("<i>safe</i>")}
    ours = EveryInput(data, initial=initial, renderer=FastInputRenderer())
    django = EveryInput(data, initial=initial, renderer=DjangoTemplates())

    rendered = 0
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name
        rendered += 1
    assert ours["hidden"].as_hidden(only_initial=True) == django["hidden"].as_hidden(only_initial=True)
    assert rendered == len(EveryInput.base_fields)
    assert '<img' not in str(ours["hostile"]) and "&quot;&gt;&lt;img" in str(ours["hostile"])


def test_only_widgets_whose_template_is_the_plain_input_are_taken_over():
    renderer = DjangoTemplates()
    for name in INPUT_TEMPLATES:
        source = renderer.get_template(name).template.source.strip()
        assert source == '{% include "django/forms/widgets/input.html" %}', name
    select = forms.Select(choices=[("a", "A")]).render("s", "a", renderer=FastInputRenderer())
    assert select == forms.Select(choices=[("a", "A")]).render("s", "a", renderer=DjangoTemplates())


@pytest.mark.parametrize("chosen", [None, "", "2", 2, ("1", "3"), ["<x>"]])
def test_option_tags_match_a_template_loop(chosen):
    choices = [(1, "Uno & dos"), ("2", HOSTILE), (3, "Tres"), ("<x>", "<x>")]
    chosen_texts = {str(c) for c in chosen} if isinstance(chosen, tuple | list) else {str(chosen)} if chosen not in (None, "") else set()
    loop = Template(
        '{% for value, label in choices %}<option value="{{ value }}"{% if value in chosen %} selected{% endif %}>{{ label }}</option>{% endfor %}'
    ).render(Context({"choices": [(str(v), label) for v, label in choices], "chosen": chosen_texts}))
    assert option_tags(choices, chosen) == loop


def test_option_tags_take_rows_with_pk_and_name():
    class Row:
        def __init__(self, pk, name):
            self.pk, self.name = pk, name

    assert option_tags([Row(7, "<b>Siete</b>")], 7) == '<option value="7" selected>&lt;b&gt;Siete&lt;/b&gt;</option>'


@pytest.mark.parametrize(("language", "zone"), [("es-mx", "America/Mexico_City"), ("en", "America/Tijuana")])
def test_time_tag_matches_the_date_filter_in_the_viewers_zone_and_language(language, zone):
    moment = datetime(2026, 11, 24, 3, 5, tzinfo=UTC)
    with translation.override(language), timezone.override(zone):
        expected = Template('<time datetime="{{ m|date:\'c\' }}">{{ m|date:"SHORT_DATETIME_FORMAT" }}</time>').render(
            Context({"m": moment})
        )
        assert time_tag(moment) == expected
    assert "2026-11-23T21:05:00-06:00" in expected or "2026-11-23T19:05:00-08:00" in expected
