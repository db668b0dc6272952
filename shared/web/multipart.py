"""A multipart/form-data parser that keeps a form whose part headers are not UTF-8.

Werkzeug decodes each part's headers as strict UTF-8, and one undecodable byte (an old client or a
script sending a file name in GBK) makes its parser drop the whole form: every field typed is
lost. Ours reads such a header as GB18030 (GBK's superset, what Chinese Windows sends), or failing
that as UTF-8 with replacement characters, and parses the rest exactly as werkzeug does.
Werkzeug offers no hook for the decoder its parser uses, so `TolerantMultiPartParser.parse` drives
werkzeug's own sans-IO decoder the way `MultiPartParser.parse` does (werkzeug 3.1).
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


class TolerantMultiPartParser(MultiPartParser):
    def parse(self, stream: t.IO[bytes], boundary: bytes, content_length: int | None
              ) -> tuple[MultiDict, MultiDict]:
        decoder = _TolerantDecoder(boundary, max_form_memory_size=self.max_form_memory_size,
                                   max_parts=self.max_form_parts)
        fields, files = [], []
        part, size, sink = None, None, None
        while True:
            chunk = stream.read(self.buffer_size)
            decoder.receive_data(chunk or None)
            event = decoder.next_event()
            while not isinstance(event, (Epilogue, NeedData)):
                if isinstance(event, Field):
                    part, size, sink = event, 0, []
                elif isinstance(event, File):
                    part, size = event, None
                    sink = self.start_file_streaming(event, content_length)
                elif isinstance(event, Data):
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
    request's `form_data_parser_class` before its form is read."""

    def _parse_multipart(self, stream, mimetype, content_length, options):
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        parser = TolerantMultiPartParser(
            stream_factory=self.stream_factory, max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts, cls=self.cls)
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files
