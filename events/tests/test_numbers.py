import threading

import pytest
from django.db import close_old_connections, connection

from events import services
from events.models import Contract
from events.tests.factories import EventFactory, MerchantFactory
from outreach.tests.factories import MemberFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_contracts_created_at_once_get_distinct_numbers(postgres):
    event = EventFactory()
    merchant = MerchantFactory()
    owner = MemberFactory()
    start = threading.Barrier(2)
    numbers, errors = [], []

    def create():
        try:
            start.wait(timeout=10)
            numbers.append(services.contract_create(event=event, merchant=merchant, owner=owner).number)
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(set(numbers)) == 2
    assert Contract.objects.count() == 2
