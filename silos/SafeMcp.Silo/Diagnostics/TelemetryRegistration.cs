using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SafeMcp.Silo.Diagnostics;

/// <summary>Wires the silo's meter and activity source to OpenTelemetry: a Prometheus scrape, and OTLP when configured.</summary>
internal static class TelemetryRegistration
{
    /// <summary>The section <see cref="TelemetryOptions"/> binds from.</summary>
    public const string Section = "Telemetry";

    public static TelemetryOptions AddSiloTelemetry(this IServiceCollection services, IConfiguration configuration, SiloOptions silo)
    {
        var options = configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddOptions<TelemetryOptions>().BindConfiguration(Section);
        var otlp = options.OtlpEndpoint ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var otlpEndpoint = string.IsNullOrWhiteSpace(otlp) ? null
            : Uri.TryCreate(otlp, UriKind.Absolute, out var endpoint) ? endpoint
            : throw new InvalidOperationException($"Telemetry:OtlpEndpoint '{otlp}' is not an absolute URI.");
        if (!options.Prometheus && otlpEndpoint is null)
        {
            return options;
        }

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("safemcp-silo", serviceInstanceId: silo.Name));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(SiloDiagnostics.Name);
            if (options.Prometheus)
            {
                metrics.AddPrometheusExporter();
            }
            if (otlpEndpoint is not null)
            {
                metrics.AddOtlpExporter(exporter => exporter.Endpoint = otlpEndpoint);
            }
        });
        // Traces only with a collector to send them to: a span a request costs allocations the hot path otherwise avoids.
        if (otlpEndpoint is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(SiloDiagnostics.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(exporter => exporter.Endpoint = otlpEndpoint));
        }
        return options;
    }
}
