"""The throwaway cluster's own behaviour that fault tests rely on: stopped and started again on the
same port, it keeps its data."""

from __future__ import annotations

import psycopg
import pytest
from postgres_cluster import PostgresCluster


def test_a_stopped_server_refuses_and_comes_back_with_its_data(postgres_cluster: PostgresCluster) -> None:
    dsn = postgres_cluster.new_database("cluster_restart")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (n INTEGER)")
        conn.execute("INSERT INTO kept VALUES (7)")
    postgres_cluster.stop_server()
    try:
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(dsn, connect_timeout=2)
    finally:
        postgres_cluster.start_server()
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT n FROM kept").fetchone() == (7,)
