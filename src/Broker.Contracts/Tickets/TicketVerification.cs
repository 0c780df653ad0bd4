using Broker.Contracts.V1;

namespace Broker.Contracts.Tickets;

/// <summary>
/// Outcome of verifying a transfer ticket: exactly one of <see cref="Valid"/>,
/// <see cref="Unauthenticated"/> (gRPC <c>UNAUTHENTICATED</c>) or <see cref="PermissionDenied"/>
/// (gRPC <c>PERMISSION_DENIED</c>). Hostile input never surfaces as an exception.
/// </summary>
public abstract record TicketVerification
{
    private TicketVerification()
    {
    }

    /// <summary>True only for <see cref="Valid"/>.</summary>
    public bool IsValid => this is Valid;

    /// <summary>The ticket is authentic, current and covers the call.</summary>
    /// <param name="Ticket">The verified ticket.</param>
    public sealed record Valid(Ticket Ticket) : TicketVerification;

    /// <summary>The ticket is missing, malformed, forged, signed by an unknown key, expired or not yet valid.</summary>
    /// <param name="Reason">Machine-readable reason.</param>
    /// <param name="Detail">Text for logs; never contains key material.</param>
    public sealed record Unauthenticated(TicketRejectionReason Reason, string Detail) : TicketVerification;

    /// <summary>The ticket is authentic and current but does not cover this call.</summary>
    /// <param name="Reason">Machine-readable reason.</param>
    /// <param name="Detail">Text for logs; never contains key material.</param>
    public sealed record PermissionDenied(TicketRejectionReason Reason, string Detail) : TicketVerification;
}
