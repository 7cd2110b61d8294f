"""Whether raw bytes hold any of some literal needles (caseless for ASCII), stopping at the
first hit: the backfill's pass over every archived page.

Three engines, fastest first; `literal_search` takes the first this machine has:
- "system": Intel Hyperscan from the operating system (`libhs.so.5`, Debian's and Ubuntu's
  `libhyperscan5`, 5.2 or newer), called through ctypes. Its runtime picks the widest vector
  code the CPU has (AVX-512 here), which scans a page about a third faster than the wheel;
- "wheel": the `hyperscan` wheel from PyPI (a vectorscan build inside the wheel);
- "python": lower-casing the bytes and one substring search per needle (any platform).
"""

from __future__ import annotations

import ctypes
import threading
import weakref
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Literal

Engine = Literal["system", "wheel", "python"]
ENGINES: tuple[Engine, ...] = ("system", "wheel", "python")

_SYSTEM_LIBRARY = "libhs.so.5"
_CASELESS = 1  # HS_FLAG_CASELESS
_SINGLEMATCH = 8  # HS_FLAG_SINGLEMATCH
_MODE_BLOCK = 1  # HS_MODE_BLOCK
_SCAN_TERMINATED = -3  # HS_SCAN_TERMINATED: the callback asked to stop
_MAX_BLOCK = 0xFFFF_FFFF  # hs_scan takes an unsigned int length

# Hyperscan's match callback: one hit settles it, so it asks the scan to stop.
_u64, _uint = ctypes.c_ulonglong, ctypes.c_uint
_Callback = ctypes.CFUNCTYPE(ctypes.c_int, _uint, _u64, _u64, _uint, ctypes.c_void_p)
_STOP = _Callback(lambda *_: 1)


class EngineUnavailable(RuntimeError):
    """The engine asked for is not installed on this machine."""


class _CompileError(ctypes.Structure):
    _fields_ = [("message", ctypes.c_char_p), ("expression", ctypes.c_int)]


@cache
def _system() -> ctypes.CDLL | None:
    """The system's Hyperscan library, declared, or None when absent, too old for literal
    databases (before 5.2) or unable to run on this CPU."""
    try:
        lib = ctypes.CDLL(_SYSTEM_LIBRARY)
    except OSError:
        return None
    lib.hs_version.restype = ctypes.c_char_p
    lib.hs_version.argtypes = []
    version = (lib.hs_version() or b"").split()[0].decode("ascii", "replace")
    numbers = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    if numbers < (5, 2) or not hasattr(lib, "hs_compile_lit_multi"):
        return None
    lib.hs_valid_platform.restype = ctypes.c_int
    if lib.hs_valid_platform() != 0:
        return None
    pointer, handle = ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p
    lib.hs_compile_lit_multi.argtypes = [
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.POINTER(ctypes.c_uint),
        ctypes.POINTER(ctypes.c_uint),
        ctypes.POINTER(ctypes.c_size_t),
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        pointer,
        ctypes.POINTER(ctypes.POINTER(_CompileError)),
    ]
    lib.hs_free_compile_error.argtypes = [ctypes.POINTER(_CompileError)]
    lib.hs_alloc_scratch.argtypes = [handle, pointer]
    lib.hs_clone_scratch.argtypes = [handle, pointer]
    lib.hs_free_scratch.argtypes = [handle]
    lib.hs_free_database.argtypes = [handle]
    text, size = ctypes.c_char_p, ctypes.c_uint
    lib.hs_scan.argtypes = [handle, text, size, ctypes.c_uint, handle, _Callback, handle]
    for name in ("hs_compile_lit_multi", "hs_alloc_scratch", "hs_clone_scratch", "hs_scan"):
        getattr(lib, name).restype = ctypes.c_int
    return lib


