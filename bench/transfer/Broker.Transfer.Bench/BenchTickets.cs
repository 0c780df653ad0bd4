using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Broker.Transfer.Bench;

/// <summary>Broker-signed tickets for a bench desktop, encoded for the client's command line.</summary>
internal static class BenchTickets
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(4);

    public static string Encode(TicketSigner signer, TransferDirection direction, string desktopId = BenchLayout.DesktopId)
    {
        var issued = TimeProvider.System.GetUtcNow();
        return TicketEncoding.Encode(signer.Sign(new Ticket
        {
            DesktopId = desktopId,
            HostId = BenchLayout.HostId,
            DeviceId = BenchLayout.DeviceId,
            Direction = direction,
            Epoch = BenchLayout.Epoch,
            IssuedAt = Timestamp.FromDateTimeOffset(issued),
            ExpiresAt = Timestamp.FromDateTimeOffset(issued + Lifetime),
        }));
    }
}
