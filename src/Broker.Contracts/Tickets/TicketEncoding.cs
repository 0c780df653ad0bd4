using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Contracts.Tickets;

/// <summary>
/// The <c>broker-ticket</c> request metadata value: base64 (RFC 4648, padded) of a serialized
/// <see cref="SignedTicket"/>. Sizes are bounded before anything is decoded.
/// </summary>
public static class TicketEncoding
{
    /// <summary>gRPC metadata key that carries the ticket.</summary>
    public const string MetadataKey = "broker-ticket";

    /// <summary>Largest serialized <see cref="Ticket"/> the broker issues or a host accepts.</summary>
    public const int MaxTicketBytes = 8 * 1024;

    /// <summary>Largest serialized <see cref="SignedTicket"/>: the ticket plus signature, key id and framing.</summary>
    public const int MaxSignedTicketBytes = MaxTicketBytes + 256;

    /// <summary>Largest metadata value accepted (base64 of <see cref="MaxSignedTicketBytes"/>).</summary>
    public const int MaxEncodedLength = (MaxSignedTicketBytes + 2) / 3 * 4;

    /// <summary>Encodes a signed ticket as a metadata value.</summary>
    public static string Encode(SignedTicket signedTicket)
    {
        ArgumentNullException.ThrowIfNull(signedTicket);
        return Convert.ToBase64String(signedTicket.ToByteArray());
    }

    /// <summary>
    /// Decodes a metadata value. Returns <see cref="TicketRejectionReason.Missing"/>,
    /// <see cref="TicketRejectionReason.TooLarge"/> or <see cref="TicketRejectionReason.Malformed"/>
    /// on failure, null on success. Nothing is verified here.
    /// </summary>
    public static TicketRejectionReason? TryDecode(string? value, out SignedTicket? signedTicket) =>
        TryDecode(value, SignedTicket.Parser, out signedTicket);

    /// <summary>Parses a serialized <see cref="SignedTicket"/> after bounding its size; null on success.</summary>
    public static TicketRejectionReason? TryParse(ReadOnlySpan<byte> bytes, out SignedTicket? signedTicket) =>
        TryParse(bytes, SignedTicket.Parser, out signedTicket);

    /// <summary>As <see cref="TryDecode(string?, out SignedTicket?)"/> for any signed envelope of at most <see cref="MaxSignedTicketBytes"/>.</summary>
    internal static TicketRejectionReason? TryDecode<T>(string? value, MessageParser<T> parser, out T? envelope)
        where T : class, IMessage<T>
    {
        envelope = null;
        if (string.IsNullOrEmpty(value))
        {
            return TicketRejectionReason.Missing;
        }

        if (value.Length > MaxEncodedLength)
        {
            return TicketRejectionReason.TooLarge;
        }

        var buffer = new byte[value.Length / 4 * 3];
        if (!Convert.TryFromBase64String(value, buffer, out var length))
        {
            return TicketRejectionReason.Malformed;
        }

        return TryParse(buffer.AsSpan(0, length), parser, out envelope);
    }

    private static TicketRejectionReason? TryParse<T>(ReadOnlySpan<byte> bytes, MessageParser<T> parser, out T? envelope)
        where T : class, IMessage<T>
    {
        envelope = null;
        if (bytes.IsEmpty)
        {
            return TicketRejectionReason.Missing;
        }

        if (bytes.Length > MaxSignedTicketBytes)
        {
            return TicketRejectionReason.TooLarge;
        }

        try
        {
            envelope = parser.ParseFrom(bytes);
            return null;
        }
        catch (InvalidProtocolBufferException)
        {
            return TicketRejectionReason.Malformed;
        }
    }
}
