using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Contracts.Tickets;

public sealed partial class TicketVerifier
{
    /// <summary>
    /// Checks the <c>broker-console-grant</c> metadata value (base64) of a console read: null when the
    /// grant is authentic, current and names <paramref name="hostId"/> and <paramref name="desktopId"/>;
    /// else the <see cref="TicketVerification.Unauthenticated"/> or
    /// <see cref="TicketVerification.PermissionDenied"/> refusal. The signature must cover
    /// <see cref="ConsoleGrants.SignatureContext"/>, so a transfer ticket's never passes.
    /// </summary>
    public TicketVerification? CheckConsoleGrant(string? metadataValue, string hostId, string desktopId)
    {
        ArgumentNullException.ThrowIfNull(hostId);
        ArgumentNullException.ThrowIfNull(desktopId);
        if (TicketEncoding.TryDecode(metadataValue, SignedConsoleGrant.Parser, out var signed) is { } failure)
        {
            return Reject(failure);
        }

        if (CheckSignature(signed!.Grant, signed.Signature, signed.KeyId, ConsoleGrants.SignatureContext) is { } forged)
        {
            return forged;
        }

        ConsoleGrant grant;
        try
        {
            grant = ConsoleGrant.Parser.ParseFrom(signed.Grant);
        }
        catch (InvalidProtocolBufferException)
        {
            return Unauthenticated(TicketRejectionReason.Malformed, "The signed bytes are not a console grant.");
        }

        if (CheckValidity(grant.IssuedAt, grant.ExpiresAt) is { } stale)
        {
            return stale;
        }

        if (!string.Equals(grant.HostId, hostId, StringComparison.Ordinal))
        {
            return Denied(TicketRejectionReason.WrongHost, "The console grant is for another host.");
        }

        return string.Equals(grant.DesktopId, desktopId, StringComparison.Ordinal)
            ? null
            : Denied(TicketRejectionReason.WrongDesktop, "The console grant is for another desktop.");
    }
}
