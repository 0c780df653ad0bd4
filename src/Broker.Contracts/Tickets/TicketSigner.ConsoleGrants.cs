using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Contracts.Tickets;

public sealed partial class TicketSigner
{
    /// <summary>
    /// Signs a console grant over <see cref="ConsoleGrants.SignatureContext"/> and its bytes. Throws
    /// <see cref="ArgumentException"/> for a grant no host would accept: no host or desktop id, no or
    /// inverted validity window, or larger than <see cref="TicketEncoding.MaxTicketBytes"/>.
    /// </summary>
    public SignedConsoleGrant Sign(ConsoleGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant.HostId.Length == 0 || grant.DesktopId.Length == 0)
        {
            throw new ArgumentException("A console grant names a host and a desktop.", nameof(grant));
        }

        if (grant.IssuedAt is null || grant.ExpiresAt is null || grant.ExpiresAt.CompareTo(grant.IssuedAt) <= 0)
        {
            throw new ArgumentException("A console grant has an issue time before its expiry.", nameof(grant));
        }

        var bytes = grant.ToByteArray();
        if (bytes.Length > TicketEncoding.MaxTicketBytes)
        {
            throw new ArgumentException($"A console grant serializes to at most {TicketEncoding.MaxTicketBytes} bytes.", nameof(grant));
        }

        return new SignedConsoleGrant
        {
            Grant = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(SignData(ConsoleGrants.SignatureContext, bytes)),
            KeyId = _keyId,
        };
    }
}
