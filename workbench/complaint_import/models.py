"""Complaints, their sources, import jobs, classification and themes."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.extensions import db
from workbench.models import Audited, ProcessOwner, TimestampMixin, utcnow

KINDS = ("complaints", "survey")


class ComplaintSource(TimestampMixin, Audited, db.Model):
    """A named export a front-line channel sends (e.g. ``crm``, ``call-centre``)."""

    __tablename__ = "complaint_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="complaints")


class ImportPreset(TimestampMixin, Audited, db.Model):
    """A confirmed column mapping and reading options, saved per source."""

    __tablename__ = "import_presets"
    __table_args__ = (UniqueConstraint("source_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("complaint_sources.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    options: Mapped[dict] = mapped_column(JSON, default=dict)

    source: Mapped[ComplaintSource] = relationship()


class ImportJob(TimestampMixin, Audited, db.Model):
    """One uploaded file: its preview, progress and outcome. Progress is written with Core updates."""

    __tablename__ = "import_jobs"
    __audit_exclude__ = ("updated_at", "version", "preview", "errors", "rows_done", "bytes_done", "detected")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="complaints")
    source_name: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="uploaded")
    phase: Mapped[str | None] = mapped_column(String(20))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    detected: Mapped[dict] = mapped_column(JSON, default=dict)
    preview: Mapped[list] = mapped_column(JSON, default=list)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    good_rows: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    bytes_done: Mapped[int] = mapped_column(default=0)
    new_rows: Mapped[int] = mapped_column(default=0)
    updated_rows: Mapped[int] = mapped_column(default=0)
    unchanged_rows: Mapped[int] = mapped_column(default=0)
    rejected_rows: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ExpectationCategory(TimestampMixin, Audited, db.Model):
    """An unmet customer expectation (product quality, delivery speed ...)."""

    __tablename__ = "expectation_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_fa: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class ClassificationRule(TimestampMixin, Audited, db.Model):
    """A keyword or phrase that points to a process owner or a category."""

    __tablename__ = "classification_rules"
    __table_args__ = (UniqueConstraint("target", "key", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(20))  # "owner" or "category"
    key: Mapped[str] = mapped_column(String(40))
    phrase: Mapped[str] = mapped_column(String(200))
    weight: Mapped[float] = mapped_column(default=1.0)
    active: Mapped[bool] = mapped_column(default=True)
    industry: Mapped[str | None] = mapped_column(String(40))  # shipped with this industry's vocabulary; None: added by a person
    shipped_as: Mapped[str | None] = mapped_column(String(200))  # the phrase as shipped (a person may have changed ``phrase``)
    # A person changed or switched off this shipped phrase: picking industries or updating the shipped phrases leaves it alone.
    held: Mapped[bool] = mapped_column(default=False)


class VocabularyIndustry(TimestampMixin, Audited, db.Model):
    """An industry whose shipped phrases classify this organisation's complaints (picked by an admin)."""

    __tablename__ = "vocabulary_industries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class OwnerAssignment(TimestampMixin, Audited, db.Model):
    """One cell of the owner matrix: complaints of this category (and product, channel) belong to this process owner.

    An empty product or channel means "any"; the most specific cell wins.
    """

    __tablename__ = "owner_matrix"
    __table_args__ = (UniqueConstraint("category", "product", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    product: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(40), default="")
    process_owner_id: Mapped[int] = mapped_column(ForeignKey("process_owners.id", ondelete="CASCADE"))

    process_owner: Mapped[ProcessOwner] = relationship()


class ClassifierRun(TimestampMixin, db.Model):
    """One retraining: trained in the background, previewed (what would move), then applied or discarded.

    ``report`` holds, per target, the held-out figures and the move matrix of
    the preview; progress (``phase``, ``done``, ``total``) is written through
    its own connection while the run works.
    """

    __tablename__ = "classifier_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, previewed, applying, applied, discarded, failed
    phase: Mapped[str | None] = mapped_column(String(20))  # training, previewing, applying
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]


