namespace Broker.Hosting.Tests;

public sealed class TelemetryOptionsValidatorTests
{
    private readonly TelemetryOptionsValidator _validator = new();

    [Theory]
    [InlineData(null)]
    [InlineData("http://collector:4317")]
    [InlineData("https://collector.example/otlp")]
    public void Validate_NoEndpointOrAnHttpUri_Succeeds(string? endpoint)
    {
        _validator.Validate(null, new TelemetryOptions { OtlpEndpoint = endpoint }).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("collector:4317")]
    [InlineData("ftp://collector")]
    [InlineData("/relative")]
    public void Validate_AnythingElse_FailsNamingTheSetting(string endpoint)
    {
        var result = _validator.Validate(null, new TelemetryOptions { OtlpEndpoint = endpoint });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("OpenTelemetry:OtlpEndpoint");
    }
}
