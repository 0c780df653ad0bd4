using System.Security.Cryptography;

namespace Broker.Contracts.Tickets;

/// <summary>
/// How the broker key signs and how agents verify, for every signed message (transfer tickets,
/// offline leases, console grants): ECDSA P-256 over SHA-256, IEEE P1363, of a per-message context
/// followed by the serialized message. The context names the message, so a signature made for one
/// kind never verifies as another (a lease is never accepted as a ticket, nor the reverse).
/// </summary>
public static class BrokerSignatures
{
    /// <summary>The context of a transfer ticket: a zero byte, the message name, a zero byte.</summary>
    public static ReadOnlySpan<byte> TicketContext => "\0broker.v1.Ticket\0"u8;

    /// <summary>The context of an offline lease: a zero byte, the message name, a zero byte.</summary>
    public static ReadOnlySpan<byte> LeaseContext => "\0broker.v1.OfflineLease\0"u8;

    /// <summary>The context of a console grant: a zero byte, the message name, a zero byte.</summary>
    public static ReadOnlySpan<byte> ConsoleGrantContext => "\0broker.v1.ConsoleGrant\0"u8;

    /// <summary>
    /// The signature of <paramref name="context"/> and <paramref name="message"/> with
    /// <paramref name="key"/>. ECDsa instances are not documented as thread-safe: callers that share
    /// one serialise their calls.
    /// </summary>
    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> context, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData([.. context, .. message], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>True when <paramref name="signature"/> is <paramref name="key"/>'s over <paramref name="context"/> and <paramref name="message"/>.</summary>
    public static bool Verify(ECDsa key, ReadOnlySpan<byte> context, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.VerifyData([.. context, .. message], signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}
