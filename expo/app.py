"""The composition root: ``create_app(settings)`` assembles plugins, middleware and every domain."""

import asyncio
import importlib
from collections.abc import Callable
from typing import Any

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.stores.registry import StoreRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from booths.allocation.pages import PAGE_HANDLERS as ALLOCATION_PAGES
from booths.applications.admin_pages import PAGE_HANDLERS as APPLICATION_ADMIN_PAGES
from booths.applications.api import CONTROLLERS as APPLICATION_CONTROLLERS
from booths.applications.pages import PAGE_HANDLERS as APPLICATION_PAGES
from booths.billing.addon_pages import PAGE_HANDLERS as ADDON_PAGES
from booths.billing.admin_pages import PAGE_HANDLERS as BILLING_ADMIN_PAGES
from booths.billing.document_api import ExpoDocumentController, MyDocumentController
from booths.billing.gateway.api import ROUTE_HANDLERS as GATEWAY_API
from booths.billing.gateway.pages import PAGE_HANDLERS as GATEWAY_PAGES
from booths.billing.image_pages import PAGE_HANDLERS as BILLING_IMAGE_PAGES
from booths.billing.pages import PAGE_HANDLERS as BILLING_PAGES
from booths.billing.proof_pages import PAGE_HANDLERS as PROOF_PAGES
from booths.billing.receipt_pages import PAGE_HANDLERS as BILLING_RECEIPT_PAGES
from booths.billing.refund_pages import PAGE_HANDLERS as REFUND_PAGES
from booths.billing.revenue_pages import PAGE_HANDLERS as REVENUE_PAGES
from booths.billing.statement_pages import PAGE_HANDLERS as STATEMENT_PAGES
from booths.billing.verify_pages import PAGE_HANDLERS as BILLING_VERIFY_PAGES
from booths.bookings.admin_pages import PAGE_HANDLERS as BOOKING_ADMIN_PAGES
from booths.bookings.api import BookingController
from booths.bookings.pages import PAGE_HANDLERS as BOOKING_PAGES
from booths.catalogue.pages import PAGE_HANDLERS as CATALOGUE_PAGES
from booths.catalogue.public_pages import PAGE_HANDLERS as CATALOGUE_PUBLIC_PAGES
from booths.catalogue.stats_pages import PAGE_HANDLERS as CATALOGUE_STATS_PAGES
from booths.committee.admin_pages import PAGE_HANDLERS as COMMITTEE_ADMIN_PAGES
from booths.committee.pages import PAGE_HANDLERS as COMMITTEE_PAGES
from booths.documents.admin_pages import PAGE_HANDLERS as DOCUMENT_ADMIN_PAGES
from booths.documents.pages import PAGE_HANDLERS as DOCUMENT_PAGES
from booths.exhibitors.admin_pages import PAGE_HANDLERS as EXHIBITOR_ADMIN_PAGES
from booths.exhibitors.api import ExhibitorController
from booths.exhibitors.pages import PAGE_HANDLERS as EXHIBITOR_PAGES
from booths.jobs.admin_pages import PAGE_HANDLERS as JOB_ADMIN_PAGES
from booths.labels import TEMPLATE_GLOBALS as BOOTHS_TEMPLATE_GLOBALS
from booths.maps.admin_pages import PAGE_HANDLERS as MAP_ADMIN_PAGES
from booths.maps.api import FeatureController, MapController
from booths.maps.layout_pages import PAGE_HANDLERS as LAYOUT_PAGES
from booths.maps.pages import PAGE_HANDLERS as MAP_PAGES
from booths.messages.admin_pages import PAGE_HANDLERS as MESSAGE_ADMIN_PAGES
from booths.notifications.admin_pages import PAGE_HANDLERS as MESSAGE_SETTING_PAGES
from booths.pricing.admin_pages import PAGE_HANDLERS as PRICING_PAGES
from booths.sales.admin_pages import PAGE_HANDLERS as SALES_ADMIN_PAGES
from booths.sales.pages import PAGE_HANDLERS as SALES_PAGES
from booths.signs.admin_pages import PAGE_HANDLERS as SIGN_ADMIN_PAGES
from booths.signs.pages import PAGE_HANDLERS as SIGN_PAGES
from booths.venue.admin_pages import PAGE_HANDLERS as VENUE_ADMIN_PAGES
from booths.venue.api import BoothController, ExpoController, HallController, PackageController
from booths.venue.pages import PAGE_HANDLERS as VENUE_PAGES
from expo.account_pages import PAGE_HANDLERS as ACCOUNT_PAGES
from expo.auth import (
    SESSIONMAKER_STATE_KEY,
    AuthMiddleware,
    BearerAwareCSRFMiddleware,
    csrf_config,
    provide_optional_user,
    provide_user,
)
from expo.auth_api import AuthController
from expo.database import create_engine, create_sessionmaker, metadata
from expo.deps import (
    PASSWORDS_STATE_KEY,
    SETTINGS_STATE_KEY,
    STORAGE_STATE_KEY,
    provide_lockout,
    provide_passwords,
    provide_settings,
    provide_storage,
)
from expo.health import health
from expo.http_security import proxy_headers, security_headers, trusted_proxies
from expo.i18n import load_catalogs
from expo.live import FigureNotices
from expo.messaging.api import ROUTE_HANDLERS as MESSAGING_API
from expo.messaging.pages import PAGE_HANDLERS as MESSAGING_PAGES
from expo.metrics import HttpMetricsMiddleware
from expo.metrics_api import metrics_handlers
from expo.openapi import TimeOfDaySchema, document_problems
from expo.pages import PAGE_HANDLERS as CORE_PAGES
from expo.problems import EXCEPTION_HANDLERS
from expo.public_url import SiteUrlMiddleware
from expo.request_limits import ExpoRequest
from expo.requests_in_flight import RequestsInFlightMiddleware, in_flight
from expo.security import Passwords
from expo.settings import Settings
from expo.storage import storage_from_settings
from expo.templating import STATIC_DIR, template_config
from expo.web import LocaleMiddleware
from tickets.certificates.pages import PAGE_HANDLERS as CERTIFICATE_PAGES
from tickets.gate.admin_pages import PAGE_HANDLERS as GATE_ADMIN_PAGES
from tickets.gate.api import GateAdminController, GateDeviceController, GateStaffController
from tickets.gate.live import CheckinNotices, channels_plugin
from tickets.gate.pages import PAGE_HANDLERS as GATE_PAGES
from tickets.leads.pages import PAGE_HANDLERS as LEAD_PAGES
from tickets.passes.admin_pages import PAGE_HANDLERS as PASS_ADMIN_PAGES
from tickets.passes.api import PassController
from tickets.passes.display import TEMPLATE_GLOBALS as PASS_TEMPLATE_GLOBALS
from tickets.passes.pages import PAGE_HANDLERS as PASS_PAGES
from tickets.passes.public_api import GateController, PublicPassController
from tickets.reports.admin_pages import PAGE_HANDLERS as REPORT_PAGES

