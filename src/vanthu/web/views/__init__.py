"""Views of the web UI shell. ``lockout`` is named in settings (AXES_LOCKOUT_CALLABLE)."""

from vanthu.web.views.auth import LoginView, lockout, otp_enrol, otp_verify
from vanthu.web.views.shell import home, placeholder, search

__all__ = ["LoginView", "home", "lockout", "otp_enrol", "otp_verify", "placeholder", "search"]
