"""Every model of the project is either covered by a personal-data exporter/eraser or declared
as holding none, with the reason (atiende/core/personal_data.py). A new model fails this test
until its app's `personal_data.py` classifies it."""

from django.apps import apps

from atiende.core.personal_data import handlers


def _declared():
    covered, exempt = {}, {}
    for handler in handlers():
        for label in handler.covers:
            covered.setdefault(label, []).append(handler.app_label)
        for label, reason in handler.exempt.items():
            exempt.setdefault(label, []).append(reason)
    return covered, exempt


def test_every_model_is_covered_or_declared_without_personal_data():
    covered, exempt = _declared()
    models = {model._meta.label for model in apps.get_models()}
    missing = sorted(models - set(covered) - set(exempt))
    assert not missing, (f"Models not classified for personal data: {missing}. Add each to its app's "
                         "personal_data.py: in `covers` with an exporter/eraser, or in `exempt` with the reason.")


def test_no_model_is_both_covered_and_exempt_and_every_label_exists():
    covered, exempt = _declared()
    assert not set(covered) & set(exempt)
    models = {model._meta.label for model in apps.get_models()}
    assert not (set(covered) | set(exempt)) - models, "personal_data.py names a model that does not exist"
    assert all(reason and all(text.strip() for text in reason) for reason in exempt.values())


def test_each_handler_is_declared_by_its_own_app():
    labels = {config.label for config in apps.get_app_configs()}
    for handler in handlers():
        assert handler.app_label in labels
