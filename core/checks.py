"""System checks of the core: every slot a lower app declared is filled by the app that knows."""

from django.core.checks import Error, register

from .registry import slots


@register()
def slots_are_provided(app_configs=None, **kwargs):
    return [Error(f"Nothing provides {slot.name}: {slot.needs}.",
                  hint="The app that owns this rule must provide it in its AppConfig.ready().",
                  obj=slot.name, id="core.E001")
            for slot in slots() if not slot.provided]
