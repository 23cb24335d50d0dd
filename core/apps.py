from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import checks  # noqa: F401  (registers the check that every slot is provided)
        from .input_guard import install_form_hook, install_upload_name_hook

        install_form_hook()  # a refused web form body is a form error at its field (core.input_guard)
        install_upload_name_hook()  # "x\u202egpj.pdf" is refused, not stored as "xgpj.pdf" (core.input_guard)
        from .api.numbers import install_decimal_hook

        install_decimal_hook()  # the API's decimals are plain digits: no "2e7", no "1_000" (core.api.numbers)
        from .api.datetimes import install_datetime_hook

        install_datetime_hook()  # a time skipped or repeated at the clock change is refused (core.api.datetimes)
        from .forms import install_plain_number_hook

        install_plain_number_hook()  # so are the admin's and the API filters' (core.forms)
        from .api.known_fields import install_known_fields_hook

        install_known_fields_hook()  # a body's key the operation does not have is refused (core.api.known_fields)
