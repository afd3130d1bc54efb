"""The pure condition evaluator: examples from the issue, then laws checked with Hypothesis."""

from hypothesis import given
from hypothesis import strategies as st

from atiende.automation.conditions import fold, holds, item_holds, validate

SNAP = {
    "subject": "El sistema está CAÍDO",
    "priority": "normal",
    "status": "open",
    "tags": ["vip", "facturación"],
    "age_minutes": 45,
    "business_hours": True,
    "custom_fields": {"plan_tier": "Oro"},
    "changes": {"team": ("Soporte", "Nivel 2")},
}


def test_issue_example_contains_folds_case_and_accents():
    rule = {"all": [{"field": "subject", "op": "contains", "value": "caído"}], "any": []}
    assert holds(rule, SNAP)
    assert holds({"all": [{"field": "subject", "op": "contains", "value": "caido"}]}, SNAP)
    assert not holds({"all": [{"field": "subject", "op": "contains", "value": "lento"}]}, SNAP)


def test_operators_over_lists_numbers_custom_fields_and_changes():
    assert item_holds({"field": "tags", "op": "contains", "value": "FACTURACION"}, SNAP)
    assert item_holds({"field": "tags", "op": "not_contains", "value": "spam"}, SNAP)
    assert item_holds({"field": "priority", "op": "in", "value": ["high", "normal"]}, SNAP)
    assert item_holds({"field": "age_minutes", "op": "greater_than", "value": 30}, SNAP)
    assert not item_holds({"field": "age_minutes", "op": "less_than", "value": "30"}, SNAP)
    assert item_holds({"field": "cf.plan_tier", "op": "is", "value": "oro"}, SNAP)
    assert item_holds({"field": "cf.missing", "op": "is_empty"}, SNAP)
    assert item_holds({"field": "business_hours", "op": "is", "value": True}, SNAP)
    assert item_holds({"field": "team", "op": "changed"}, SNAP)
    assert item_holds({"field": "team", "op": "changed_to", "value": "nivel 2"}, SNAP)
    assert item_holds({"field": "team", "op": "changed_from", "value": "Soporte"}, SNAP)
    assert not item_holds({"field": "status", "op": "changed"}, SNAP)
    assert item_holds({"field": "subject", "op": "starts_with", "value": "el SISTEMA"}, SNAP)


def test_validation_names_the_field():
    assert validate({"all": [{"field": "subject", "op": "contains", "value": "x"}], "any": []}) == {}
    errors = validate({"all": [{"field": "nope", "op": "eval", "value": "x"}], "any": "x", "or": []})
    assert set(errors) == {"conditions.all[0].field", "conditions.all[0].op", "conditions.any", "conditions.or"}
    assert validate({"any": [{"field": "priority", "op": "in", "value": "high"}]}) == {
        "conditions.any[0].value": "Must be a non-empty list of values."
    }
    assert validate([1]) == {"conditions": 'Must be an object with "all" and "any" lists.'}
    assert validate({"all": [{"field": "subject", "op": "contains", "value": {"__class__": 1}}]}) == {
        "conditions.all[0].value": "A value is required."
    }


words = st.text(alphabet="aeiouáéíóúÁÉÍÑñAEBCxyz ", min_size=0, max_size=12)
item = st.builds(
    lambda field, op, value: {"field": field, "op": op, "value": value},
    st.sampled_from(["subject", "status", "tags", "priority"]),
    st.sampled_from(["is", "is_not", "contains", "not_contains", "starts_with"]),
    words,
)
snapshot = st.fixed_dictionaries(
    {"subject": words, "status": words, "priority": words, "tags": st.lists(words, max_size=3)}
)


@given(st.lists(item, max_size=5), snapshot)
def test_all_is_conjunction_and_any_is_disjunction(items, snap):
    assert holds({"all": items, "any": []}, snap) == all(item_holds(i, snap) for i in items)
    assert holds({"all": [], "any": items}, snap) == (not items or any(item_holds(i, snap) for i in items))


@given(item, snapshot)
def test_negations_are_complements(it, snap):
    negation = {"is": "is_not", "is_not": "is", "contains": "not_contains", "not_contains": "contains"}
    if it["op"] in negation:
        assert item_holds(it, snap) != item_holds({**it, "op": negation[it["op"]]}, snap)


@given(words, words)
def test_contains_ignores_case_and_accents(text, part):
    snap = {"subject": text.upper()}
    stripped = fold(part)
    assert item_holds({"field": "subject", "op": "contains", "value": part}, snap) == (stripped in fold(text))
    assert item_holds({"field": "subject", "op": "contains", "value": stripped.upper()}, snap) == (stripped in fold(text))


@given(st.lists(item, max_size=4), st.lists(item, max_size=4), snapshot)
def test_all_group_order_does_not_matter(a, b, snap):
    assert holds({"all": a + b}, snap) == holds({"all": b + a}, snap)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3)))
def test_validate_never_raises_on_any_json(value):
    errors = validate(value)
    assert isinstance(errors, dict)
    if not errors and value:
        holds(value, {"subject": "x"})  # a valid definition evaluates without error
