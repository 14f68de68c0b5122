# Sourced by .ci/run: starts the services the cluster tests need and registers how to stop them (in "stops").
# PostgreSQL: a throwaway server (infra/postgres/start.sh); the cluster tests read SAFEMCP_TEST_POSTGRES.
if pg_out=$(infra/postgres/start.sh); then
    eval "$pg_out"
    export SAFEMCP_TEST_POSTGRES="$SAFEMCP_POSTGRES"
    stops+=("infra/postgres/stop.sh '$SAFEMCP_POSTGRES_DIR' --remove")
    echo "== PostgreSQL for the cluster tests in $SAFEMCP_POSTGRES_DIR"
else
    echo "PostgreSQL could not be started (cluster tests will start their own or fail)" >&2
fi
