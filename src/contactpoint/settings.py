"""Configuration from `CONTACTPOINT_*` environment variables, read only when an entrypoint asks."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path(".contactpoint")


class Settings(BaseSettings):
    """Where the store and keys live, and the figures that size the system."""

    model_config = SettingsConfigDict(env_prefix="CONTACTPOINT_", extra="forbid")

    home: Path = Field(default=DEFAULT_HOME, description="Folder holding the SQLite store and the key file.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite in the home folder."
    )
    key_file: Path | None = Field(
        default=None,
        description="Key file path; default: keyring.json in the home folder, never in the database.",
    )
    keyring: SecretStr | None = Field(
        default=None, description="The keyring JSON itself, for deployments that hold it in a secret store."
    )
    audit_witness_file: Path | None = Field(
        default=None,
        description="File every signed audit checkpoint is appended to, for shipping to a witness outside "
        "the database; default: audit-checkpoints.jsonl in the home folder.",
    )
    audit_witness_shipped: bool = Field(
        default=False,
        description="Set when every line of the audit witness file is shipped, as it is written, beyond "
        "the reach of the server's account (a remote log, write-once storage); until then `audit verify` "
        "warns (exit 10) that a truncated log could go unseen.",
    )
    audit_checkpoint_entries: int = Field(
        default=100, ge=1, description="Audit log: sign a checkpoint at least every this many entries."
    )
    audit_checkpoint_minutes: float = Field(
        default=5.0,
        gt=0,
        description="Audit log: sign a checkpoint at least this often while entries arrive.",
    )
    store_lock_wait_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a change waits for a lock another transaction holds (a backup, an open "
        "transaction) before the request is answered 503 with Retry-After.",
    )
    planned_population: int = Field(
        default=11_000_000, ge=1, description="Children the index is sized for (sets blind index truncation)."
    )

    link_upper_weight: float = Field(
        default=6.0, description="Feed linkage: a match weight at or above this links the row to the record."
    )
    link_lower_weight: float = Field(
        default=2.0, description="Feed linkage: below this the row is a new child; in between it is reviewed."
    )
    postcode_authorities_file: Path | None = Field(
        default=None,
        description="CSV of postcode unit, sector or district to LA code; default: postcode-authorities.csv "
        "in the home folder, if there.",
    )
    national_team_phone: str | None = Field(
        default=None,
        description="The national ContactPoint team's telephone: shown where a child's LA is hidden.",
    )
    national_team_email: str | None = Field(
        default=None,
        description="The national ContactPoint team's email: shown where a child's LA is hidden.",
    )
    linkage_model_dir: Path | None = Field(
        default=None,
        description="Folder of a trained Splink model; default: the model shipped in the package.",
    )

    forwarded_allow_ips: list[str] = Field(
        default_factory=list,
        description="Addresses of the reverse proxies whose X-Forwarded-For and -Proto are believed; "
        "from anyone else they are ignored (the sign-in throttle counts the peer's address).",
    )
    feed_submission_window_seconds: int = Field(
        default=3600, ge=1, description="Data sources: the window over which submissions per key are counted."
    )
    feed_submissions_per_window: int = Field(
        default=12, ge=1, description="Data sources: submissions one key may make in a window; more get 429."
    )
    fhir_client_requests_per_minute: int = Field(
        default=120,
        ge=1,
        description="Client systems: FHIR requests one key may make in a minute; more get 429.",
    )
    fhir_client_requests_per_hour: int = Field(
        default=600,
        ge=1,
        description="Client systems: FHIR requests one key may make in an hour, whichever practitioners it "
        "acts for; the request that reaches it alerts the auditors, more get 429.",
    )
    feed_small_submission_rows: int = Field(
        default=10, ge=0, description="Data sources: a submission of at most this many rows counts as small."
    )
    feed_small_submissions_alert: int = Field(
        default=5,
        ge=1,
        description="Data sources: this many small submissions in a window raise a misuse alert "
        "for the national team (probing one child at a time).",
    )
    feed_row_versions_alert: int = Field(
        default=3,
        ge=2,
        description="Data sources: one row key sent with this many different contents in a window raises "
        "a misuse alert (guessing a child's address).",
    )

    feed_partial_share_alert: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Data sources: a submission whose rows lack a name or date of birth at this share or "
        "more raises a misuse alert (sweeping guesses with rows that can only add to a record).",
    )
    feed_partial_rows_alert: int = Field(
        default=20,
        ge=1,
        description="Data sources: the fewest rows lacking identity in one submission for the share to count "
        "(smaller submissions are watched by the small-submission signal).",
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite store."""
        return self.database_url or f"sqlite:///{(self.home / 'contactpoint.db').resolve()}"

    def resolved_audit_witness_file(self) -> Path:
        """The checkpoint export, defaulting to the home folder."""
        return self.audit_witness_file or self.home / "audit-checkpoints.jsonl"

    def resolved_key_file(self) -> Path:
        """The key file path, defaulting to the home folder."""
        return self.key_file or self.home / "keyring.json"

    def resolved_postcode_authorities_file(self) -> Path:
        """The postcode-to-LA table's path, defaulting to the home folder."""
        return self.postcode_authorities_file or self.home / "postcode-authorities.csv"
