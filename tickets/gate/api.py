"""Gate API: organisers set up gates and pair devices; paired devices scan and sync their offline queue;
the live dashboard's numbers, their server-sent events and the CSV of scans."""

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.response import ServerSentEvent, Stream
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from expo import metrics
from expo.accounts import CurrentUser
from expo.auth import SESSIONMAKER_STATE_KEY, requires, requires_gate_staff
from expo.csv_export import CSV_MEDIA_TYPE, csv_chunks, csv_stream
from expo.permissions import Area
from expo.settings import Settings
from tickets.gate import checkin, devices, live, offline_data
from tickets.gate import staff as gate_staff
from tickets.gate import supervision as checkin_ops
from tickets.gate.live import CheckinNotices
from tickets.gate.models import GateDevice
from tickets.gate.scan_facts import GateFacts, gate_facts
from tickets.gate.schemas import (
    AnnulIn,
    CheckinStats,
    CloseDayResult,
    DeviceCreate,
    DeviceRead,
    DeviceToken,
    GateContext,
    GateCreate,
    GateRead,
    GateStaffView,
    OfflinePassList,
    PairIn,
    PairingCode,
    RecentScan,
    ReentryIn,
    ResetIn,
    ResetResult,
    ScanIn,
    ScanResult,
    SyncIn,
    SyncResult,
)
from tickets.passes import service as passes
from tickets.passes.schemas import RevocationList
from tickets.signing.keys import load_keys

Id = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
Since = Annotated[int, Parameter(ge=0, le=2**31 - 1)]


async def _device(request: Request[Any, Any, Any], session: AsyncSession) -> GateDevice:
    return await devices.device_by_hash(session, devices.token_hash(request.headers.get("authorization")))


async def _gate_facts(request: Request[Any, Any, Any], session: AsyncSession) -> GateFacts:
    """The scanning device's gate and expo in one query (the scan path's first read)."""
    return await gate_facts(session, token_hash=devices.token_hash(request.headers.get("authorization")))


def _maker(request: Request[Any, Any, Any]) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state[SESSIONMAKER_STATE_KEY]
    return maker


async def _csv_chunks(maker: async_sessionmaker[AsyncSession], expo_id: int) -> AsyncIterator[bytes]:
    async with maker() as session:
        async for chunk in csv_chunks(checkin_ops.CSV_COLUMNS, checkin_ops.scan_rows(session, expo_id)):
            yield chunk


