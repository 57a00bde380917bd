"""The French 5-level risk scales (gravité x vraisemblance), shared by the risk register and adverse events.

Criticity is severity x likelihood, from 1 to 25; where the zones start is a local choice that each module
keeps with its own data (risk zone thresholds per organization, event criticity limits).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.IntegerChoices):
    MINOR = 1, _("1 — minor")
    SIGNIFICANT = 2, _("2 — significant")
    MAJOR = 3, _("3 — major")
    CRITICAL = 4, _("4 — critical")
    CATASTROPHIC = 5, _("5 — catastrophic")


class Likelihood(models.IntegerChoices):
    VERY_UNLIKELY = 1, _("1 — very unlikely")
    UNLIKELY = 2, _("2 — unlikely")
    POSSIBLE = 3, _("3 — possible")
    LIKELY = 4, _("4 — likely")
    ALMOST_CERTAIN = 5, _("5 — very likely to certain")
