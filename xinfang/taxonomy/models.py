from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Body, Division


class TaxonomyVersion(models.Model):
    label = models.CharField(_("label"), max_length=100)
    source_sha256 = models.CharField(_("source checksum"), max_length=64, unique=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("taxonomy version")
        verbose_name_plural = _("taxonomy versions")

    def __str__(self):
        return self.label


class Category(models.Model):
    version = models.ForeignKey(
        TaxonomyVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="categories",
    )
    # Two digits a level: "03" (level 1), "0302" (level 2), "030207" (leaf).
    code = models.CharField(_("code"), max_length=6)
    name = models.CharField(_("name"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    full_name = models.CharField(_("full name"), max_length=200)

    class Meta:
        ordering = ["version", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_category_code")
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_leaf(self) -> bool:
        return self.level == 3


class RoutingRule(models.Model):
    """Maps a category (any level) in a division (and the divisions below) to a responsible body.

    The most specific rule wins: the deepest division first, then the deepest category.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: any category."),
    )
    division = models.ForeignKey(Division, verbose_name=_("division"), on_delete=models.CASCADE)
    body = models.ForeignKey(Body, verbose_name=_("responsible body"), on_delete=models.CASCADE)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "division"], name="uniq_routing_rule")
        ]

    def __str__(self):
        return f"{self.category or '*'} @ {self.division.name} → {self.body}"
