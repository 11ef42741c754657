"""The report forms: one for the public (phone-friendly), one for the duty officer.

Both turn into the same ``services.ReportInput``; all business validation happens in the
service, whose field-level errors are put back on these forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from captcha.fields import CaptchaField  # type: ignore[import-untyped]
from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kuzet import reference
from kuzet.accounts.models import Region, localised
from kuzet.core.forms import TextSafeForm
from kuzet.reports.inputs import ReportInput, TransferInput
from kuzet.reports.models import AgeBand, ContactMethod

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAXIMUM_ATTACHMENTS = 5

# The fields a panicked reporter may leave for later: shown under "More details", opened when
# one of them holds a value or an error.
MORE_DETAILS_FIELDS = ("scheme", "occurred_at", "contact_method", "narrative")


def scheme_choices() -> list[tuple[str, StrOrPromise]]:
    language = get_language() or "ru"
    return [("", _("I am not sure"))] + [
        (scheme.code, localised(scheme.label, language)) for scheme in reference.schemes()
    ]


def region_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("Choose the region"))] + [
        (region.iso_code, region.name) for region in Region.objects.order_by("iso_code")
    ]


class TransferForm(TextSafeForm):
    """One transfer: when, how much, to where — what a bank needs to stop the money first."""

    # The order a frightened person is asked in: what can still stop the money comes first.
    field_order = (
        "transferred_at",
        "amount",
        "currency",
        "to_account",
        "sending_bank",
        "reference",
    )

    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=15,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="KZT", required=False)
    to_account = forms.CharField(
        label=_("Sent to (IBAN, card, phone number or wallet)"), max_length=200, required=False
    )
    transferred_at = forms.DateTimeField(
        label=_("Date and time of the transfer"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    sending_bank = forms.ChoiceField(label=_("From which bank or app"), required=False)
    reference = forms.CharField(
        label=_("Receipt or transaction number"), max_length=100, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sending_bank = self.fields["sending_bank"]
        assert isinstance(sending_bank, forms.ChoiceField)  # noqa: S101 — declared above
        language = get_language() or "ru"
        sending_bank.choices = [("", "—")] + [
            (bank.code, localised(bank.names, language)) for bank in reference.banks()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("to_account") and not cleaned.get("amount"):
            self.add_error("amount", _("Give the amount that was sent."))
        if cleaned.get("amount") and not cleaned.get("to_account"):
            self.add_error("to_account", _("Say where the money was sent."))
        return cleaned

    def to_input(self) -> TransferInput | None:
        data = self.cleaned_data
        if not data.get("amount"):
            return None
        return TransferInput(
            amount=data["amount"],
            to_account=data["to_account"],
            currency=(data.get("currency") or "KZT").upper(),
            transferred_at=data.get("transferred_at"),
            sending_bank_code=data.get("sending_bank") or "",
            reference=data.get("reference") or "",
        )


# Five blocks on a fresh form: the first shown, each next one revealed on demand (``<details>``,
# no script needed). A bound form keeps whatever number of blocks it was sent with.
TRANSFER_BLOCKS_OFFERED = 5

TransferFormSet = forms.formset_factory(
    TransferForm, extra=TRANSFER_BLOCKS_OFFERED, max_num=10, absolute_max=20, validate_max=True
)


class ReportForm(TextSafeForm):
    """What happened, to whom, and who the fraudster was."""

    # The page's order (after the transfers): the error summary lists errors in it.
    field_order = (
        "victim_age_band",
        "is_on_behalf",
        "region_code",
        "suspect_identifiers",
        *MORE_DETAILS_FIELDS,
        "reporter_phone",
        "reporter_email",
        "reporter_name",
        "consent",
    )

    is_on_behalf = forms.TypedChoiceField(
        label=_("Who are you reporting for?"),
        choices=[("0", _("Myself")), ("1", _("Someone else (a relative, a client)"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    scheme = forms.ChoiceField(label=_("What happened?"), required=False, widget=forms.RadioSelect)
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
    )
    contact_method = forms.ChoiceField(
        label=_("How did they contact you?"),
        choices=[("", "—"), *ContactMethod.choices],
        required=False,
    )
    region_code = forms.ChoiceField(
        label=_("Where do you live (or where did it happen)?"), required=False
    )
    # No answer is preselected: a silent "prefer not to say" would drop the priority that an
    # older or under-age victim's report gets. "Prefer not to say" stays an explicit choice.
    victim_age_band = forms.ChoiceField(
        label=_("Age of the person who lost money"),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the age of the person who lost money, or “Prefer not to say”.")
        },
    )
    suspect_identifiers = forms.CharField(
        label=_("The fraudster's phone numbers, cards, accounts, links, Telegram or Instagram"),
        help_text=_("One per line, or paste their message: we find the numbers and links in it."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    narrative = forms.CharField(
        label=_("Tell us what happened, in your own words"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    reporter_phone = forms.CharField(
        label=_("Your phone, for the investigator to call you back"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(label=_("Your e-mail (optional)"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and confirm the information is true to my knowledge."
        ),
        error_messages={"required": _("Tick the box to confirm before sending.")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("scheme", scheme_choices()), ("region_code", region_choices())):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 — declared above
            field.choices = choices

    def to_input(self, transfers: list[TransferInput], language: str) -> ReportInput:
        data = self.cleaned_data
        lines = [line.strip() for line in (data.get("suspect_identifiers") or "").splitlines()]
        return ReportInput(
            narrative=data.get("narrative") or "",
            language=language,
            scheme=data.get("scheme") or "",
            contact_method=data.get("contact_method") or "",
            occurred_at=data.get("occurred_at"),
            region_code=data.get("region_code") or "",
            victim_age_band=data.get("victim_age_band") or AgeBand.UNKNOWN,
            is_on_behalf=bool(data.get("is_on_behalf")),
            reporter_name=data.get("reporter_name") or "",
            reporter_phone=data.get("reporter_phone") or "",
            reporter_email=data.get("reporter_email") or "",
            suspect_identifiers=tuple(line for line in lines if line),
            transfers=tuple(transfers),
        )


class StaffReportForm(ReportForm):
    """The duty officer's form: the same fields, no consent box (the officer records the
    statement under the procedure code), and the victim's contact is expected."""

    consent = None  # type: ignore[assignment]


