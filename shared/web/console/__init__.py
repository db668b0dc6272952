"""The staff console (issue 11): server-rendered pages over the staff commands, served by the
staff function under `/console` (`functions/staff_api.py`); everything else there stays the JSON
API. Its own route table (`routes.py`), identity (`identity.py`: a session cookie of the local
sign-in, or IAP's assertion in the cloud), protection (`protection.py`: a CSRF token bound to the
session and the `Origin` checked on every POST, a strict Content-Security-Policy on every answer)
and error pages (`errors.py`). Every action calls the same service command as the API's route."""
from .dispatch import answer, is_console_path

__all__ = ["answer", "is_console_path"]