# Every domain's tables: importing a models module registers its tables on the one MetaData. Alembic's
# environment and the migration tests load them all from here, whether or not the app mounts a domain.
MODEL_MODULES = (
    "expo.models",
    "expo.messaging.models",
    "booths.venue.models",
    "booths.pricing.models",
    "booths.exhibitors.models",
    "booths.bookings.models",
    "booths.maps.models",
    "booths.applications.models",
    "booths.allocation.models",
    "booths.notifications.models",
    "booths.billing.models",
    "booths.billing.statement_models",
    "booths.billing.gateway.models",
    "booths.sales.models",
    "booths.catalogue.models",
    "booths.documents.models",
    "tickets.passes.models",
    "tickets.gate.models",
    "tickets.leads.models",
    "expo.jobs.models",
)

# Modules whose job handlers (``expo.jobs.job_handler``) a worker needs: importing them registers them.
JOB_MODULES = (
    "expo.jobs.cleanup",
    "expo.messaging.service",
    "booths.notifications.triggers",
    "booths.billing.bills",
    "booths.billing.receipt_batch",
    "booths.sales.reminders",
    "booths.signs.jobs",
    "tickets.passes.jobs",
    "tickets.reports.jobs",
)


def load_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)


def load_job_handlers(settings: Settings) -> None:
    """Register every job kind: the domains' and those ``EXPO_JOB_MODULES`` names."""
    extra = [m.strip() for m in settings.job_modules.split(",") if m.strip()]
    for module in (*JOB_MODULES, *extra):
        importlib.import_module(module)


