from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExpertiseArea(models.TextChoices):
    """Areas an evaluation criterion needs and an expert evaluator covers."""

    TECHNOLOGY = "technology", _("Technology and architecture")
    USER_EXPERIENCE = "user_experience", _("User experience and accessibility")
    SECURITY = "security", _("Information security")
    DATA = "data", _("Data and open data")
    PUBLIC_POLICY = "public_policy", _("Public policy and the agency's domain")
    BUSINESS = "business", _("Cost, viability and project management")
    OPEN_SOURCE = "open_source", _("Open-source communities and licensing")


class Language(models.TextChoices):
    SPANISH = "es-mx", _("Spanish (Mexico)")
    ENGLISH = "en", _("English")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with email and password.

    ``is_platform_staff`` (verifies organizations, reviews challenges) and ``is_expert``
    (evaluates proposals) are the two roles a person holds on their own; every other role comes
    from a membership in an organization. ``is_staff`` only opens the Django admin site, which
    grants nothing that the named permissions in ``retos.*.permissions`` do not.
    """

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    is_platform_staff = models.BooleanField(_("platform staff"), default=False)
    is_expert = models.BooleanField(_("expert evaluator"), default=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.SPANISH
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=models.functions.Lower("email")),
                name="user_email_lowercase",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Expertise(models.Model):
    """An area an expert evaluator is qualified to score."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="expertise")
    area = models.CharField(_("area"), max_length=40, choices=ExpertiseArea.choices)

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")
        constraints = [
            models.UniqueConstraint(fields=["user", "area"], name="expertise_unique_area"),
            models.CheckConstraint(
                condition=models.Q(area__in=ExpertiseArea.values), name="expertise_area_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_area_display()}"
