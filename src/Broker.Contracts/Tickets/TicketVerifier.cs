using System.Security.Cryptography;
using Broker.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Contracts.Tickets;

/// <summary>
/// Host agent side: verifies transfer tickets against the broker's public key(s) and the call's
/// expectation. Order: bound and parse the envelope, find the key, check the signature, only then
/// parse the ticket, then the validity window, then the scope. Thread-safe; owns copies of the keys.
/// </summary>
public sealed partial class TicketVerifier : IDisposable
{
    /// <summary>ECDSA P-256 IEEE P1363 signature length (r || s).</summary>
    public const int SignatureLength = 64;

    /// <summary>Default tolerance between the broker's and this host's clocks.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(1);

    private readonly TrustedKey[] _keys;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _clockSkew;

    /// <param name="brokerPublicKeys">The broker's P-256 public keys (more than one during a key rotation); copied, the caller keeps ownership.</param>
    /// <param name="timeProvider">Clock for the validity window.</param>
    /// <param name="clockSkew">Tolerance applied to both ends of the validity window; <see cref="DefaultClockSkew"/> when null.</param>
    public TicketVerifier(IEnumerable<ECDsa> brokerPublicKeys, TimeProvider timeProvider, TimeSpan? clockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(brokerPublicKeys);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var skew = clockSkew ?? DefaultClockSkew;
        ArgumentOutOfRangeException.ThrowIfLessThan(skew, TimeSpan.Zero, nameof(clockSkew));

        var keys = new List<TrustedKey>();
        try
        {
            foreach (var key in brokerPublicKeys)
            {
                TicketKeys.EnsureP256(key);
                var copy = ECDsa.Create();
                keys.Add(new TrustedKey(TicketKeys.GetKeyId(key), copy));
                copy.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
            }
        }
        catch
        {
            keys.ForEach(k => k.Key.Dispose());
            throw;
        }

        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one broker public key is required.", nameof(brokerPublicKeys));
        }

