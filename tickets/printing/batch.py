"""Many passes into one PDF file: chunks of sheets rendered in worker processes, spliced in order.

Memory stays flat however large the batch: cards arrive page by page from the caller, at most a
few chunks are in flight, and each finished chunk is appended to the output file and dropped.
"""

import asyncio
import inspect
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from expo.pdf_splice import PdfSplicer
from tickets.printing import pdf, sheets

CHUNK_PASSES = 64  # 16 sheets: big enough to share fonts and forms, small enough to stream
assert CHUNK_PASSES % sheets.PER_SHEET == 0  # a sheet never spans two chunks


@dataclass(frozen=True)
class BatchResult:
    passes: int
    pages: int
    size: int


def render_chunk(cards: Sequence[pdf.PassCard], paper: pdf.Paper) -> bytes:
    """One chunk of sheets (runs in a worker process)."""
    return sheets.sheets_pdf(cards, paper)


def _warm() -> None:
    from expo.fonts import register_fonts

    register_fonts()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Render processes started from a fork server (safe from a threaded web worker) with the
    PDF code already imported, so each chunk costs only its rendering."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tickets.printing.pdf"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm)


async def _in_chunks(pages: AsyncIterable[Sequence[pdf.PassCard]], size: int) -> AsyncIterator[list[pdf.PassCard]]:
    buffer: list[pdf.PassCard] = []
    async for page in pages:
        buffer.extend(page)
        while len(buffer) >= size:
            yield buffer[:size]
            buffer = buffer[size:]
    if buffer:
        yield buffer


async def write_batch(
    pages: AsyncIterable[Sequence[pdf.PassCard]],
    paper: pdf.Paper,
    out: BinaryIO,
    *,
    executor: Executor | None = None,
    title: str = "",
    progress: Callable[[int], object] | None = None,
    chunk_passes: int = CHUNK_PASSES,
) -> BatchResult:
    """Render every card to ``out``, four to a sheet, in the order given.

    With an ``executor`` (a process pool) chunks render in parallel, a few ahead of the splicer;
    without one they render here, one after the other.
    """
    loop = asyncio.get_running_loop()
    splicer = PdfSplicer(out, title)
    in_flight: deque[asyncio.Future[bytes]] = deque()
    limit = 2 * (getattr(executor, "_max_workers", 1) or 1)
    passes = pages_written = 0

    async def take(chunk_pdf: bytes, count: int) -> None:
        nonlocal passes, pages_written
        pages_written += splicer.add(chunk_pdf)
        passes += count
        if progress is not None:
            reported = progress(passes)
            if inspect.isawaitable(reported):
                await reported

    counts: deque[int] = deque()
    async for chunk in _in_chunks(pages, chunk_passes):
        if executor is None:
            await take(render_chunk(chunk, paper), len(chunk))
            await asyncio.sleep(0)
            continue
        in_flight.append(loop.run_in_executor(executor, render_chunk, chunk, paper))
        counts.append(len(chunk))
        while len(in_flight) >= limit:
            await take(await in_flight.popleft(), counts.popleft())
    while in_flight:
        await take(await in_flight.popleft(), counts.popleft())
    size = splicer.close()
    return BatchResult(passes=passes, pages=pages_written, size=size)


async def pages_of(cards: Iterable[pdf.PassCard], page_size: int = 256) -> AsyncIterator[list[pdf.PassCard]]:
    """A plain iterable of cards as the page stream :func:`write_batch` reads (lazily)."""
    page: list[pdf.PassCard] = []
    for card in cards:
        page.append(card)
        if len(page) >= page_size:
            yield page
            page = []
            await asyncio.sleep(0)
    if page:
        yield page
