"""System checks of the core: every slot a lower app declared is filled by the app that knows."""

from django.core.checks import Error, register

from .registry import slots


@register()
def slots_are_provided(app_configs=None, **kwargs):
    return [
        Error(
            f"Nothing provides {slot.name}: {slot.needs}.",
            hint="The app that owns this rule must provide it in its AppConfig.ready().",
            obj=slot.name,
            id="core.E001",
        )
        for slot in slots()
        if not slot.provided
    ]


@register()
def accredited_maximum_is_a_level(app_configs=None, **kwargs):
    from django.conf import settings

    from .classification import Classification

    value = getattr(settings, "BEV_MAX_CLASSIFICATION", None)
    if value in Classification.values:
        return []
    return [
        Error(
            f"BEV_MAX_CLASSIFICATION={value!r} is not a classification level.",
            hint=f"One of: {', '.join(Classification.values)}.",
            obj="BEV_MAX_CLASSIFICATION",
            id="core.E002",
        )
    ]
