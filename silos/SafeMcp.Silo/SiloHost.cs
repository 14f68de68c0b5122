using Microsoft.Extensions.Options;
using SafeMcp.Contracts;
using SafeMcp.Grains.Rules;
using SafeMcp.Grains.Sessions;
using SafeMcp.Silo.Api;
using SafeMcp.Silo.Decisions;
using SafeMcp.Silo.WebConsole;
using SafeMcp.Silo.Diagnostics;
using SafeMcp.Silo.Membership;
using SafeMcp.Silo.Defenses;
using SafeMcp.Silo.Inference;
using SafeMcp.Silo.Runtime;
using SafeMcp.Silo.Sessions;
using SafeMcp.Silo.Storage;
using SafeMcp.Silo.Tenants;
using SafeMcp.WorldModel.Detection;

namespace SafeMcp.Silo;

/// <summary>Builds and runs a silo: Kestrel, the session runtime, storage and the API.</summary>
public static class SiloHost
{
    /// <summary>Builds a silo with <paramref name="options"/>; <paramref name="args"/> may override configuration.</summary>
    public static WebApplication Build(SiloOptions options, string[]? args = null)
    {
        // Configuration comes from SiloOptions, environment variables and the command line: no appsettings files,
        // so no file watcher on the working directory (it would wake on every write of the embedded database).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args ?? []);
        if (!options.IsCluster)
        {
            builder.WebHost.UseUrls(options.Urls); // cluster mode lists its endpoints itself (public and internal h2c)
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            if (options.IsCluster)
            {
                ClusterEndpointsConfiguration.Listen(kestrel, options);
            }
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        if (options.LogLevel > LogLevel.Information)
        {
            // Hosting starts an Activity and a log scope for every request as soon as its diagnostics category is enabled
            // at any level, only to log the request's start and end at Information. Above that level those objects (and
            // the async-local writes that carry them) were a tenth of a decision's allocations, for nothing: the category
            // is switched off. A failure at start still ends the process with its exception.
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddOptions<ActivationOptions>().BindConfiguration("Activation");
        services.AddOptions<SessionGrainOptions>().BindConfiguration("Sessions");
        services.AddOptions<GroupCommitOptions>().BindConfiguration("Storage:GroupCommit");
        services.AddSingleton(TimeProvider.System);
        services.AddSiloStorage(options);
        services.AddOptions<RuleOptions>().BindConfiguration("Rules");
        services.AddWorldModel(builder.Configuration, options.WorldModelPath);
        services.AddDefenses(options);
        // The decision path, in the order SiloDecisionPath documents (the offline commands build the same one).
        services.AddSingleton(sp => SiloDecisionPath.Build(sp.GetRequiredService<DefenseLayers>(), sp.GetService<WorldModelDetector>(), sp.GetRequiredService<IOptions<RuleOptions>>().Value));
        services.AddSingleton<SessionGrainRuntime>();
        services.AddSingleton<RecentDecisions>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddHostedService<IdleDeactivationService>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, SafeMcpJsonContext.Default));
        services.AddOpenApi();
        var telemetry = services.AddSiloTelemetry(builder.Configuration, options);

        var app = builder.Build();
        app.UseMiddleware<TenantAuthentication>();
        app.MapOpenApi();
        app.MapHealthEndpoints();
        app.MapSessionEndpoints();
        if (options.IsCluster)
        {
            app.MapClusterEndpoints();
        }
        app.MapDefenseEndpoints();
        app.MapConsoleEndpoints();
        if (telemetry.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        return app;
    }

    /// <summary>Creates the bootstrap tenant when the database has none, and prints its key once.</summary>
    public static async Task BootstrapAsync(WebApplication app, TextWriter output, CancellationToken cancellationToken)
    {
        var options = app.Services.GetRequiredService<IOptions<SiloOptions>>().Value;
        var tenants = app.Services.GetRequiredService<ITenantStore>();
        if (options.BootstrapTenant is null || await tenants.CountTenantsAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            return;
        }
        string key;
        try
        {
            key = await ApiKeys.CreateTenantWithKeyAsync(tenants, options.BootstrapTenant, options.BootstrapTenant, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (options.IsCluster)
        {
            return; // Another silo of the cluster created it first (and printed its key).
        }
        await output.WriteLineAsync($"Created tenant '{options.BootstrapTenant}'. Its admin API key (shown once, stored only as a hash; 'safemcp tenant add-key' makes agent keys for MCP servers):").ConfigureAwait(false);
        await output.WriteLineAsync($"  {key}").ConfigureAwait(false);
    }
}
