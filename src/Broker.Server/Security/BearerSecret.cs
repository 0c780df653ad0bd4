using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Security;

/// <summary>
/// The broker's bearer secrets (agent credentials, enrollment tokens, personal access tokens):
/// <c>&lt;prefix&gt;&lt;id as 32 hex digits&gt;_&lt;secret&gt;</c>. The id finds the stored row; only
/// SHA-256 of the secret (256 random bits, base64url) is stored, and it is compared in constant time.
/// The prefix tells the kinds apart (and lets secret scanners find leaked ones).
/// </summary>
/// <param name="Prefix">Kind of secret, e.g. <see cref="AccessTokenPrefix"/>.</param>
/// <param name="Id">The stored row's id.</param>
/// <param name="Secret">The random part.</param>
internal sealed record BearerSecret(string Prefix, Guid Id, string Secret)
{
    /// <summary>Prefix of personal access tokens.</summary>
    public const string AccessTokenPrefix = "brk_pat_";

    /// <summary>Prefix of agent credentials.</summary>
    public const string AgentPrefix = "brk_agent_";

    /// <summary>Prefix of host enrollment tokens.</summary>
    public const string EnrollmentPrefix = "brk_enroll_";

    private const int SecretBytes = 32;
    private const int IdLength = 32;

    /// <summary>The whole token, to hand out once.</summary>
    public string Token => $"{Prefix}{Id:N}_{Secret}";

    /// <summary>What is stored: SHA-256 of the secret part.</summary>
    public byte[] Hash => HashOf(Secret);

    /// <summary>A fresh random secret with a fresh id.</summary>
    public static BearerSecret New(string prefix) =>
        new(prefix, Guid.NewGuid(), System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>Splits <paramref name="token"/> if it has the shape of a <paramref name="prefix"/> secret; nothing is looked up.</summary>
    public static bool TryParse(string? token, string prefix, [NotNullWhen(true)] out BearerSecret? secret)
    {
        secret = null;
        var length = prefix.Length + IdLength + 1;
        if (token is null || token.Length <= length || token.Length > length + 64
            || !token.StartsWith(prefix, StringComparison.Ordinal) || token[length - 1] != '_'
            || !Guid.TryParseExact(token.AsSpan(prefix.Length, IdLength), "N", out var id))
        {
            return false;
        }

        secret = new BearerSecret(prefix, id, token[length..]);
        return true;
    }

    /// <summary>True when this secret's hash equals <paramref name="storedHash"/> (constant time).</summary>
    public bool Matches(byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash, storedHash);

    /// <summary>The value of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? FromAuthorizationHeader(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

    private static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
