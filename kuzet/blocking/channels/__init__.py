"""Partner channels: how a message reaches a bank, telecom or platform.

Each partner kind sits behind ``base.PartnerChannel``. ``inbox.InboxChannel`` is the channel
every partner has from day one: the message lands in the partner's inbox in kuzet, which their
officers see on screen and their systems read through ``/api/v1/inbox``. A bank's own API
becomes one more module here with the same interface.
"""
