"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from postgres_cluster import PostgresCluster, server_bindir


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL server on 127.0.0.1 for the whole session; tests make a database each."""
    bindir = server_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing (.ci/run installs Debian's postgresql)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql): its store is untested")
    cluster = PostgresCluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()
