"""Raw captures: every fetched response written to gzipped WARC files, and read back.

Files live in one folder beside the archive (`<archive>.warc/` by default), named
`kronika-<UTC time>-<n>.warc.gz` and rotated when one passes a size limit. Each record is a
gzip member of its own, so a record is read back from its file and offset alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

__all__ = ["Capture", "WarcWriter", "read_capture", "warc_folder"]

DEFAULT_MAX_BYTES = 100 * 1024 * 1024


def warc_folder(db_path: str | Path) -> Path:
    """Where an archive's WARC files go: beside it, `archive.db` -> `archive.warc/`."""
    path = Path(db_path)
    return path.with_name(path.stem + ".warc")


@dataclass
class Capture:
    """One response as fetched."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: str | None = None


class WarcWriter:
    """Appends response records to the current WARC file, starting a new one past max_bytes."""

    def __init__(self, folder: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._file: io.BufferedWriter | None = None
        self._name = ""
        self._count = 0

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        self._count += 1
        self._name = f"kronika-{stamp}-{self._count:05d}.warc.gz"
        self._file = open(self.folder / self._name, "ab")  # noqa: SIM115 - kept open on purpose

    def write(self, capture: Capture) -> tuple[str, int]:
        """Write one response; return (file name, offset) to find it again."""
        if self._file is None or self._file.tell() >= self.max_bytes:
            self.close()
            self._open()
        assert self._file is not None
        offset = self._file.tell()
        writer = WARCWriter(self._file, gzip=True)
        reason = "OK" if capture.status == 200 else ""
        http_headers = StatusAndHeaders(
            f"{capture.status} {reason}".strip(), capture.headers, protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            capture.url,
            "response",
            payload=io.BytesIO(capture.body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": capture.fetched_at} if capture.fetched_at else None,
        )
        writer.write_record(record)
        # Written through at once: a killed crawl leaves whole records behind it.
        self._file.flush()
        return self._name, offset

    def close(self) -> None:
        """Close the current file (the next write starts a new one)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def read_capture(folder: str | Path, name: str, offset: int) -> Capture:
    """The response stored at `offset` of WARC file `name` in `folder`."""
    path = Path(folder) / Path(name).name  # a bare file name: never a path out of the folder
    with open(path, "rb") as stream:
        stream.seek(offset)
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            http = record.http_headers
            return Capture(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode()),
                headers=list(http.headers),
                body=record.content_stream().read(),
                fetched_at=record.rec_headers.get_header("WARC-Date"),
            )
    raise LookupError(f"no response record at {name}:{offset}")