def _embedded_worker(settings: Settings, engine: AsyncEngine) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """Start and stop hooks running a job worker inside this server process (``EXPO_EMBEDDED_WORKER``)."""
    from expo.jobs.worker import Worker

    running: list[tuple[Worker, asyncio.Task[None]]] = []

    async def start() -> None:
        if not settings.embedded_worker:
            return
        worker = Worker(settings, engine, busy=in_flight)
        running.append((worker, asyncio.create_task(worker.run(), name="embedded-job-worker")))

    async def stop() -> None:
        while running:
            worker, task = running.pop()
            worker.stop()
            await asyncio.gather(task, return_exceptions=True)

    return start, stop


def _stores(settings: Settings) -> StoreRegistry:
    """Rate-limit counters live in Redis when several workers share them, else in memory."""
    if settings.redis_url:
        from litestar.stores.redis import RedisStore

        root = RedisStore.with_client(url=settings.redis_url)
        return StoreRegistry(default_factory=root.with_namespace)
    return StoreRegistry(default_factory=lambda _name: MemoryStore())


def _rate_limit(name: str, per_minute: int) -> RateLimitConfig:
    async def applies(request: Request[Any, Any, Any]) -> bool:
        return request.method == "POST" and request.route_handler.opt.get("rate_limit") == name

    return RateLimitConfig(
        rate_limit=("minute", per_minute), check_throttle_handler=applies, store=f"rate_limit_{name}"
    )


_ALCHEMY_KEY_REGISTRIES = (
    "_SESSION_SCOPE_KEY_REGISTRY",
    "_ENGINE_APP_STATE_KEY_REGISTRY",
    "_SESSIONMAKER_APP_STATE_KEY_REGISTRY",
)


