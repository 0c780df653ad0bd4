using System.Security.Cryptography;
using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Contracts.Tickets;

/// <summary>
/// Broker side: signs transfer tickets with ECDSA P-256 over SHA-256 of
/// <see cref="BrokerSignatures.TicketContext"/> and the serialized <see cref="Ticket"/>, IEEE P1363
/// signature format (<see cref="BrokerSignatures"/>). Thread-safe. Does not own the key.
/// </summary>
public sealed partial class TicketSigner
{
    private readonly ECDsa _key;
    private readonly ByteString _keyId;
    private readonly Lock _lock = new();

    /// <param name="privateKey">A P-256 private key; the caller keeps ownership and disposes it after the signer.</param>
    public TicketSigner(ECDsa privateKey)
    {
        TicketKeys.EnsureP256(privateKey);
        _key = privateKey;
        _keyId = ByteString.CopyFrom(TicketKeys.GetKeyId(privateKey));
    }

    /// <summary>Key id (SHA-256 of the SubjectPublicKeyInfo) written into every ticket this signer signs.</summary>
    public ReadOnlyMemory<byte> KeyId => _keyId.Memory;

    /// <summary>
    /// Signs a ticket. Throws <see cref="ArgumentException"/> for a ticket no host would accept:
    /// no host or device id, no direction, a pull or push without a desktop or an image pull
    /// without a base address (or with a desktop), no or inverted validity window, or larger than
    /// <see cref="TicketEncoding.MaxTicketBytes"/>.
    /// </summary>
    public SignedTicket Sign(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (ticket.HostId.Length == 0 || ticket.DeviceId.Length == 0)
        {
            throw new ArgumentException("A ticket names a host and a device (or, for an image pull, the receiving host).", nameof(ticket));
        }

        var scoped = ticket.Direction switch
        {
            TransferDirection.Pull or TransferDirection.Push => ticket.DesktopId.Length > 0 && ticket.BaseContentAddress.Length == 0,
            TransferDirection.ImagePull => ticket.DesktopId.Length == 0 && ticket.BaseContentAddress.Length > 0 && ticket.LayerIds.Count == 0,
            _ => throw new ArgumentException("A ticket names a direction.", nameof(ticket)),
        };
        if (!scoped)
        {
            throw new ArgumentException("A pull or push ticket names a desktop; an image pull ticket names a base address only.", nameof(ticket));
        }

        if (ticket.IssuedAt is null || ticket.ExpiresAt is null || ticket.ExpiresAt.CompareTo(ticket.IssuedAt) <= 0)
        {
            throw new ArgumentException("A ticket has an issue time before its expiry.", nameof(ticket));
        }

        var bytes = ticket.ToByteArray();
        if (bytes.Length > TicketEncoding.MaxTicketBytes)
        {
            throw new ArgumentException($"A ticket serializes to at most {TicketEncoding.MaxTicketBytes} bytes.", nameof(ticket));
        }

        return new SignedTicket
        {
            Ticket = ByteString.CopyFrom(bytes),
            Signature = ByteString.CopyFrom(SignData(BrokerSignatures.TicketContext, bytes)),
            KeyId = _keyId,
        };
    }

    private byte[] SignData(ReadOnlySpan<byte> context, byte[] bytes)
    {
        lock (_lock)
        {
            return BrokerSignatures.Sign(_key, context, bytes);
        }
    }
}
