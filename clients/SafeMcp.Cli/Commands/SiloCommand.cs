using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.CommandLine;
using SafeMcp.Silo;

namespace SafeMcp.Cli.Commands;

/// <summary><c>safemcp silo</c>: runs a silo in the foreground.</summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var defaults = new SiloOptions();
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on.", DefaultValueFactory = _ => defaults.Urls };
        var sqlite = CommonOptions.Sqlite();
        var name = new Option<string?>("--name") { Description = "The silo's name (default: host and process id)." };
        var noBootstrap = new Option<bool>("--no-bootstrap") { Description = "Do not create the 'default' tenant on an empty database." };
        var verbose = new Option<bool>("--verbose") { Description = "Log at Information level." };
        var postgres = CommonOptions.Postgres();
        var postgresOwner = new Option<string?>("--postgres-owner")
        {
            Description = "Cluster mode: the owner role's connection string, for migrations only (default: SAFEMCP_POSTGRES_OWNER; the runtime role owns nothing).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SAFEMCP_POSTGRES_OWNER") is { Length: > 0 } owner ? owner : null,
        };
        var internalUrl = new Option<string?>("--internal-url") { Description = "Cluster mode: the h2c endpoint other silos forward requests to (e.g. http://127.0.0.1:6080)." };
        var auditKeys = CommonOptions.AuditKeys("The audit key file (default: SAFEMCP_AUDIT_KEYS, else beside the SQLite file; required in cluster mode).");
        var maxBody = new Option<int>("--max-body-bytes") { Description = "Largest request body accepted (larger: 413).", DefaultValueFactory = _ => defaults.MaxRequestBodyBytes };
        var worldModel = new Option<string?>("--world-model")
        {
            Description = "Consult the world model: the shipped one, or the given file (off by default: see SiloOptions.WorldModelPath).",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var command = new Command("silo", "Run a silo (embedded SQLite storage by default).") { urls, sqlite, name, noBootstrap, verbose, maxBody, worldModel, postgres, postgresOwner, internalUrl, auditKeys };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SiloOptions
            {
                Urls = parse.GetValue(urls)!,
                SqlitePath = parse.GetValue(sqlite)!,
                BootstrapTenant = parse.GetValue(noBootstrap) ? null : defaults.BootstrapTenant,
                LogLevel = parse.GetValue(verbose) ? LogLevel.Information : defaults.LogLevel,
                PostgresConnectionString = parse.GetValue(postgres),
                PostgresOwnerConnectionString = parse.GetValue(postgres) is null ? null : parse.GetValue(postgresOwner),
                InternalUrl = parse.GetValue(internalUrl),
                MaxRequestBodyBytes = parse.GetValue(maxBody),
                AuditKeyFile = parse.GetValue(auditKeys),
                WorldModelPath = parse.GetResult(worldModel) is null ? null : parse.GetValue(worldModel) ?? SiloOptions.ShippedWorldModelPath,
            };
            if (parse.GetValue(name) is { } siloName)
            {
                options.Name = siloName;
            }
            Microsoft.AspNetCore.Builder.WebApplication app;
            try
            {
                app = SiloHost.Build(options);
            }
            catch (Exception e) when (e is SafeMcp.WorldModel.ModelFile.ModelFileException or ArgumentException)
            {
                // A world model that cannot be served, or options out of range: the reason, not a stack trace.
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            await SiloHost.BootstrapAsync(app, Console.Out, cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine(options.IsCluster
                ? $"Silo '{options.Name}' listening on {options.Urls}, internal h2c {options.InternalUrl} (storage: PostgreSQL, cluster mode)."
                : $"Silo '{options.Name}' listening on {options.Urls} (storage: {Path.GetFullPath(options.SqlitePath)}).");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
