"""How the app reads request bodies: werkzeug's parser, made safe for hostile multipart forms."""

from __future__ import annotations

from typing import IO, Any

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser


class NamedPartsParser(FormDataParser):
    """Werkzeug's form parser, minus multipart parts that have no name.

    Werkzeug files such a part under the key None, and Flask-WTF's CSRF check, which looks
    at every field's name, then fails with a 500 before any view runs. `_parse_multipart` is
    werkzeug 3's internal step for multipart bodies: tests/web/test_malformed_input.py fails
    if a werkzeug release stops calling it.
    """

    def _parse_multipart(
        self, stream: Any, mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> Any:
        stream, form, files = super()._parse_multipart(stream, mimetype, content_length, options)
        if None not in form and None not in files:
            return stream, form, files
        return stream, self._named(form), self._named(files)  # FormRequest closes every upload

    def _named(self, fields: MultiDict[Any, Any]) -> Any:
        return self.cls([(key, v) for key, v in fields.items(multi=True) if key is not None])


class FormRequest(Request):
    """The app's request class: forms parsed by NamedPartsParser, every upload closed.

    Werkzeug closes the files in `request.files` when the request ends, but not those of a
    form it gave up on halfway (a later part over the size limits) or of a dropped part.
    """

    form_data_parser_class = NamedPartsParser

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        stream = super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )
        self.__dict__.setdefault("_uploads", []).append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.pop("_uploads", []):
            stream.close()