class ClassifierModel(db.Model):
    """A trained model for one target (plain arrays in ``blob``, see ``textmodel``), with its and the rules' held-out accuracy."""

    __tablename__ = "classifier_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(20))
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    n_train: Mapped[int] = mapped_column(default=0)
    n_test: Mapped[int] = mapped_column(default=0)
    model_accuracy: Mapped[float | None]
    rules_accuracy: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=False)
    blob: Mapped[bytes | None] = mapped_column(LargeBinary)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("classifier_runs.id", ondelete="CASCADE"))


class RuleSuggestion(TimestampMixin, db.Model):
    """A phrase found in the organisation's complaints that could become a category rule (see ``suggestions``)."""

    __tablename__ = "rule_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(40))  # the category it marks or leans to (None: the manager picks)
    phrase: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))  # marks_category, frequent_unclassified
    coverage: Mapped[int] = mapped_column(default=0)  # Unclassified complaints containing it (estimated from a sample)
    labelled: Mapped[int] = mapped_column(default=0)  # complaints with a category containing it
    precision: Mapped[float | None]  # share of those in ``key``
    score: Mapped[float | None]  # z-score of the log-odds ratio
    status: Mapped[str] = mapped_column(String(20), default="open")  # open, accepted, dismissed


class Theme(TimestampMixin, db.Model):
    """A recurring problem: similar complaints found by clustering, named by its most central complaint.

    ``active`` themes are those of the latest build; a retired theme stays while a project points to it.
    """

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id"))  # the most frequent owner
    name: Mapped[str] = mapped_column(String(200))
    terms: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(default=0)
    recent: Mapped[int] = mapped_column(default=0)
    previous: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # {"owners": {key or "": n}, "categories": {key or "": n}, "languages": {"fa"|"en"|"": n},
    #  "names": {"fa"|"en": the most central complaint in that language}} over the theme's complaints.
    mix: Mapped[dict | None] = mapped_column(JSON, default=dict)
    # Ids of the complaints nearest the theme's centre, most central first.
    example_ids: Mapped[list | None] = mapped_column(JSON, default=list)

    process_owner: Mapped[ProcessOwner | None] = relationship()

    def name_in(self, language: str) -> str:
        """The theme's name for a reader of ``language``: its most central complaint in that language, if it has one."""
        return ((self.mix or {}).get("names") or {}).get(language) or self.name


class Complaint(TimestampMixin, db.Model):
    """One complaint. Not ``Audited`` row by row: an import records itself as one job."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_complaints_received_owner", "received_at", "process_owner_id"),
        Index("ix_complaints_owner_received", "process_owner_id", "received_at"),
        Index("ix_complaints_category_received", "category", "received_at"),
        # One (dimension, date) index per Pareto dimension: GROUP BY reads only the index.
        Index("ix_complaints_channel_received", "channel", "received_at"),
        Index("ix_complaints_product_received", "product", "received_at"),
        Index("ix_complaints_theme_received", "theme_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    external_id: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    text_norm: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str | None] = mapped_column(String(40))
    customer: Mapped[str | None] = mapped_column(String(200))
    product: Mapped[str | None] = mapped_column(String(200))
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id"))
    category: Mapped[str | None] = mapped_column(String(40))
    confidence: Mapped[float | None]
    owner_confidence: Mapped[float | None]
    category_confidence: Mapped[float | None]
    label_source: Mapped[str | None] = mapped_column(String(10))  # rules, model, user
    unclassified_reason: Mapped[str | None] = mapped_column(String(20))  # why no category: see reasons.REASONS
    confirmed: Mapped[bool] = mapped_column(default=False)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"))
    attributes: Mapped[dict | None] = mapped_column(JSON)

    process_owner: Mapped[ProcessOwner | None] = relationship()
    theme: Mapped[Theme | None] = relationship()


class SurveyResponse(TimestampMixin, db.Model):
    """One respondent's answers: CSAT, NPS, CES, expectation ratings and free text."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("source", "external_id"), Index("ix_survey_responses_received", "received_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(80))
    external_id: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[date]
    product: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(40))
    csat: Mapped[float | None]
    csat_good: Mapped[bool | None]
    nps: Mapped[int | None]
    ces: Mapped[float | None]
    drivers: Mapped[dict | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(40))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id", ondelete="SET NULL"))
    process_owner_id: Mapped[int | None] = mapped_column(ForeignKey("process_owners.id"))
    category: Mapped[str | None] = mapped_column(String(40))
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"))
