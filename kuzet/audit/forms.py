from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuzet.audit.models import Outcome
from kuzet.audit.objects import OBJECT_KINDS, is_known_action, objects_named


class AuditFilterForm(forms.Form):
    """Filters of the auditors' page: actor, object by its name, action, outcome, period.

    A filter that cannot be applied is an error on its field, never silently dropped: an
    auditor who mistypes a date must not read the whole log as if it were the answer.
    """

    actor = forms.CharField(label=_("Actor (username)"), max_length=150, required=False)
    object_type = forms.ChoiceField(
        label=_("Kind of object"),
        choices=[("", _("Any kind")), *OBJECT_KINDS],
        required=False,
    )
    object = forms.CharField(
        label=_("Object"),
        max_length=64,
        required=False,
        help_text=_("A tracking number, an organisation's code, a username, or a public id."),
    )
    action = forms.CharField(
        label=_("Action starts with"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any outcome")), *Outcome.choices], required=False
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date as year-month-day, for example 2026-03-15.")},
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date as year-month-day, for example 2026-03-15.")},
    )

    def clean_action(self) -> str:
        action = str(self.cleaned_data.get("action") or "").strip()
        if action and not is_known_action(action):
            raise forms.ValidationError(
                _("No action is called “%(action)s”. Pick one from the list or type its start."),
                params={"action": action},
            )
        return action

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the period must not be before its start."))
        name = str(cleaned.get("object") or "").strip()
        kind = str(cleaned.get("object_type") or "")
        cleaned["objects"] = []
        if name:
            found = objects_named(name, kind)
            if not found:
                self.add_error("object", _("No object has this name. Check it, or its kind."))
            elif len(found) > 1:
                self.add_error(
                    "object_type", _("Several objects have this name: choose their kind.")
                )
            else:
                cleaned["objects"] = found
        return cleaned
