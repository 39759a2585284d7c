"""An upload handler that records how many bytes reach the handlers after the size limit."""

from django.core.files.uploadhandler import FileUploadHandler


class SpyHandler(FileUploadHandler):
    received = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        SpyHandler.received.append(0)

    def receive_data_chunk(self, raw_data, start):
        SpyHandler.received[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None