class AddInformationForm(TextSafeForm):
    body = forms.CharField(
        label=_("Add information to your report"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MessageReporterForm(TextSafeForm):
    """An officer's message to the reporter, in the reporter's language unless chosen else."""

    language = forms.ChoiceField(
        label=_("Language of the message"),
        choices=settings.LANGUAGES,
        required=False,
    )
    body = forms.CharField(
        label=_("Message to the reporter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, reporter_language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The reply defaults to the language the reporter wrote in, and the text area says so
        # to spelling checkers and screen readers.
        self.fields["language"].initial = reporter_language
        if reporter_language:
            self.fields["body"].widget.attrs["lang"] = reporter_language


class RegisterForm(TextSafeForm):
    erdr_number = forms.CharField(label=_("ERDR number"), max_length=30)


def apply_service_errors(form: forms.Form, formset: Any, errors: dict[str, str]) -> None:
    """Put ``ReportInvalid`` errors back on the field a person can fix."""
    for path, message in errors.items():
        if path.startswith("transfers[") and "]." in path:
            index = int(path[len("transfers[") : path.index("]")])
            field = path.split("].", 1)[1]
            if index < len(formset.forms):
                target = formset.forms[index]
                target.add_error(field if field in target.fields else None, message)
                continue
        if path.startswith("suspect_identifiers"):
            form.add_error("suspect_identifiers", message)
        elif path in form.fields:
            form.add_error(path, message)
        else:
            form.add_error(None, message)


def more_details_open(form: forms.Form, attachment_errors: Sequence[str]) -> bool:
    """Whether the "More details" part of the public form starts open."""
    if attachment_errors:
        return True
    if not form.is_bound:
        return False
    return any(form[name].value() or form[name].errors for name in MORE_DETAILS_FIELDS)


def _anchor(bound: forms.BoundField) -> str:
    """The id of the control an error link moves to: the first radio button of a group."""
    if isinstance(bound.field.widget, forms.RadioSelect):
        return f"{bound.auto_id}_0"
    return str(bound.id_for_label or bound.auto_id)


def error_summary(
    *forms_in_order: forms.Form | None,
    formset: Any = None,
    attachment_errors: Sequence[str] = (),
) -> list[dict[str, str]]:
    """Every error of a submitted form, in page order, each with the id of the control to fix.

    The page shows these at the top, as links, and moves focus there: a person on a phone, or
    with a screen reader, learns at once what went wrong and where. An error without a control
    (a file, the form as a whole) is listed without an anchor unless it names the files.
    """
    entries: list[dict[str, str]] = []
    for form in forms_in_order:
        if form is None or not form.is_bound:
            continue
        # The transfers come first on the page, before the report form's own fields.
        if formset is not None and form is forms_in_order[0] and formset.is_bound:
            entries.extend(_formset_errors(formset))
        for name, errors in form.errors.items():
            if name == "__all__":
                for message in errors:
                    anchor = "id_attachments" if message in attachment_errors else ""
                    entries.append({"anchor": anchor, "message": str(message)})
                continue
            # The message alone: each says what to do, and a long label would bury it.
            entries.extend({"anchor": _anchor(form[name]), "message": str(m)} for m in errors)
    return entries


def _formset_errors(formset: Any) -> list[dict[str, str]]:
    entries = [
        {"anchor": "id_transfers-0-amount", "message": str(message)}
        for message in formset.non_form_errors()
    ]
    for number, transfer in enumerate(formset.forms, start=1):
        for name, errors in transfer.errors.items():
            bound = transfer[name] if name != "__all__" else None
            anchor = _anchor(bound) if bound is not None else f"{transfer.prefix}-block"
            prefix = _("Transfer %(number)s") % {"number": number}
            entries.extend({"anchor": anchor, "message": f"{prefix}: {m}"} for m in errors)
    return entries


class RecoverLinkForm(TextSafeForm):
    """A reporter who lost the tracking link asks for a new one to be sent to them."""

    tracking_number = forms.CharField(
        label=_("Report number"),
        help_text=_("As on the receipt, for example 26-0001234."),
        max_length=20,
    )
    contact = forms.CharField(
        label=_("The phone number or e-mail you gave with the report"),
        max_length=254,
    )


def attachments_from(files: Any) -> list[Any]:
    return list(files.getlist("attachments"))[: MAXIMUM_ATTACHMENTS + 1]


class ChallengeForm(forms.Form):
    """The picture challenge the public pages ask for once an address has sent many reports.

    Drawn by kuzet itself (django-simple-captcha), a plain image and a text box: it works
    without JavaScript and with nothing from outside.
    """

    challenge = CaptchaField(
        label=_("Type the letters and digits you see in the picture"),
        help_text=_(
            "Many reports came from your network in the last hour, so we check that a person is "
            "sending this one. If you cannot read the picture, call 102: the duty officer takes "
            "your report by phone."
        ),
        error_messages={
            "invalid": _("That did not match the picture. Type what you see in the new picture.")
        },
    )
