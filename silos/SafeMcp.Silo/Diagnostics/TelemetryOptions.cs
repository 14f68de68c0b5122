namespace SafeMcp.Silo.Diagnostics;

/// <summary>How the silo exports its metrics and traces (OpenTelemetry).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve the Prometheus scrape at <c>/metrics</c> (no key: it carries no tenant, session or tool). Default true.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>
    /// An OTLP collector to push metrics and traces to (e.g. <c>http://127.0.0.1:4317</c>); null: the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable, and without it no push and no traces. Default null.
    /// </summary>
    public string? OtlpEndpoint { get; set; }
}
