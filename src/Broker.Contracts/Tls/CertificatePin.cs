using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Contracts.Tls;

/// <summary>
/// The SHA-256 fingerprint of the broker's TLS certificate that an agent pins at enrollment
/// (<c>SHA256:</c> and 64 hex digits, colons between bytes allowed), so a broker serving HTTPS with
/// a self-signed certificate is trusted by that certificate alone, and any other is refused.
/// </summary>
public sealed class CertificatePin : IEquatable<CertificatePin>
{
    /// <summary>The prefix of the text form.</summary>
    public const string Prefix = "SHA256:";

    private readonly string _hex;

    private CertificatePin(string hex) => _hex = hex;

    /// <summary>Reads <c>SHA256:&lt;hex&gt;</c> (case-insensitive, colons between bytes allowed).</summary>
    /// <exception cref="FormatException">The text is no SHA-256 fingerprint.</exception>
    public static CertificatePin Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (!trimmed.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"A certificate fingerprint starts with '{Prefix}': '{text}'.");
        }

        var hex = trimmed[Prefix.Length..].Replace(":", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit)
            ? new CertificatePin(hex)
            : throw new FormatException($"A SHA-256 certificate fingerprint has 64 hex digits: '{text}'.");
    }

    /// <summary>As <see cref="Parse"/>, with null or empty text (no pin) read as null.</summary>
    /// <exception cref="FormatException">The text is neither empty nor a SHA-256 fingerprint.</exception>
    public static CertificatePin? ParseOptional(string? text) => string.IsNullOrEmpty(text) ? null : Parse(text);

    /// <summary>As <see cref="Parse"/>; false when <paramref name="text"/> is no SHA-256 fingerprint.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CertificatePin? pin)
    {
        try
        {
            pin = text is null ? null : Parse(text);
        }
        catch (FormatException)
        {
            pin = null;
        }

        return pin is not null;
    }

    /// <summary>The pin of <paramref name="certificate"/> (SHA-256 of its DER encoding).</summary>
    public static CertificatePin Of(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new CertificatePin(Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData())));
    }

    /// <summary>Whether <paramref name="certificate"/> is the pinned one.</summary>
    public bool Matches(X509Certificate? certificate) => certificate is not null && Equals(Of(certificate));

    /// <summary>
    /// Makes <paramref name="handler"/> accept exactly the pinned certificate, whatever its chain
    /// (self-signed included), and refuse any other; returns it. A refused certificate fails the
    /// request with an <see cref="HttpRequestException"/> (see <see cref="DescribeRefusal"/>).
    /// </summary>
    public SocketsHttpHandler Apply(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => Matches(certificate);
        return handler;
    }

    /// <summary>
    /// The message for a request (or gRPC call: its status's debug exception) that failed on the
    /// pinned connection: when the TLS handshake refused the certificate, says that the broker's certificate is not the pinned one; null otherwise.
    /// </summary>
    public string? DescribeRefusal(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner is Grpc.Core.RpcException { Status.DebugException: { } debug } ? debug : inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException)
            {
                return $"The broker's TLS certificate is not the pinned one ({this}); refusing to connect. If the broker's certificate was replaced on purpose, enroll again with its new fingerprint.";
            }
        }

        return null;
    }

    public bool Equals(CertificatePin? other) => other is not null && string.Equals(_hex, other._hex, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as CertificatePin);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_hex);

    /// <summary><c>SHA256:</c> and the fingerprint as upper-case hex bytes joined by colons.</summary>
    public override string ToString() =>
        Prefix + string.Join(':', Enumerable.Range(0, _hex.Length / 2).Select(index => _hex.Substring(index * 2, 2).ToUpper(CultureInfo.InvariantCulture)));
}
