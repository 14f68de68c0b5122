namespace SafeMcp.Silo;

/// <summary>How a silo runs. Every field has a default that works on a developer machine.</summary>
public sealed class SiloOptions
{
    /// <summary>Addresses Kestrel listens on. Default <c>http://127.0.0.1:5080</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The silo's name in logs and health answers. Default: the machine name and process id.</summary>
    public string Name { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The embedded database file. Default <c>.safemcp/silo.db</c> under the working directory.</summary>
    public string SqlitePath { get; set; } = Path.Combine(".safemcp", "silo.db");

    /// <summary>Cluster mode: the shared PostgreSQL database (Npgsql connection string). Null: embedded SQLite. Default null.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// Cluster mode: the owner role's connection string, used only to apply migrations at start (the runtime role owns
    /// nothing and may create nothing). Default null: migrations run on <see cref="PostgresConnectionString"/>, which works
    /// only where that role owns the database or every migration is already applied.
    /// </summary>
    public string? PostgresOwnerConnectionString { get; set; }

    /// <summary>Cluster mode: the h2c (HTTP/2 cleartext) endpoint other silos forward requests to, e.g. <c>http://127.0.0.1:6080</c>. Default null (required in cluster mode).</summary>
    public string? InternalUrl { get; set; }

    /// <summary>The public address other silos and clients know this silo by: the first of <see cref="Urls"/>.</summary>
    public string AdvertisedAddress => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0].TrimEnd('/');

    /// <summary>Whether the silo runs in a cluster (shared PostgreSQL storage).</summary>
    public bool IsCluster => PostgresConnectionString is not null;

    /// <summary>
    /// The audit key file (<c>id base64-key</c> lines, the last one signs; see docs/audit.md). Default null: the embedded
    /// silo uses <c>silo.db.audit-keys</c> beside its database, created on first start; a cluster silo must be given one
    /// (every silo the same file), or it does not start.
    /// </summary>
    public string? AuditKeyFile { get; set; }

    /// <summary>Largest request body accepted, in bytes (larger: 413). Default 1 MiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>When the database holds no tenant at start, create this one and print its key once. Null: do not. Default <c>default</c>.</summary>
    public string? BootstrapTenant { get; set; } = "default";

    /// <summary>Log level of the silo's own categories. Default Warning (the hot path logs nothing).</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>The model shipped beside the silo (<c>models/world-model.smwm</c>).</summary>
    public static string ShippedWorldModelPath => Path.Combine(AppContext.BaseDirectory, "models", "world-model.smwm");

    /// <summary>
    /// The world model the silo consults beside the rules and defenses; null: none. Default null: the shipped model
    /// is below its quality targets (on tools unlike its training data it denies many benign calls), so it is opt-in
    /// (<c>safemcp silo --world-model</c>) until a model meets them.
    /// </summary>
    public string? WorldModelPath { get; set; }
}
