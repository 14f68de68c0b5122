using System.CommandLine;
using SafeMcp.Silo;

namespace SafeMcp.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string> Sqlite() => new("--sqlite")
    {
        Description = "The embedded database file.",
        DefaultValueFactory = _ => new SiloOptions().SqlitePath,
    };

    public static Option<string?> Postgres() => new("--postgres")
    {
        Description = "Cluster mode: the shared PostgreSQL connection string (Npgsql form). Without it the silo uses embedded SQLite.",
    };

    public static Option<string> Url() => new("--url")
    {
        Description = "A silo's base address.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SAFEMCP_URL") ?? new SiloOptions().Urls,
    };

    public static Option<string?> Key() => new("--key")
    {
        Description = "The tenant's API key (default: the SAFEMCP_API_KEY environment variable).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SAFEMCP_API_KEY"),
    };

    /// <summary>The audit key file; default the <c>SAFEMCP_AUDIT_KEYS</c> environment variable (a path), else the command's own default.</summary>
    public static Option<string?> AuditKeys(string description) => new("--audit-keys")
    {
        Description = description,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SAFEMCP_AUDIT_KEYS"),
    };
}
