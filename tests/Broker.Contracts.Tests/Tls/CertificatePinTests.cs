using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broker.Contracts.Tls;
using Broker.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Contracts.Tests.Tls;

/// <summary>Certificate pinning against a real Kestrel serving HTTPS on loopback with a self-signed certificate.</summary>
public sealed class CertificatePinTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pinned_connection_trusts_the_self_signed_broker_and_refuses_any_other_certificate()
    {
        using var brokerCertificate = TestCertificates.SelfSigned("broker");
        using var otherCertificate = TestCertificates.SelfSigned("impostor");
        await using var broker = await StartBrokerAsync(brokerCertificate);
        var url = broker.Urls.Single(address => address.StartsWith("https://127.0.0.1:", StringComparison.Ordinal));
        var pin = CertificatePin.Of(brokerCertificate);
        var wrongPin = CertificatePin.Of(otherCertificate);

        using var pinned = new HttpClient(pin.Apply(new SocketsHttpHandler()));
        using var mispinned = new HttpClient(wrongPin.Apply(new SocketsHttpHandler()));
        using var unpinned = new HttpClient(new SocketsHttpHandler());

        (await pinned.GetStringAsync(url, Token)).ShouldBe("broker");
        var refused = await Should.ThrowAsync<HttpRequestException>(() => mispinned.GetStringAsync(url, Token));
        wrongPin.DescribeRefusal(refused).ShouldNotBeNull().ShouldContain($"not the pinned one ({wrongPin})");
        var untrusted = await Should.ThrowAsync<HttpRequestException>(() => unpinned.GetStringAsync(url, Token));
        pin.DescribeRefusal(untrusted).ShouldNotBeNull("without a pin the self-signed certificate is not trusted either");
        pin.DescribeRefusal(new HttpRequestException("connection refused")).ShouldBeNull();
    }

    [Fact]
    public void Parse_reads_the_text_form_with_or_without_colons_in_any_case()
    {
        using var certificate = TestCertificates.SelfSigned("broker");
        var pin = CertificatePin.Of(certificate);
        var hex = Convert.ToHexString(SHA256.HashData(certificate.RawData));

        pin.ToString().ShouldBe("SHA256:" + string.Join(':', hex.Chunk(2).Select(pair => new string(pair))));
        CertificatePin.Parse(pin.ToString()).ShouldBe(pin);
        CertificatePin.Parse("sha256:" + hex.ToLowerInvariant()).ShouldBe(pin);
        pin.Matches(certificate).ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("SHA1:00")]
    [InlineData("SHA256:00")]
    [InlineData("SHA256:zz00000000000000000000000000000000000000000000000000000000000000")]
    public void Parse_refuses_what_is_no_SHA256_fingerprint(string text) =>
        Should.Throw<FormatException>(() => CertificatePin.Parse(text));

    [Fact]
    public void ParseOptional_reads_no_text_as_no_pin_and_refuses_a_wrong_one()
    {
        using var certificate = TestCertificates.SelfSigned("broker");
        var pin = CertificatePin.Of(certificate);

        CertificatePin.ParseOptional(null).ShouldBeNull();
        CertificatePin.ParseOptional(string.Empty).ShouldBeNull();
        CertificatePin.ParseOptional(pin.ToString()).ShouldBe(pin);
        Should.Throw<FormatException>(() => CertificatePin.ParseOptional("SHA256:00"));
    }

    private static async Task<WebApplication> StartBrokerAsync(X509Certificate2 certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.MapGet("/", () => "broker");
        await app.StartAsync(Token);
        return app;
    }
}