@cache
def _wheel() -> bool:
    """Whether the hyperscan wheel imports here."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


# Whether each engine runs here, in ENGINES' order (fastest first).
_RUNS: dict[Engine, Callable[[], bool]] = {
    "system": lambda: _system() is not None,
    "wheel": _wheel,
    "python": lambda: True,
}


def available() -> tuple[Engine, ...]:
    """The engines this machine can run, fastest first."""
    return tuple(e for e in ENGINES if _RUNS[e]())


def _fastest() -> Engine:
    """The fastest engine here, loading no library a faster one makes unnecessary."""
    return next(e for e in ENGINES if _RUNS[e]())


class LiteralSearch:
    """A compiled set of needles; calling it with bytes says whether any needle is in them."""

    engine: Engine

    def __call__(self, raw: bytes) -> bool:  # pragma: no cover - every engine overrides it
        raise NotImplementedError


class _SystemSearch(LiteralSearch):
    """The needles in a literal database of the system's Hyperscan, one scratch per thread."""

    engine: Engine = "system"

    def __init__(self, lib: ctypes.CDLL, needles: Sequence[bytes]) -> None:
        self._lib = lib
        self._overlap = max(len(n) for n in needles) - 1
        count = len(needles)
        db, error = ctypes.c_void_p(), ctypes.POINTER(_CompileError)()
        rc = lib.hs_compile_lit_multi(
            (ctypes.c_char_p * count)(*needles),
            (ctypes.c_uint * count)(*([_CASELESS | _SINGLEMATCH] * count)),
            (ctypes.c_uint * count)(*range(count)),
            (ctypes.c_size_t * count)(*(len(n) for n in needles)),
            count,
            _MODE_BLOCK,
            None,
            ctypes.byref(db),
            ctypes.byref(error),
        )
        if rc != 0:
            message = error.contents.message.decode("utf-8", "replace") if error else f"error {rc}"
            if error:
                lib.hs_free_compile_error(error)
            raise ValueError(f"Hyperscan could not compile the needles: {message}")
        self._db = db
        self._prototype = self._new_scratch(lib.hs_alloc_scratch, db)
        self._local = threading.local()
        self._scratches = [self._prototype]
        weakref.finalize(self, _free_system, lib, db, self._scratches)

    @staticmethod
    def _new_scratch(make: Callable[..., int], source: ctypes.c_void_p) -> ctypes.c_void_p:
        """A scratch space from `make` (allocate for a database, or clone another scratch)."""
        scratch = ctypes.c_void_p()
        rc = make(source, ctypes.byref(scratch))
        if rc != 0:
            raise MemoryError(f"Hyperscan could not allocate scratch space (error {rc})")
        return scratch

    def _scratch(self) -> ctypes.c_void_p:
        """This thread's scratch space: Hyperscan forbids sharing one between running scans."""
        scratch: ctypes.c_void_p | None = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._new_scratch(self._lib.hs_clone_scratch, self._prototype)
            self._scratches.append(scratch)
            self._local.scratch = scratch
        return scratch

    def __call__(self, raw: bytes) -> bool:
        """Whether a needle is in the bytes."""
        if len(raw) <= _MAX_BLOCK:
            return self._scan(raw)
        # hs_scan takes at most 4 GiB: longer bytes go in pieces overlapping by a needle.
        step = _MAX_BLOCK - self._overlap
        return any(self._scan(raw[i : i + _MAX_BLOCK]) for i in range(0, len(raw), step))

    def _scan(self, block: bytes) -> bool:
        """One hs_scan of at most 4 GiB."""
        rc = self._lib.hs_scan(self._db, block, len(block), 0, self._scratch(), _STOP, None)
        if rc == _SCAN_TERMINATED:
            return True
        if rc != 0:
            raise RuntimeError(f"Hyperscan scan failed (error {rc})")
        return False


def _free_system(lib: ctypes.CDLL, db: ctypes.c_void_p, scratches: list[ctypes.c_void_p]) -> None:
    """Release a system database and every scratch made for it."""
    for scratch in scratches:
        lib.hs_free_scratch(scratch)
    lib.hs_free_database(db)


class _WheelSearch(LiteralSearch):
    """The needles in a literal database of the `hyperscan` wheel."""

    engine: Engine = "wheel"

    def __init__(self, needles: Sequence[bytes]) -> None:
        import hyperscan

        self._db: Any = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
        ids = list(range(len(needles)))
        self._db.compile(expressions=list(needles), ids=ids, flags=flags, literal=True)
        self._scratch: Any = hyperscan.Scratch(self._db)
        self._stopped: type[Exception] = hyperscan.ScanTerminated

    def __call__(self, raw: bytes) -> bool:
        """Whether a needle is in the bytes."""
        # The callback stops the scan at the first hit, which the wheel reports by raising.
        try:
            self._db.scan(raw, match_event_handler=_first, scratch=self._scratch)
        except self._stopped:
            return True
        return False


def _first(needle: int, start: int, end: int, flags: int, context: object) -> bool:
    """The wheel's match callback: one hit settles it, so stop scanning."""
    return True


class _PythonSearch(LiteralSearch):
    """The needles looked for one by one in the lower-cased bytes."""

    engine: Engine = "python"

    def __init__(self, needles: Sequence[bytes]) -> None:
        self._needles = tuple(n.lower() for n in needles)

    def __call__(self, raw: bytes) -> bool:
        """Whether a needle is in the bytes."""
        low = raw.lower()
        return any(n in low for n in self._needles)


def literal_search(needles: Sequence[bytes], engine: Engine | None = None) -> LiteralSearch:
    """A search for the needles (at least one, none empty) with the given engine, or the
    fastest this machine has; EngineUnavailable when the one asked for is not installed."""
    if not needles or not all(needles):
        raise ValueError("literal_search needs at least one needle, and no empty one")
    chosen = engine or _fastest()
    if chosen == "system" and (lib := _system()) is not None:
        return _SystemSearch(lib, needles)
    if chosen == "wheel" and _wheel():
        return _WheelSearch(needles)
    if chosen == "python":
        return _PythonSearch(needles)
    wanted = "hyperscan wheel" if chosen == "wheel" else f"Intel Hyperscan 5.2+ ({_SYSTEM_LIBRARY})"
    raise EngineUnavailable(f"no {wanted} on this machine")
