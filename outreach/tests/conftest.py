from outreach.tests.servers import private_redis  # noqa: F401  (a fixture)
