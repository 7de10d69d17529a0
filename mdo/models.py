from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mdo.enums import DirectorySource, OrganisationKind, Role, district_label


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    short_name = models.CharField(_("nom court"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    district = models.PositiveSmallIntegerField(
        _("arrondissement"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Pour une mairie d'arrondissement : son numéro."),
    )
    email = models.EmailField(_("adresse e-mail générique"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "district", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="town_hall", district__isnull=False) | ~models.Q(kind="town_hall")),
                name="town_hall_has_district",
            ),
            models.UniqueConstraint(
                fields=["district"], condition=models.Q(kind="town_hall"), name="one_town_hall_per_district"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation_detail", args=[self.pk])

    @property
    def is_town_hall(self) -> bool:
        return self.kind == OrganisationKind.TOWN_HALL

    @property
    def is_directorate(self) -> bool:
        return self.kind == OrganisationKind.DIRECTORATE

    @property
    def is_mdo(self) -> bool:
        return self.kind == OrganisationKind.MDO


class Neighbourhood(models.Model):
    """A quartier and its conseil de quartier, in one district."""

    name = models.CharField(_("nom"), max_length=200)
    district = models.PositiveSmallIntegerField(
        _("arrondissement"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    council_email = models.EmailField(_("e-mail du conseil de quartier"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["district", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="unique_neighbourhood_per_district")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("neighbourhood_detail", args=[self.pk])

    @property
    def district_label(self) -> str:
        return district_label(self.district)


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rice·s")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("user_detail", args=[self.pk])

    @cached_property
    def roles(self) -> frozenset[str]:
        """Role codes of the user, read once per request from the role keys of its groups (from the
        ``role_mask`` of :func:`with_role_mask` when the user was loaded with it: no query of its own)."""
        mask = self.__dict__.get("role_mask")
        if mask is None:
            codes = set(self.groups.filter(role_key__isnull=False).values_list("role_key__code", flat=True))
        else:
            codes = {code for code, bit in ROLE_BITS.items() if mask & bit}
        if self.is_superuser:
            codes.add(Role.ADMIN)
        return frozenset(codes)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [str(label) for code, label in Role.choices if code in self.roles]

    @property
    def district(self) -> int | None:
        org = self.organisation
        return org.district if org and org.is_town_hall else None


#: One bit per role: the roles of a user fit in one integer, read in the query that loads the user.
ROLE_BITS = {code: 1 << index for index, code in enumerate(Role.values)}


def with_role_mask(users: models.QuerySet) -> models.QuerySet:
    """``users`` annotated with ``role_mask``, the sum of the bits of their groups' role codes.

    A role code is unique and a user is in a group once, so the sum is the bitwise or. One scalar
    subquery in the users' own query: every page reads the roles of its reader."""
    bit = models.Case(
        *[models.When(code=code, then=models.Value(value)) for code, value in ROLE_BITS.items()],
        default=models.Value(0),
    )
    masks = (
        RoleKey.objects.filter(group__user=models.OuterRef("pk"))
        .order_by()
        .values("group__user")
        .annotate(mask=models.Sum(bit))
        .values("mask")
    )
    return users.annotate(
        role_mask=Coalesce(models.Subquery(masks, output_field=models.IntegerField()), models.Value(0))
    )


class CityIdentity(models.Model):
    """The city that runs the app, as its PDFs and its open data name it. One row, set by the administrator."""

    name = models.CharField(_("nom de la collectivité"), max_length=200, default="Ville de Lyon")
    siret = models.CharField(
        _("SIRET de la collectivité"),
        max_length=14,
        default="21690123100011",
        help_text=_("14 chiffres, sans espace (jeu de données SCDL)."),
    )
    insee_code = models.CharField(_("code INSEE de la commune"), max_length=5, default="69123")
    logo = models.ImageField(
        _("logo"), upload_to="identity/", blank=True, help_text=_("PNG ou JPEG, repris en tête de chaque PDF.")
    )
    open_data_contact = models.EmailField(_("contact open data"), blank=True)

    class Meta:
        verbose_name = _("identité de la collectivité")
        verbose_name_plural = _("identité de la collectivité")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError
        from stdnum.fr import siret

        if self.siret and not siret.is_valid(self.siret):
            raise ValidationError({"siret": _("Ce SIRET n'est pas valide (14 chiffres et clé de contrôle).")})

    @classmethod
    def current(cls) -> "CityIdentity":
        """The one row, created with Lyon's values the first time it is read."""
        identity = cls.objects.order_by("pk").first()
        return identity or cls.objects.create()


class RoleKey(models.Model):
    """The stable code of a role group: access follows the code, so the group's French label may change."""

    code = models.CharField(_("code du rôle"), max_length=40, unique=True, choices=Role.choices)
    group = models.OneToOneField(
        "auth.Group", verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="role_key"
    )

    class Meta:
        verbose_name = _("clé de rôle")
        verbose_name_plural = _("clés de rôle")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.group.name}"


class DirectoryRule(models.Model):
    """One line of the directory mapping, applied at every sign-in through the city's directory.

    A group (its name or its DN) or the value of an attribute (department, OU…) grants a role,
    an organisation, or both. Matching ignores case.
    """

    source = models.CharField(
        _("d'après"), max_length=20, choices=DirectorySource.choices, default=DirectorySource.GROUP
    )
    attribute = models.CharField(
        _("attribut"),
        max_length=100,
        blank=True,
        help_text=_("Pour un attribut : son nom dans l'annuaire (department, ou, extensionAttribute1…)."),
    )
    value = models.CharField(
        _("valeur"),
        max_length=500,
        help_text=_("Le nom ou le DN du groupe, ou la valeur de l'attribut (sans distinction de casse)."),
    )
    role = models.CharField(_("rôle accordé"), max_length=40, choices=Role.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation accordée"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_rules",
    )

    class Meta:
        verbose_name = _("correspondance de l'annuaire")
        verbose_name_plural = _("correspondances de l'annuaire")
        ordering = ["source", "attribute", "value"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="") | models.Q(organisation__isnull=False),
                name="directory_rule_grants_something",
                violation_error_message=_("Choisissez un rôle, une organisation, ou les deux."),
            ),
            models.CheckConstraint(
                condition=~models.Q(source="attribute", attribute=""),
                name="directory_rule_attribute_named",
                violation_error_message=_("Indiquez le nom de l'attribut."),
            ),
        ]

    def __str__(self) -> str:
        what = self.value if self.source == DirectorySource.GROUP else f"{self.attribute} = {self.value}"
        grants = " + ".join(
            str(x) for x in (self.get_role_display() if self.role else "", self.organisation or "") if x
        )
        return f"{what} → {grants}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("Traitement en cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("En échec")


class Job(models.Model):
    """A long piece of work run by the task queue for one user (an import, an export, a PDF report).

    Only its owner sees it; its result (a file, or the lines of an import's outcome) is kept until
    ``expires_at``, then removed by the periodic clean-up."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("demandé par"))
    kind = models.CharField(_("type"), max_length=60)
    label = models.CharField(_("libellé"), max_length=200)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("éléments traités"), default=0)
    total = models.PositiveIntegerField(_("éléments à traiter"), default=0)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    file = models.FileField(_("fichier"), upload_to="jobs/", blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("gardé jusqu'au"), db_index=True)

    class Meta:
        verbose_name = _("traitement")
        verbose_name_plural = _("traitements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("job_detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
