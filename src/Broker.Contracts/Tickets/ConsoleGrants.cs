using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Contracts.Tickets;

/// <summary>
/// Console grants (<c>host_console.proto</c>): the <c>broker-console-grant</c> metadata value is
/// base64 of a serialized <see cref="SignedConsoleGrant"/>, bounded like a ticket. The signature
/// covers <see cref="SignatureContext"/> followed by the grant's bytes, so it never verifies as a
/// transfer ticket's or a lease's (<see cref="BrokerSignatures"/>).
/// </summary>
public static class ConsoleGrants
{
    /// <summary>gRPC metadata key that carries the grant.</summary>
    public const string MetadataKey = "broker-console-grant";

    /// <summary>The bytes signed before the serialized grant: a zero byte, the message name, a zero byte.</summary>
    public static ReadOnlySpan<byte> SignatureContext => BrokerSignatures.ConsoleGrantContext;

    /// <summary>Encodes a signed grant as a metadata value.</summary>
    public static string Encode(SignedConsoleGrant signedGrant)
    {
        ArgumentNullException.ThrowIfNull(signedGrant);
        return Convert.ToBase64String(signedGrant.ToByteArray());
    }
}
