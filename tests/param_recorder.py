"""Test-only middleware noting which query parameters a view reads (tests/test_query_fuzz.py)."""

from django.http import QueryDict

READ: set[str] = set()


class RecordingQueryDict(QueryDict):
    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        READ.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class RecordQueryParameters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        recording = RecordingQueryDict(request.META.get("QUERY_STRING", ""), mutable=True)
        recording._mutable = False
        request.GET = recording
        return self.get_response(request)
