using System.Text.Json;
using System.Text.Json.Serialization;
using Broker.Contracts.Tls;

namespace Broker.HostAgent.Enrollment;

/// <summary>
/// What enrollment gave this host: its id, its secret credential and the broker's signing key,
/// kept in <c>identity.json</c> in the data directory, readable by the owner only (0600).
/// </summary>
/// <param name="Server">The broker's address.</param>
/// <param name="AgentId">The host id (UUID) the broker knows this agent as.</param>
/// <param name="Credential">The bearer credential (<c>brk_agent_…</c>).</param>
/// <param name="SigningPublicKeyPem">The broker's ticket-signing public key.</param>
/// <param name="BrokerCertificate">
/// The fingerprint of the broker's TLS certificate given at enrollment (<c>SHA256:…</c>): every call
/// to the broker then trusts exactly that certificate, self-signed included. Null: the system's trust.
/// </param>
internal sealed record HostIdentity(Uri Server, string AgentId, string Credential, string SigningPublicKeyPem, string? BrokerCertificate = null)
{
    public const string FileName = "identity.json";

    /// <summary>The pinned broker certificate, or null.</summary>
    /// <exception cref="FormatException">The stored fingerprint is not one.</exception>
    [JsonIgnore]
    public CertificatePin? BrokerPin => CertificatePin.ParseOptional(BrokerCertificate);

    /// <summary>Writes the identity atomically (temporary file, flush, rename) with mode 0600.</summary>
    public async Task SaveAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await JsonSerializer.SerializeAsync(stream, this, HostIdentityJsonContext.Default.HostIdentity, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The identity stored in <paramref name="dataDirectory"/>, or null when the host has not enrolled.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not an identity.</exception>
    public static async Task<HostIdentity?> LoadAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync(stream, HostIdentityJsonContext.Default.HostIdentity, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{path} holds no identity.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{path} is not a host identity: {exception.Message}", exception);
        }
    }
}

[JsonSerializable(typeof(HostIdentity))]
internal sealed partial class HostIdentityJsonContext : JsonSerializerContext;
