using Broker.Contracts.V1;

namespace Broker.Contracts.Tickets;

/// <summary>What the verifying host agent requires of a ticket for the call at hand.</summary>
public sealed record TicketExpectation
{
    /// <summary>The verifying host agent's own id.</summary>
    public required string HostId { get; init; }

    /// <summary>The desktop the call touches; empty for an image pull.</summary>
    public required string DesktopId { get; init; }

    /// <summary>
    /// The device the desktop is being checked out to or is checked out on; for an image pull, the
    /// receiving host the ticket names (null: any).
    /// </summary>
    public required string? DeviceId { get; init; }

    public required TransferDirection Direction { get; init; }

    /// <summary>The desktop's current epoch on this host; the ticket must carry exactly this one.</summary>
    public required ulong Epoch { get; init; }

    /// <summary>
    /// The layer the call touches, or null for a call about the whole chain. A ticket with an empty
    /// layer list covers every layer.
    /// </summary>
    public string? LayerId { get; init; }

    /// <summary>The base image an image pull touches (64 lowercase hex digits); null for a desktop's call.</summary>
    public string? BaseContentAddress { get; init; }
}
