"""Strings of Django and its add-ons that appear on kuzet's pages, kept in kuzet's catalogue.

Django's Kazakh catalogue is incomplete (form errors such as "Enter a valid email address.", the
form-set limits, the time spans of ``timeuntil``, much of the admin), and django-simple-captcha
has no Kazakh at all. Where a string is missing in Kazakh, Django falls back to
``LANGUAGE_CODE`` (Russian in production), so a Kazakh page showed Russian errors. Naming the
msgids here makes ``makemessages`` keep them in ``kuzet/locale``, whose translations win over
Django's and the add-ons' because ``LOCALE_PATHS`` are merged last. kuzet also re-translates
a few Kazakh strings Django does have but words badly ("Толық санды енгізіңіз" for "Enter a whole
number.", "тандау" for "таңдау").

Nothing reads these tuples at run time; the msgids must stay exactly Django's (check them when
Django is upgraded: ``kuzet/core/tests/test_upstream_messages.py`` fails on a msgid Django no
longer has).
"""

# ruff: noqa: E501 — each msgid is quoted whole, as in Django, so it can be searched for.
from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

__all__ = ["UPSTREAM_MESSAGES", "UPSTREAM_PLURAL_MESSAGES"]

UPSTREAM_MESSAGES = (
    # Django's forms, validators, form sets and time spans (timeuntil in the queue)
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid integer."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid domain name."),
    gettext_noop("Enter a valid %(protocol)s address."),
    gettext_noop("IPv4"),
    gettext_noop("IPv6"),
    gettext_noop("IPv4 or IPv6"),
    gettext_noop("This is not a valid IPv6 address."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("Enter a valid duration."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("(Hidden field %(name)s) %(error)s"),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or it may not exist."
    ),
    gettext_noop("Forbidden"),
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: %(field_names)s. You may need to file a bug report if the issue persists."
    ),
    # django.contrib.auth: sign-in and password rules (admin user pages)
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."
    ),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Enter the same password as before, for verification."),
    # django.contrib.admin: the pages platform administrators see
    gettext_noop(
        "Please enter the correct %(username)s and password for a staff account. Note that both fields may be case-sensitive."
    ),
    gettext_noop("Skip to main content"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("View site"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Sidebar"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("View"),
    gettext_noop("Recent actions"),
    gettext_noop("My actions"),
    gettext_noop("Error:"),
    gettext_noop("Administration"),
    gettext_noop("Clear all filters"),
    gettext_noop("Hide counts"),
    gettext_noop("Show counts"),
    gettext_noop("Empty"),
    gettext_noop("Not empty"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    gettext_noop("Summary"),
    gettext_noop("Objects"),
    # django-simple-captcha: the public form's picture challenge
    gettext_noop("Play CAPTCHA as audio file"),
    gettext_noop("Invalid CAPTCHA"),
)

UPSTREAM_PLURAL_MESSAGES = (
    # Django's forms, validators, form sets and time spans (timeuntil in the queue)
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "number",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "number",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "number",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "number",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "number",
    ),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "number",
    ),
    ngettext_lazy(
        "Please submit at most %(num)d form.", "Please submit at most %(num)d forms.", "number"
    ),
    ngettext_lazy(
        "Please submit at least %(num)d form.", "Please submit at least %(num)d forms.", "number"
    ),
    ngettext_lazy("%(num)d year", "%(num)d years", "number"),
    ngettext_lazy("%(num)d month", "%(num)d months", "number"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "number"),
    ngettext_lazy("%(num)d day", "%(num)d days", "number"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "number"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "number"),
    # django.contrib.auth: sign-in and password rules (admin user pages)
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "number",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "number",
    ),
    # django.contrib.admin: the pages platform administrators see
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", "number"),
)
