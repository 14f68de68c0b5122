namespace SafeMcp.Silo.Storage.Postgres;

/// <summary>Tunables of the shared PostgreSQL storage (the connection string may override them).</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>Statements Npgsql prepares automatically per connection when the connection string does not say (the write shapes are few and hot). Default 64.</summary>
    public int MaxAutoPrepare { get; set; } = 64;

    /// <summary>
    /// Group-commit transactions a silo runs at once, each on its own connection: while one waits for its WAL flush the next
    /// batch executes, and PostgreSQL flushes concurrent commits together. Batches of one tenant still take turns on its
    /// audit chain head for their last statement and commit. Default 1: on two cores more than one did not help
    /// (docs/benchmarks.md, "Cluster").
    /// </summary>
    public int TransactionsInFlight { get; set; } = 1;

    /// <summary>
    /// Whether a connection goes back to the pool without Npgsql's reset (DISCARD ALL's parts, prepended to its next
    /// command and parsed by the server each time) when the connection string does not say. The silo leaves nothing on
    /// a connection: its settings are transaction-local (set_config(…, true)) and the migrations' advisory lock is
    /// released explicitly. Default true.
    /// </summary>
    public bool NoResetOnClose { get; set; } = true;

    /// <summary>
    /// Longest a group commit's transaction may sit idle between its two round trips (the server's
    /// <c>idle_in_transaction_session_timeout</c>, for that transaction): a silo frozen between them loses its transaction
    /// (its decisions were not acknowledged), so the tenant's chain head and the leases it locked are free again. Default 2 s.
    /// </summary>
    public TimeSpan IdleInCommitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest pool of connections when the connection string does not say. Default 50.</summary>
    public int MaxPoolSize { get; set; } = 50;
}
