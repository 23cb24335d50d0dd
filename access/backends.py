"""The model backend, refusing a locked-out person as it refuses a deactivated one.

Django asks the backend for the session's user on every request (`get_user`), and drops a user
it refuses: so an open web session stops working the moment its person is deactivated
(`is_active`, Django's own check) or locked out by django-axes (ours, `access.selectors.locked_out`).
A password change ends other sessions through Django's session auth hash."""

from django.contrib.auth.backends import ModelBackend

from .selectors import session_user, user_is_locked_out


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user = session_user(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        locked = getattr(user, "is_locked_out", None)
        if locked is None:  # a user not loaded by get_user (the login form)
            locked = user_is_locked_out(user)
        return not locked
