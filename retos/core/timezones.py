"""Mexico's time zones and how people name them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MexicanTimeZone(models.TextChoices):
    CENTRO = "America/Mexico_City", _("Central time (Mexico City)")
    SURESTE = "America/Cancun", _("Southeast time (Quintana Roo)")
    PACIFICO = "America/Mazatlan", _("Pacific time (Baja California Sur, Nayarit, Sinaloa)")
    SONORA = "America/Hermosillo", _("Pacific time (Sonora)")
    NOROESTE = "America/Tijuana", _("Northwest time (Baja California)")


# How a date is qualified when shown: "hora del centro".
TIME_ZONE_SUFFIX = {
    MexicanTimeZone.CENTRO: _("central time"),
    MexicanTimeZone.SURESTE: _("southeast time"),
    MexicanTimeZone.PACIFICO: _("Pacific time"),
    MexicanTimeZone.SONORA: _("Sonora time"),
    MexicanTimeZone.NOROESTE: _("northwest time"),
}
