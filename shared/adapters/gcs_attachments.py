"""Attachments in Google Cloud Storage. The client is built on first use."""
from __future__ import annotations


class GcsAttachmentStore:
    def __init__(self, bucket: str, project: str | None = None, client=None):
        self._bucket_name = bucket
        self._project = project
        self._client = client

    @property
    def _bucket(self):
        if self._client is None:
            from google.cloud import storage

            self._client = storage.Client(project=self._project)
        return self._client.bucket(self._bucket_name)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._bucket.blob(key).upload_from_string(data, content_type=content_type)

    def get(self, key: str) -> bytes:
        from google.api_core.exceptions import NotFound

        try:
            return self._bucket.blob(key).download_as_bytes()
        except NotFound as exc:
            raise KeyError(key) from exc

    def delete(self, key: str) -> None:
        from google.api_core.exceptions import NotFound

        try:
            self._bucket.blob(key).delete()
        except NotFound:
            pass
