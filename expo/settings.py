"""Settings read from the environment (prefix ``EXPO_``); see docs/deployment.md."""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything a deployment may change. Built once and handed to ``create_app``."""

    model_config = SettingsConfigDict(env_prefix="EXPO_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{ROOT / 'var' / 'expo.db'}",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://...",
    )
    secret_key: str = Field(
        default="",
        description="Signs CSRF tokens. Empty: read or create var/secret_key (keep it out of the database).",
    )
    secret_key_file: Path = ROOT / "var" / "secret_key"
    redis_url: str | None = Field(
        default=None, description="Shared store for rate limits when several workers run (redis://...)."
    )
    timezone: str = "Asia/Jakarta"
    secure_cookies: bool = Field(default=False, description="Set on production behind HTTPS.")
    session_days: int = Field(default=14, ge=1, le=365)
    login_rate_limit_per_minute: int = Field(default=10, ge=1)
    signup_rate_limit_per_minute: int = Field(default=5, ge=1)
    forgot_password_rate_limit_per_minute: int = Field(default=5, ge=1)
    password_resets_per_hour: int = Field(default=3, ge=1, description="Reset links one address gets an hour, at most.")
    password_reset_minutes: int = Field(default=60, ge=5, le=1440, description="How long a password-reset link works.")
    email_verify_hours: int = Field(default=72, ge=1, le=720, description="How long an e-mail verification link works.")
    login_lockout_after: int = Field(default=5, ge=1, description="Wrong passwords in a row that lock an account.")
    login_lockout_seconds: int = Field(default=60, ge=1, description="First lock; doubles with each further miss.")
    login_lockout_max_seconds: int = Field(default=3600, ge=1)
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="Addresses or networks (comma-separated, or *) whose X-Forwarded-For/-Proto are believed.",
    )
    # argon2 cost; tests lower it so that the suite stays fast.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    sqlite_busy_timeout_ms: int = Field(default=10000, ge=0)
    pool_size: int = Field(
        default=20, ge=1, description="Database connections per server process, opened as needed and kept open."
    )
    pool_timeout_seconds: float = Field(
        default=10.0, gt=0, le=300, description="Wait at most this for a free pooled connection (then 503)."
    )
    pool_ping_idle_seconds: float = Field(
        default=1.0,
        ge=0,
        le=3600,
        description="PostgreSQL: ping a pooled connection before use only when it sat idle longer than this.",
    )
    database_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, le=120, description="PostgreSQL: give up connecting after this (then 503 during an outage)."
    )
    debug: bool = False
    max_csv_bytes: int = Field(default=2_000_000, ge=1024, le=30_000_000)
    max_body_bytes: int = Field(
        default=1_000_000, ge=64_000, description="Largest request body outside file uploads (JSON, forms)."
    )
    # Uploaded files (expo/storage.py, expo/uploads.py): see docs/deployment.md, "Uploaded files".
    max_upload_bytes: int = Field(
        default=5 * 1024 * 1024, ge=64_000, le=25 * 1024 * 1024, description="Largest uploaded file (photos, PDFs)."
    )
    storage_dir: Path = Field(default=ROOT / "var" / "files", description="Uploaded files, when no bucket is set.")
    storage_url: str = Field(
        default="", description="s3://bucket/prefix: keep uploaded files in that bucket. Empty: EXPO_STORAGE_DIR."
    )
    storage_endpoint: str = Field(
        default="", description="The S3-compatible service's address (MinIO, R2, ...). Empty: Amazon S3."
    )
    storage_region: str = ""
    storage_access_key_id: str = Field(default="", description="Empty: the usual AWS_* variables or instance role.")
    storage_secret_access_key: str = ""
    storage_path_style: bool = Field(default=False, description="Address the bucket in the path (most MinIO set-ups).")
    # Passes (tickets): the Ed25519 key file never enters the database; batch PDFs go to a shared directory.
    signing_key_file: Path = Field(
        default=ROOT / "var" / "keys" / "pass-signing.json", description="Pass signing keys, created 0600 if absent."
    )
    pass_jobs_dir: Path = Field(default=ROOT / "var" / "jobs", description="Batch pass PDFs (shared between workers).")
    pass_batch_sync_limit: int = Field(default=200, ge=1, description="Larger batches become background jobs.")
    pass_batch_workers: int = Field(default=0, ge=0, description="Render processes for batches; 0 = one per core.")
    visitor_rate_limit_per_minute: int = Field(default=20, ge=1)
    dashboard_reread_seconds: float = Field(
        default=5.0, ge=0.5, le=3600, description="Live dashboards re-read the numbers at least this often."
    )
    # The job runner (expo/jobs): see docs/deployment.md, "Workers".
    embedded_worker: bool = Field(
        default=True,
        description="`expo serve` runs a job worker in each server process; false when `expo worker` runs apart.",
    )
    job_concurrency: int = Field(default=4, ge=1, le=256, description="Jobs one worker runs at once.")
    job_give_way_requests: int = Field(
        default=4, ge=1, description="The embedded worker starts no job while its server answers this many requests."
    )
    job_give_way_seconds: float = Field(
        default=5.0, ge=0, le=600, description="... for at most this long in a row (0: never gives way)."
    )
    job_poll_seconds: float = Field(default=1.0, gt=0, le=60, description="How often an idle worker looks for jobs.")
    job_lease_seconds: float = Field(
        default=30.0, ge=0.5, le=3600, description="A job whose worker has not renewed it this long runs again."
    )
    job_backoff_base_seconds: float = Field(default=10.0, ge=0, description="Wait after a failed first attempt.")
    job_backoff_max_seconds: float = Field(default=3600.0, ge=0, description="Longest wait between attempts.")
    job_keep_days: int = Field(default=14, ge=1, description="Finished jobs and their files are deleted after this.")
    job_cleanup_every_seconds: int = Field(default=3600, ge=60, description="How often the clean-up job runs.")
    job_maintenance_seconds: float = Field(
        default=30.0, gt=0, description="How often a worker looks for lost jobs and queues the clean-up."
    )
    job_modules: str = Field(
        default="", description="Further modules (comma-separated) whose job handlers a worker loads."
    )
    # Prometheus (expo/metrics.py): off unless enabled, and then only with the bearer token.
    metrics_enabled: bool = Field(default=False, description="Serve /metrics (Prometheus text format).")
    metrics_token: str = Field(
        default="", description="Bearer token a scraper must send to /metrics; at least 16 characters."
    )
    public_url: str = Field(
        default="",
        description="The address visitors reach the site at (https://expo.example.id): printed QR codes lead there."
        " Empty: the address each request came to.",
    )

    # Messages (expo/messaging): e-mail over SMTP, WhatsApp through a provider; docs/deployment.md.
    smtp_host: str = Field(default="", description="SMTP server. Empty: e-mail goes to the local outbox page.")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls", description="starttls (port 587), tls (implicit TLS, port 465) or none (a local relay)."
    )
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = Field(default="Expo <noreply@localhost>", description="The From address of every e-mail.")
    smtp_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    whatsapp_provider: Literal["", "cloud", "gateway"] = Field(
        default="",
        description="cloud (WhatsApp Business Cloud API), gateway (a local HTTP gateway) or empty: organisers"
        " send by hand through wa.me links.",
    )
    whatsapp_token: str = Field(default="", description="Bearer token of the Cloud API or the gateway.")
    whatsapp_cloud_base_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_phone_number_id: str = Field(default="", description="Cloud API: the sending number's id.")
    whatsapp_gateway_url: str = Field(default="", description="Gateway: the URL messages are POSTed to.")
    whatsapp_gateway_phone_field: str = "target"
    whatsapp_gateway_text_field: str = "message"
    whatsapp_gateway_phone_format: Literal["digits", "e164"] = Field(
        default="digits", description="digits (6281234...) or e164 (+6281234...)."
    )
    whatsapp_gateway_form: bool = Field(default=False, description="Gateway: send a form instead of JSON.")
    whatsapp_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    whatsapp_webhook_verify_token: str = Field(
        default="", description="Cloud API webhook: the token Meta sends when the webhook is set up."
    )
    whatsapp_app_secret: str = Field(
        default="", description="Cloud API webhook: the app secret that signs status reports. Empty: no webhook."
    )

    # Online payment (booths/billing/gateway): off unless a gateway and its key are set; docs/deployment.md.
    payment_gateway: Literal["", "midtrans"] = Field(
        default="", description="midtrans, or empty: no online payment (exhibitors pay by transfer, QRIS or cash)."
    )
    midtrans_server_key: str = Field(default="", description="Midtrans: the server key (signs notifications too).")
    midtrans_base_url: str = Field(
        default="https://app.sandbox.midtrans.com",
        description="Midtrans Snap: the sandbox by default; https://app.midtrans.com for real money.",
    )
    payment_gateway_timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("EXPO_PUBLIC_URL must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _metrics_need_a_token(self) -> "Settings":
        # Open metrics would tell anyone the scan rate and who is busy; refuse to start rather than serve them.
        if self.metrics_enabled and len(self.metrics_token) < 16:
            raise ValueError("EXPO_METRICS_ENABLED needs EXPO_METRICS_TOKEN of at least 16 characters")
        return self

    def resolved_secret_key(self) -> str:
        """The CSRF signing secret: the setting, or a file created on first run."""
        if self.secret_key:
            return self.secret_key
        path = self.secret_key_file
        if path.exists():
            return path.read_text().strip()
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
