"""A multipart/form-data parser that keeps a form whose part headers are not UTF-8.

Werkzeug decodes each part's headers as strict UTF-8, and one undecodable byte (an old client or a
script sending a file name in GBK) makes its parser drop the whole form: every field typed is
lost. Ours reads such a header as GB18030 (GBK's superset, what Chinese Windows sends), or failing
that as UTF-8 with replacement characters, and parses the rest exactly as werkzeug does.
Werkzeug offers no hook for the decoder its parser uses, so `TolerantMultiPartParser.parse` drives
werkzeug's own sans-IO decoder the way `MultiPartParser.parse` does (werkzeug 3.1).

Given `PartLimits` (the public form, the status page's additions), it also stops the body the
moment a part passes its limit — a text part, all texts, a file, all files, the number of files —
instead of reading on to the body's whole allowance: `FormCutOff` says which, and carries the
text parts read whole before it, so the page can show them again.
"""
from __future__ import annotations

import typing as t

from werkzeug.datastructures import FileStorage, Headers, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.sansio.multipart import (
    HEADER_CONTINUATION_RE,
    Data,
    Epilogue,
    Field,
    File,
    MultipartDecoder,
    NeedData,
)

from shared.domain.form_limits import PartLimits


def header_text(line: bytes) -> str:
    """One part header line as text: UTF-8 (what browsers send), else GB18030, else UTF-8 with
    replacement characters, never an error."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return line.decode("gb18030")
    except UnicodeDecodeError:
        return line.decode("utf-8", "replace")


class _TolerantDecoder(MultipartDecoder):
    def _parse_headers(self, data: bytes | bytearray) -> Headers:
        # werkzeug's own, but with `header_text` for its strict `line.decode()`
        headers = []
        for line in HEADER_CONTINUATION_RE.sub(b" ", data).splitlines():
            line = line.strip(b" \t")
            if line:
                name, _, value = header_text(bytes(line)).partition(":")
                headers.append((name.strip(" \t"), value.strip(" \t")))
        return Headers(headers)


TEXT_TOO_LONG = "text_too_long"  # a text part, or every text part together
FILE_TOO_LARGE = "file_too_large"
FILES_TOO_LARGE = "files_too_large"  # every file together
TOO_MANY_FILES = "too_many_files"


class FormCutOff(RequestEntityTooLarge):
    """A body stopped while it streamed in: `reason` names the limit it passed; `fields` are the
    text parts read whole before that (name, value)."""

    def __init__(self, reason: str, fields: list[tuple[str, str]]):
        super().__init__(reason)
        self.reason = reason
        self.fields = fields


class _Tally:
    """What a body held so far, against its `PartLimits`."""

    def __init__(self, limits: PartLimits, fields: list):
        self.limits, self.fields = limits, fields
        self.part = self.texts = self.files = self.file_count = 0

    def start(self, event: Field | File) -> None:
        self.part = 0
        if isinstance(event, File) and event.filename:
            self.file_count += 1
            self._check(self.file_count > self.limits.max_files, TOO_MANY_FILES)

    def add(self, is_file: bool, data: bytes) -> None:
        self.part += len(data)
        if is_file:
            self.files += len(data)
            self._check(self.part > self.limits.file_bytes, FILE_TOO_LARGE)
            self._check(self.files > self.limits.files_bytes, FILES_TOO_LARGE)
        else:
            self.texts += len(data)
            self._check(self.part > self.limits.text_part_bytes
                        or self.texts > self.limits.text_bytes, TEXT_TOO_LONG)

    def _check(self, passed: bool, reason: str) -> None:
        if passed:
            raise FormCutOff(reason, list(self.fields))


class TolerantMultiPartParser(MultiPartParser):
    def __init__(self, *args, limits: PartLimits | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limits = limits

    def parse(self, stream: t.IO[bytes], boundary: bytes, content_length: int | None
              ) -> tuple[MultiDict, MultiDict]:
        max_parts = self.limits.max_parts if self.limits else self.max_form_parts
        decoder = _TolerantDecoder(boundary, max_form_memory_size=self.max_form_memory_size,
                                   max_parts=max_parts)
        fields, files = [], []
        tally = _Tally(self.limits, fields) if self.limits else None
        part, size, sink = None, None, None
        while True:
            chunk = stream.read(self.buffer_size)
            decoder.receive_data(chunk or None)
            event = decoder.next_event()
            while not isinstance(event, (Epilogue, NeedData)):
                if isinstance(event, Field):
                    part, size, sink = event, 0, []
                    if tally:
                        tally.start(event)
                elif isinstance(event, File):
                    part, size = event, None
                    if tally:
                        tally.start(event)
                    sink = self.start_file_streaming(event, content_length)
                elif isinstance(event, Data):
                    if tally:
                        tally.add(isinstance(part, File), event.data)
                    else:
                        size = self._count(size, event.data)
                    if isinstance(sink, list):
                        sink.append(event.data)
                    else:
                        sink.write(event.data)
                    if not event.more_data:
                        self._finish(part, sink, fields, files)
                event = decoder.next_event()
            if not chunk:
                return self.cls(fields), self.cls(files)

    def _count(self, size: int | None, data: bytes) -> int | None:
        """A text field's bytes so far; past the memory limit the form is refused, as werkzeug's."""
        if size is None or self.max_form_memory_size is None:
            return size
        if size + len(data) > self.max_form_memory_size:
            raise RequestEntityTooLarge()
        return size + len(data)

    def _finish(self, part: Field | File, sink, fields: list, files: list) -> None:
        if isinstance(part, Field):
            value = b"".join(sink).decode(self.get_part_charset(part.headers), "replace")
            fields.append((part.name, value))
        else:
            sink.seek(0)
            files.append((part.name, FileStorage(sink, part.filename, part.name,
                                                 headers=part.headers)))


class TolerantFormDataParser(FormDataParser):
    """werkzeug's form parser with `TolerantMultiPartParser` for multipart bodies; set it as a
    request's `form_data_parser_class` before its form is read (`limited_parser` for one that
    also cuts off at `PartLimits`)."""

    limits: PartLimits | None = None

    def _parse_multipart(self, stream, mimetype, content_length, options):
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = TolerantMultiPartParser(
            stream_factory=self.stream_factory, max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts, cls=self.cls, limits=self.limits)
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


def limited_parser(limits: PartLimits | None) -> type[TolerantFormDataParser]:
    """`TolerantFormDataParser` cutting multipart bodies off at `limits` (None: werkzeug's)."""
    if limits is None:
        return TolerantFormDataParser
    return type("LimitedFormDataParser", (TolerantFormDataParser,), {"limits": limits})
