"""Form cleaning shared by every form that takes text from outside."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuzet.core.text import has_control_character


class TextSafeForm(forms.Form):
    """A form whose text fields take no control characters (line breaks only in text areas).

    Django's ``CharField`` already refuses NUL; this refuses the rest of the control characters
    too (escape sequences, DEL, C1 controls), for every text field at once, as the API does for
    partners (``kuzet.core.text.PartnerInput``).
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(field, forms.CharField) or not isinstance(value, str):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if has_control_character(value, multiline=multiline):
                self.add_error(name, _("Remove the control characters from this field."))
        return cleaned
