"""Model fields that store Vietnamese text in NFC whatever path wrote it (form, import, service)."""

from django.db import models

from emulation.text import collapse_spaces, nfc


class NFCCharField(models.CharField):
    """A CharField whose value is NFC with single spaces: names, titles, codes."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = collapse_spaces(value)
            setattr(model_instance, self.attname, value)
        return value


class NFCTextField(models.TextField):
    """A TextField stored in NFC; line breaks are kept."""

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = nfc(value)
            setattr(model_instance, self.attname, value)
        return value
