"""Run actions at the same moment, each on its own thread (so its own database connection)."""

import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

from outreach.locking import StaleObjectError


def run_at_once(**actions: Callable[[], object]) -> dict[str, str]:
    """{name: "saved" | "refused"} for each action; refused means StaleObjectError.
    Any other exception fails the test. Needs a transactional PostgreSQL test."""
    start = threading.Barrier(len(actions))
    outcome: dict[str, str] = {}
    errors: list[BaseException] = []

    def run(name: str, action: Callable[[], object]) -> None:
        try:
            start.wait(timeout=10)
            action()
            outcome[name] = "saved"
        except StaleObjectError:
            outcome[name] = "refused"
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(outcome) == len(actions), "an action did not finish in time"
    return outcome
