"""An upload handler that stops reading an uploaded file once it passes IMPORT_MAX_BYTES.

Django streams a multipart body through its upload handlers; this one goes first, counts the
bytes of each file and, past the limit, tells Django to skip the file (SkipFile): Django reads
the rest of that file in chunks and drops them, so the worker never holds or writes more
than the limit, and the view answers with a message on its form instead of an error page.
The file is simply missing from request.FILES, and `upload_was_stopped(request)` says why. A
body whose declared length is far beyond the limit has its file skipped before any of it is
kept.

(StopUpload would be the obvious signal, but Django then drains the body line by line, and
a body without line breaks would be read into memory whole.)
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# Room in a request body for the form's other fields and the multipart framing.
_OTHER_FIELDS_BYTES = 1024 * 1024
_STOPPED = "_upload_stopped_over_limit"


def upload_was_stopped(request) -> bool:
    return getattr(request, _STOPPED, False)


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.IMPORT_MAX_BYTES
        self.body_length = 0
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length
        return None  # let Django parse the body

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.body_length > self.limit + _OTHER_FIELDS_BYTES:
            self._stop()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers build the file

    def _stop(self) -> None:
        if self.request is not None:
            setattr(self.request, _STOPPED, True)
        raise SkipFile