class GateAdminController(Controller):
    """Organisers: gates, devices and their pairing, re-entry rules, annul, reset, daily close."""

    tags = ["gates"]  # noqa: RUF012
    guards = [requires(Area.GATES)]  # noqa: RUF012

    @post("/api/expos/{expo_id:int}/gates", status_code=201)
    async def create_gate(
        self, expo_id: FromPath[Id], data: JSONBody[GateCreate], db_session: NamedDependency[AsyncSession]
    ) -> GateRead:
        gate = await devices.create_gate(db_session, expo_id, data)
        await db_session.commit()
        return devices.gate_read(gate)

    @get("/api/expos/{expo_id:int}/gates")
    async def list_gates(self, expo_id: FromPath[Id], db_session: NamedDependency[AsyncSession]) -> list[GateRead]:
        return [devices.gate_read(g) for g in await devices.list_gates(db_session, expo_id)]

    @post("/api/gates/{gate_id:int}/devices", status_code=201, summary="A device to pair, with its one-time code")
    async def create_device(
        self,
        gate_id: FromPath[Id],
        data: JSONBody[DeviceCreate],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> PairingCode:
        device, code = await devices.create_device(db_session, gate_id, data.name, user)
        await db_session.commit()
        return _pairing(device, code)

    @get("/api/gates/{gate_id:int}/devices")
    async def list_devices(self, gate_id: FromPath[Id], db_session: NamedDependency[AsyncSession]) -> list[DeviceRead]:
        return [devices.device_read(d) for d in await devices.list_devices(db_session, gate_id)]

    @post("/api/gate-devices/{device_id:int}/revoke", status_code=200, summary="Revoke a lost device at once")
    async def revoke_device(self, device_id: FromPath[Id], db_session: NamedDependency[AsyncSession]) -> DeviceRead:
        device = await devices.revoke_device(db_session, device_id)
        await db_session.commit()
        return devices.device_read(device)

    @put("/api/expos/{expo_id:int}/pass-kinds/{code:str}/reentry", status_code=200)
    async def set_reentry(
        self,
        expo_id: FromPath[Id],
        code: FromPath[str],
        data: JSONBody[ReentryIn],
        db_session: NamedDependency[AsyncSession],
    ) -> ReentryIn:
        await devices.set_reentry(db_session, expo_id, code[:24], data.reentry)
        await db_session.commit()
        return data

    @post("/api/scans/{scan_id:int}/annul", status_code=200, summary="Annul a mistaken scan, with a reason")
    async def annul(
        self,
        scan_id: FromPath[Id],
        data: JSONBody[AnnulIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        checkin_notices: NamedDependency[CheckinNotices],
    ) -> ScanResult:
        scan = await checkin_ops.annul_scan(db_session, scan_id, user, data.reason)
        await db_session.commit()
        checkin_notices.changed(scan.expo_id)
        return await checkin.scan_result(db_session, scan)

    @post("/api/expos/{expo_id:int}/checkins/reset", status_code=200, summary="Forget a test run's scans")
    async def reset(
        self,
        expo_id: FromPath[Id],
        data: JSONBody[ResetIn],
        db_session: NamedDependency[AsyncSession],
        checkin_notices: NamedDependency[CheckinNotices],
    ) -> ResetResult:
        deleted = await checkin_ops.reset_checkins(db_session, expo_id)
        await db_session.commit()
        checkin_notices.changed(expo_id)
        return ResetResult(deleted_scans=deleted)

    @post("/api/expos/{expo_id:int}/checkins/close-day", status_code=200, summary="Check everyone out")
    async def close_day(
        self,
        expo_id: FromPath[Id],
        db_session: NamedDependency[AsyncSession],
        checkin_notices: NamedDependency[CheckinNotices],
    ) -> CloseDayResult:
        moved = await checkin_ops.close_day(db_session, expo_id)
        await db_session.commit()
        checkin_notices.changed(expo_id)
        return CloseDayResult(checked_out=moved)

    @get("/api/expos/{expo_id:int}/checkins/stats", summary="Inside now, entries, per gate/kind/hour, refusals")
    async def stats(self, expo_id: FromPath[Id], db_session: NamedDependency[AsyncSession]) -> CheckinStats:
        return await checkin_ops.stats(db_session, expo_id)

    @get(
        "/api/expos/{expo_id:int}/checkins/stream",
        include_in_schema=False,  # a 5-minute event stream: documented in docs/gate.md, not fuzzed
        summary="The stats as server-sent events when they change",
    )
    async def stream(
        self,
        expo_id: FromPath[Id],
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        channels: NamedDependency[ChannelsPlugin],
        settings: NamedDependency[Settings],
    ) -> ServerSentEvent:
        await checkin_ops.stats(db_session, expo_id)  # 404 before the stream starts
        events = live.stats_events(_maker(request), channels, expo_id, reread_seconds=settings.dashboard_reread_seconds)
        return ServerSentEvent(events, event_type="stats")

    @get("/api/expos/{expo_id:int}/scans", summary="Scans, newest first (before= a scan id for older ones)")
    async def recent_scans(
        self,
        expo_id: FromPath[Id],
        db_session: NamedDependency[AsyncSession],
        limit: Annotated[int, Parameter(ge=1, le=200)] = 30,
        before: Annotated[int | None, Parameter(ge=1, le=2**31 - 1)] = None,
    ) -> list[RecentScan]:
        return await checkin_ops.recent_scans(db_session, expo_id, limit, before)

    @get("/api/expos/{expo_id:int}/scans.csv", media_type=CSV_MEDIA_TYPE, summary="Every scan as CSV (streamed)")
    async def scans_csv(
        self, expo_id: FromPath[Id], request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Stream:
        await checkin_ops.stats(db_session, expo_id)  # 404 before the stream starts
        return csv_stream(_csv_chunks(_maker(request), expo_id), f"scans-{expo_id}.csv", no_store=True)


def _pairing(device: GateDevice, code: str) -> PairingCode:
    assert device.pairing_expires_at is not None
    return PairingCode(
        device=devices.device_read(device),
        pairing_code=code,
        pair_url=f"/gate?pair={code}",
        expires_at=device.pairing_expires_at,
    )


class GateStaffController(Controller):
    """A gate-staff account: its own gate's counts, and pairing / unpairing its own phones to it."""

    tags = ["gates"]  # noqa: RUF012
    guards = [requires_gate_staff]  # noqa: RUF012

    @get("/api/gate-staff/gate", summary="My gate and its counts today")
    async def my_gate(
        self, user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> GateStaffView:
        gate = await gate_staff.own_gate(db_session, user)
        assert gate.id is not None
        stats = await checkin_ops.stats(db_session, gate.expo_id, gate_id=gate.id)
        return GateStaffView(gate=devices.gate_read(gate), stats=stats)

    @get("/api/gate-staff/devices", summary="The phones I paired to my gate")
    async def my_devices(
        self, user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> list[DeviceRead]:
        return [devices.device_read(d) for d in await gate_staff.own_devices(db_session, user)]

    @post("/api/gate-staff/devices", status_code=201, summary="Pair a phone to my gate: its one-time code")
    async def pair_my_phone(
        self,
        data: JSONBody[DeviceCreate],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> PairingCode:
        _gate, device, code = await gate_staff.pair_own_phone(db_session, user, data.name)
        await db_session.commit()
        return _pairing(device, code)

    @post("/api/gate-staff/devices/{device_id:int}/revoke", status_code=200, summary="Unpair a phone I paired")
    async def unpair_my_phone(
        self, device_id: FromPath[Id], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> DeviceRead:
        device = await gate_staff.unpair_own_phone(db_session, user, device_id)
        await db_session.commit()
        return devices.device_read(device)


class GateDeviceController(Controller):
    """Paired devices (``Authorization: Device <token>``): pair, scan, sync the offline queue."""

    tags = ["gates"]  # noqa: RUF012

    @post("/api/gate/pair", status_code=201, summary="Exchange a pairing code for the device's token")
    async def pair(self, data: JSONBody[PairIn], db_session: NamedDependency[AsyncSession]) -> DeviceToken:
        device, token = await devices.pair_device(db_session, data.pairing_code)
        gate = await devices.get_gate(db_session, device.gate_id)
        await db_session.commit()
        assert device.id is not None
        return DeviceToken(
            device_id=device.id, gate_id=gate.id or 0, gate_name=gate.name, expo_id=device.expo_id, token=token
        )

    @get("/api/gate/me", summary="The device's gate")
    async def me(self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> GateRead:
        device = await _device(request, db_session)
        return devices.gate_read(await devices.get_gate(db_session, device.gate_id))

    @post("/api/gate/scans", status_code=200, summary="Decide one scan (see docs/gate.md for the order)")
    async def scan(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ScanIn],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        checkin_notices: NamedDependency[CheckinNotices],
    ) -> ScanResult:
        started = time.perf_counter()
        token_hash = devices.token_hash(request.headers.get("authorization"))
        keys = load_keys(settings.signing_key_file)
        gate, result = await checkin.scan_from_device(db_session, token_hash, data, keys)
        checkin_notices.changed(gate.expo_id)
        metrics.record_scan("online", result.status, result.reason)
        metrics.record_scan_seconds(time.perf_counter() - started)
        return result

    @post("/api/gate/sync", status_code=200, summary="Store a batch of offline scans, each once")
    async def sync(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[SyncIn],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        checkin_notices: NamedDependency[CheckinNotices],
    ) -> SyncResult:
        gate = await _gate_facts(request, db_session)
        results = await checkin.sync(
            db_session, gate, data.scans, load_keys(settings.signing_key_file), sent_at=data.sent_at
        )
        checkin_notices.changed(gate.expo_id)
        answer = SyncResult(
            results=results,
            stored=sum(not r.replay for r in results),
            duplicates=sum(r.replay for r in results),
            conflicts=sum(r.conflict for r in results),
        )
        metrics.record_sync([(r.status, r.reason) for r in results], answer.duplicates, answer.conflicts)
        return answer

    @get("/api/gate/context", summary="The device's gate, the expo's days and hours, the kinds (to decide offline)")
    async def context(self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> GateContext:
        device = await _device(request, db_session)
        return await offline_data.gate_context(db_session, device)

    @get("/api/gate/revocations", summary="Revoked serials after since= (the expo's revocation list)")
    async def revocations(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        since: FromQuery[Since] = 0,
    ) -> RevocationList:
        device = await _device(request, db_session)
        return await passes.revocations_since(db_session, device.expo_id, since)

    @get("/api/gate/passes", summary="The expo's passes changed after cursor=, for offline scanning")
    async def pass_list(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        cursor: FromQuery[Annotated[str | None, Parameter(max_length=40)]] = None,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=offline_data.PAGE)]] = offline_data.PAGE,
    ) -> OfflinePassList:
        device = await _device(request, db_session)
        return await offline_data.passes_changed(db_session, device.expo_id, cursor, limit)