        _keys = [.. keys];
        _timeProvider = timeProvider;
        _clockSkew = skew;
    }

    /// <summary>Verifies the <c>broker-ticket</c> metadata value (base64) of a call.</summary>
    public TicketVerification Verify(string? metadataValue, TicketExpectation expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return TicketEncoding.TryDecode(metadataValue, out var signedTicket) is { } failure
            ? Reject(failure)
            : Verify(signedTicket!, expected);
    }

    /// <summary>Verifies a parsed signed ticket.</summary>
    public TicketVerification Verify(SignedTicket signedTicket, TicketExpectation expected)
    {
        ArgumentNullException.ThrowIfNull(signedTicket);
        ArgumentNullException.ThrowIfNull(expected);

        if (CheckSignature(signedTicket.Ticket, signedTicket.Signature, signedTicket.KeyId, BrokerSignatures.TicketContext) is { } forged)
        {
            return forged;
        }

        Ticket ticket;
        try
        {
            ticket = Ticket.Parser.ParseFrom(signedTicket.Ticket);
        }
        catch (InvalidProtocolBufferException)
        {
            return Unauthenticated(TicketRejectionReason.Malformed, "The signed bytes are not a ticket.");
        }

        TicketVerification? rejection = CheckValidity(ticket.IssuedAt, ticket.ExpiresAt);
        return rejection ?? CheckScope(ticket, expected) ?? (TicketVerification)new TicketVerification.Valid(ticket);
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Key.Dispose();
        }
    }

    private static TicketVerification.Unauthenticated Reject(TicketRejectionReason reason) => reason switch
    {
        TicketRejectionReason.Missing => Unauthenticated(reason, "The call carries no ticket."),
        TicketRejectionReason.TooLarge => Unauthenticated(reason, "The ticket is larger than any ticket the broker issues."),
        _ => Unauthenticated(TicketRejectionReason.Malformed, "The ticket is not base64 of a signed ticket."),
    };

    /// <summary>
    /// Bounds a signed envelope, finds its key and checks its signature over <paramref name="context"/>
    /// followed by <paramref name="message"/>; null when it verifies.
    /// </summary>
    private TicketVerification.Unauthenticated? CheckSignature(ByteString message, ByteString signature, ByteString keyId, ReadOnlySpan<byte> context)
    {
        if (message.Length == 0)
        {
            return Unauthenticated(TicketRejectionReason.Missing, "The envelope holds no signed message.");
        }

        if (message.Length > TicketEncoding.MaxTicketBytes)
        {
            return Unauthenticated(TicketRejectionReason.TooLarge, $"The signed message is longer than {TicketEncoding.MaxTicketBytes} bytes.");
        }

        if (signature.Length != SignatureLength || keyId.Length != TicketKeys.KeyIdLength)
        {
            return Unauthenticated(TicketRejectionReason.Malformed, "The signature or key id has the wrong length.");
        }

        var key = FindKey(keyId.Span);
        if (key is null)
        {
            return Unauthenticated(TicketRejectionReason.UnknownKey, "The message is signed by a key this host does not trust.");
        }

        return key.Verify(context, message.Span, signature.Span)
            ? null
            : Unauthenticated(TicketRejectionReason.BadSignature, "The signature does not verify.");
    }

    private TicketVerification.Unauthenticated? CheckValidity(Timestamp? issued, Timestamp? expires)
    {
        if (!TryGetInstant(issued, out var issuedAt) || !TryGetInstant(expires, out var expiresAt) || expiresAt <= issuedAt)
        {
            return Unauthenticated(TicketRejectionReason.Malformed, "The credential's validity window is missing or invalid.");
        }

        var now = _timeProvider.GetUtcNow();
        if (now >= expiresAt + _clockSkew)
        {
            return Unauthenticated(TicketRejectionReason.Expired, $"The credential expired at {expiresAt:O}.");
        }

        if (now + _clockSkew < issuedAt)
        {
            return Unauthenticated(TicketRejectionReason.NotYetValid, $"The credential is issued at {issuedAt:O}, in the future.");
        }

        return null;
    }

    private static TicketVerification.PermissionDenied? CheckScope(Ticket ticket, TicketExpectation expected)
    {
        if (!string.Equals(ticket.HostId, expected.HostId, StringComparison.Ordinal))
        {
            return Denied(TicketRejectionReason.WrongHost, "The ticket is for another host.");
        }

        if (!string.Equals(ticket.DesktopId, expected.DesktopId, StringComparison.Ordinal))
        {
            return Denied(TicketRejectionReason.WrongDesktop, "The ticket is for another desktop.");
        }

        if (expected.DeviceId is not null && !string.Equals(ticket.DeviceId, expected.DeviceId, StringComparison.Ordinal))
        {
            return Denied(TicketRejectionReason.WrongDevice, "The ticket is for another device.");
        }

        if (ticket.Direction != expected.Direction)
        {
            return Denied(TicketRejectionReason.WrongDirection, $"The ticket allows {ticket.Direction}, the call is {expected.Direction}.");
        }

        if (ticket.Epoch != expected.Epoch)
        {
            return Denied(TicketRejectionReason.EpochMismatch, $"The ticket is for epoch {ticket.Epoch}, the desktop is at {expected.Epoch}.");
        }

        if (!string.Equals(ticket.BaseContentAddress, expected.BaseContentAddress ?? string.Empty, StringComparison.Ordinal))
        {
            return Denied(TicketRejectionReason.WrongImage, "The ticket is for another base image.");
        }

        if (expected.LayerId is not null && ticket.LayerIds.Count > 0 && !ticket.LayerIds.Contains(expected.LayerId))
        {
            return Denied(TicketRejectionReason.LayerNotCovered, "The ticket does not cover the requested layer.");
        }

        return null;
    }

    private static bool TryGetInstant(Timestamp? timestamp, out DateTimeOffset instant)
    {
        instant = default;
        if (timestamp is null)
        {
            return false;
        }

        try
        {
            instant = timestamp.ToDateTimeOffset();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private TrustedKey? FindKey(ReadOnlySpan<byte> keyId)
    {
        foreach (var key in _keys)
        {
            if (keyId.SequenceEqual(key.Id))
            {
                return key;
            }
        }

        return null;
    }

    private static TicketVerification.Unauthenticated Unauthenticated(TicketRejectionReason reason, string detail) => new(reason, detail);

    private static TicketVerification.PermissionDenied Denied(TicketRejectionReason reason, string detail) => new(reason, detail);

    /// <summary>A broker key this host trusts. ECDsa instances are not documented as thread-safe, hence the lock.</summary>
    private sealed class TrustedKey(byte[] id, ECDsa key)
    {
        private readonly Lock _lock = new();

        public byte[] Id { get; } = id;

        public ECDsa Key { get; } = key;

        public bool Verify(ReadOnlySpan<byte> context, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
        {
            lock (_lock)
            {
                return BrokerSignatures.Verify(Key, context, message, signature);
            }
        }
    }
}