def _alchemy_config(engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    """advanced-alchemy keeps every config's state keys in class-wide sets and renames a repeated key
    (``_sqlalchemy_db_session_1``, ``_2``, ...) by recursion, one level per app built before: a process
    that builds about a thousand apps (the test suite) hits Python's recursion limit. The keys live in each
    app's own state and each request's scope, so every app of a process may use the same ones."""
    for registry in _ALCHEMY_KEY_REGISTRIES:
        getattr(SQLAlchemyAsyncConfig, registry).clear()
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        metadata=metadata,
    )


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings()
    engine = create_engine(settings)
    alchemy = SQLAlchemyPlugin(config=_alchemy_config(engine))
    channels = channels_plugin(settings)
    load_job_handlers(settings)  # the kinds' names for the pages, and the embedded worker's handlers
    start_worker, stop_worker = _embedded_worker(settings, engine)
    notices = CheckinNotices(channels)
    figure_notices = FigureNotices(channels)  # sales and payments committed -> the dashboard's channel
    app = Litestar(
        route_handlers=[
            health,
            *metrics_handlers(settings),
            AuthController,
            ExpoController,
            HallController,
            PackageController,
            BoothController,
            ExhibitorController,
            BookingController,
            PassController,
            PublicPassController,
            GateController,
            GateAdminController,
            GateDeviceController,
            GateStaffController,
            MapController,
            FeatureController,
            MyDocumentController,
            ExpoDocumentController,
            *APPLICATION_CONTROLLERS,
            *CORE_PAGES,
            *ACCOUNT_PAGES,
            *VENUE_PAGES,
            *VENUE_ADMIN_PAGES,
            *COMMITTEE_ADMIN_PAGES,
            *COMMITTEE_PAGES,
            *EXHIBITOR_PAGES,
            *EXHIBITOR_ADMIN_PAGES,
            *BOOKING_PAGES,
            *BOOKING_ADMIN_PAGES,
            *PASS_PAGES,
            *PASS_ADMIN_PAGES,
            *GATE_PAGES,
            *GATE_ADMIN_PAGES,
            *MAP_PAGES,
            *CATALOGUE_PUBLIC_PAGES,
            *MAP_ADMIN_PAGES,
            *PRICING_PAGES,
            *BILLING_ADMIN_PAGES,
            *BILLING_IMAGE_PAGES,
            *BILLING_PAGES,
            *SIGN_PAGES,
            *SIGN_ADMIN_PAGES,
            *CATALOGUE_STATS_PAGES,
            *ADDON_PAGES,
            *REFUND_PAGES,
            *REVENUE_PAGES,
            *LAYOUT_PAGES,
            *APPLICATION_PAGES,
            *APPLICATION_ADMIN_PAGES,
            *ALLOCATION_PAGES,
            *MESSAGING_API,
            *MESSAGING_PAGES,
            *MESSAGE_ADMIN_PAGES,
            *JOB_ADMIN_PAGES,
            *BILLING_VERIFY_PAGES,
            *BILLING_RECEIPT_PAGES,
            *STATEMENT_PAGES,
            *MESSAGE_SETTING_PAGES,
            *PROOF_PAGES,
            *GATEWAY_API,
            *GATEWAY_PAGES,
            *SALES_PAGES,
            *DOCUMENT_PAGES,
            *DOCUMENT_ADMIN_PAGES,
            *CATALOGUE_PAGES,
            *SALES_ADMIN_PAGES,
            *REPORT_PAGES,
            *CERTIFICATE_PAGES,
            *LEAD_PAGES,
            create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
        ],
        plugins=[alchemy, channels, TimeOfDaySchema()],
        dependencies={
            "passwords": Provide(provide_passwords, sync_to_thread=False),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "storage": Provide(provide_storage, sync_to_thread=False),
            "lockout": Provide(provide_lockout, sync_to_thread=False),
            "user": Provide(provide_user),
            "maybe_user": Provide(provide_optional_user),
            "checkin_notices": Provide(lambda: notices, sync_to_thread=False, use_cache=True),
        },
        middleware=[
            RequestsInFlightMiddleware,  # the embedded job worker gives way while requests wait
            # Outermost but that, so that the time and status include every other layer (a 401, a 429).
            *([HttpMetricsMiddleware] if settings.metrics_enabled else []),
            # Then the client's address and scheme, before the rate limits and cookies use them.
            DefineMiddleware(proxy_headers, trusted=trusted_proxies(settings.trusted_proxies)),
            LocaleMiddleware,
            SiteUrlMiddleware,
            AuthMiddleware,
            DefineMiddleware(
                BearerAwareCSRFMiddleware, config=csrf_config(settings.resolved_secret_key(), settings.secure_cookies)
            ),
            _rate_limit("login", settings.login_rate_limit_per_minute).middleware,
            _rate_limit("signup", settings.signup_rate_limit_per_minute).middleware,
            _rate_limit("forgot", settings.forgot_password_rate_limit_per_minute).middleware,
            _rate_limit("visitor", settings.visitor_rate_limit_per_minute).middleware,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers],
        request_class=ExpoRequest,
        request_max_body_size=settings.max_body_bytes,
        template_config=template_config(BOOTHS_TEMPLATE_GLOBALS | PASS_TEMPLATE_GLOBALS),
        stores=_stores(settings),
        openapi_config=OpenAPIConfig(
            title="Expo API",
            version="0.1.0",
            path="/schema",
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
            description="Booths, exhibitors and bookings of a UMKM expo. Errors are RFC 9457 problem details.",
        ),
        state=State(
            {
                SETTINGS_STATE_KEY: settings,
                STORAGE_STATE_KEY: storage_from_settings(settings),
                PASSWORDS_STATE_KEY: Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
                SESSIONMAKER_STATE_KEY: create_sessionmaker(engine),
            }
        ),
        on_startup=[load_catalogs, start_worker, figure_notices.start],
        on_shutdown=[figure_notices.stop, stop_worker, engine.dispose],
        debug=settings.debug,
    )
    document_problems(app)
    return app
