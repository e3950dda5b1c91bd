"""Start-up check of the blob store on object storage (``vanthu check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from vanthu.core import blobstore


@register("vanthu_storage", deploy=True)
def blob_store_answers(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """With ``VANTHU_BLOB_BACKEND=s3``: the endpoint answers and the bucket exists."""
    if blobstore.is_local():
        return []
    from vanthu.core import blobstore_s3

    try:
        blobstore_s3.check_bucket()
    except blobstore.BlobStoreUnavailable as exc:
        return [
            Error(
                str(exc),
                hint="Kiểm tra VANTHU_S3_ENDPOINT_URL, VANTHU_S3_BUCKET và khóa truy cập "
                "(docs/deploy.md, mục Object storage).",
                id="vanthu.storage.E001",
            )
        ]
    return []
