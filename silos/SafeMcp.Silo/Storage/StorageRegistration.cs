using Microsoft.Extensions.Options;
using Npgsql;
using SafeMcp.Grains.Defenses.Audit;
using SafeMcp.Grains.Defenses.Grants;
using SafeMcp.Grains.Defenses.Registry;
using SafeMcp.Grains.Storage;
using SafeMcp.Silo.Membership;
using SafeMcp.Silo.Placement;
using SafeMcp.Silo.Runtime;
using SafeMcp.Silo.Storage.Postgres;
using SafeMcp.Silo.Storage.Sqlite;
using SafeMcp.Silo.Tenants;

namespace SafeMcp.Silo.Storage;

/// <summary>Registers the silo's storage: embedded SQLite by default, or shared PostgreSQL with membership, placement and leases (cluster mode).</summary>
internal static class StorageRegistration
{
    public static IServiceCollection AddSiloStorage(this IServiceCollection services, SiloOptions options)
    {
        if (!options.IsCluster)
        {
            services.AddOptions<SqliteStorageOptions>().BindConfiguration("Storage:Sqlite");
            services.AddSingleton(sp => new SqliteStorage(options.SqlitePath,
                sp.GetRequiredService<IOptions<GroupCommitOptions>>().Value, sp.GetRequiredService<IOptions<SqliteStorageOptions>>().Value,
                options.AuditKeyFile is { } keyFile ? AuditKeyRing.Load(keyFile) : null));
            services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<SqliteStorage>());
            services.AddSingleton<ITenantStore>(sp => sp.GetRequiredService<SqliteStorage>());
            services.AddSingleton<IStorageProbe>(sp => sp.GetRequiredService<SqliteStorage>());
            // The defenses' store opens the same file once the session storage has applied the migrations.
            services.AddSingleton(sp =>
            {
                sp.GetRequiredService<SqliteStorage>();
                return new SqliteDefenseStore(options.SqlitePath);
            });
            services.AddSingleton<IToolRegistryStore>(sp => sp.GetRequiredService<SqliteDefenseStore>());
            services.AddSingleton<IGrantStore>(sp => sp.GetRequiredService<SqliteDefenseStore>());
            services.AddSingleton<IActivationLeases, NoActivationLeases>();
            services.AddSingleton<IGrainPlacement, SingleSiloPlacement>();
            return services;
        }

        services.AddOptions<MembershipOptions>().BindConfiguration("Membership");
        services.AddOptions<PostgresStorageOptions>().BindConfiguration("Storage:Postgres");
        services.AddSingleton(sp =>
        {
            var tuning = sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(PostgresConnectionString.Tune(options.PostgresConnectionString!, tuning));
            var dataSource = builder.Build();
            // Schema first: every other service assumes it. Silos starting together serialize on an advisory lock. The owner
            // role migrates when given (the runtime role owns nothing); the runtime role then finds every version applied.
            if (options.PostgresOwnerConnectionString is { } owner)
            {
                using var ownerSource = NpgsqlDataSource.Create(owner);
                PostgresMigrator.ApplyAsync(ownerSource, CancellationToken.None).GetAwaiter().GetResult();
            }
            PostgresMigrator.ApplyAsync(dataSource, CancellationToken.None).GetAwaiter().GetResult();
            return dataSource;
        });
        // Fail closed: without the key a cluster silo would write rows no one could verify.
        var auditKeys = AuditKeyRing.Load(options.AuditKeyFile
            ?? throw new InvalidOperationException("Cluster mode needs an audit key file (--audit-keys or SAFEMCP_AUDIT_KEYS; every silo the same file, see docs/audit.md)."));
        services.AddSingleton(auditKeys);
        services.AddSingleton(sp => new PostgresStorage(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<GroupCommitOptions>>().Value,
            auditKeys, sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value));
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<PostgresStorage>());
        services.AddSingleton<ITenantStore>(sp => sp.GetRequiredService<PostgresStorage>());
        services.AddSingleton<IStorageProbe>(sp => sp.GetRequiredService<PostgresStorage>());
        // The defenses' tenant-level state (tool pins, grants) is shared too: a pin approved or a grant revoked through
        // any silo applies on every silo within the gates' refresh interval.
        services.AddSingleton(sp => new PostgresDefenseStore(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IToolRegistryStore>(sp => sp.GetRequiredService<PostgresDefenseStore>());
        services.AddSingleton<IGrantStore>(sp => sp.GetRequiredService<PostgresDefenseStore>());
        services.AddSingleton<SiloMembership>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloMembership>());
        services.AddSingleton<IActivationLeases, PostgresLeases>();
        services.AddSingleton<SessionPlacement>();
        services.AddSingleton<IGrainPlacement>(sp => sp.GetRequiredService<SessionPlacement>());
        services.AddSingleton<RequestForwarder>();
        services.AddHostedService<ActivationRebalancer>();
        return services;
    }
}
