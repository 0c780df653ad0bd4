using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Contracts.Tests.Tickets;

/// <summary>A ticket and the expectation it satisfies, at a fixed instant.</summary>
internal static class TicketFixture
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static Ticket Ticket(params string[] layerIds)
    {
        var ticket = new Ticket
        {
            DesktopId = "desktop-1",
            HostId = "host-1",
            DeviceId = "laptop-7",
            Direction = TransferDirection.Pull,
            Epoch = 4,
            IssuedAt = Timestamp.FromDateTimeOffset(Now.AddMinutes(-1)),
            ExpiresAt = Timestamp.FromDateTimeOffset(Now.AddMinutes(10)),
        };
        ticket.LayerIds.Add(layerIds);
        return ticket;
    }

    public static TicketExpectation Expectation(string? layerId = "layer-2") => new()
    {
        HostId = "host-1",
        DesktopId = "desktop-1",
        DeviceId = "laptop-7",
        Direction = TransferDirection.Pull,
        Epoch = 4,
        LayerId = layerId,
    };

    /// <summary>An image pull ticket: host-2 copies base aaaa… from host-1.</summary>
    public static Ticket ImageTicket() => new()
    {
        HostId = "host-1",
        DeviceId = "host-2",
        Direction = TransferDirection.ImagePull,
        BaseContentAddress = new string('a', 64),
        IssuedAt = Timestamp.FromDateTimeOffset(Now.AddMinutes(-1)),
        ExpiresAt = Timestamp.FromDateTimeOffset(Now.AddMinutes(10)),
    };

    public static TicketExpectation ImageExpectation() => new()
    {
        HostId = "host-1",
        DesktopId = string.Empty,
        DeviceId = "host-2",
        Direction = TransferDirection.ImagePull,
        Epoch = 0,
        BaseContentAddress = new string('a', 64),
    };
}
