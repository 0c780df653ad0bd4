namespace Broker.Hosting;

/// <summary>
/// OpenTelemetry export (section <c>OpenTelemetry</c>). Metrics and traces are always collected;
/// they leave the process only when an OTLP endpoint is configured here or in the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "OpenTelemetry";

    /// <summary>The standard variable the OTLP exporter also honours.</summary>
    public const string StandardEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Absolute http(s) URI of an OTLP collector, or null to export nothing.</summary>
    public string? OtlpEndpoint { get; set; }
}
