using Microsoft.Extensions.Options;

namespace Broker.Hosting;

/// <summary>An OTLP endpoint, when given, must be an absolute http or https URI.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.OtlpEndpoint is null || TryParseEndpoint(options.OtlpEndpoint, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{TelemetryOptions.SectionName}:OtlpEndpoint must be an absolute http or https URI, not '{options.OtlpEndpoint}'.");

    public static bool TryParseEndpoint(string? value, out Uri endpoint)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
        {
            endpoint = parsed;
            return true;
        }

        endpoint = null!;
        return false;
    }
}
