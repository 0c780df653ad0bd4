using System.Security.Cryptography;
using Broker.ClientAgent.Brokers;
using Broker.ClientAgent.State;
using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Broker.ClientAgent.Tests;

/// <summary>
/// Stands in for the broker's device calls: grants one desktop, signs real transfer tickets with a
/// real P-256 key the stand-in host verifies, and records check-in reports. <see cref="Reachable"/>
/// false makes every call fail as a cut network does.
/// </summary>
internal sealed class StandInBroker(string desktopId, string hostId, TimeProvider time) : IBrokerLink, IDisposable
{
    public const string DeviceId = "laptop-1";

    private readonly ECDsa _key = TicketKeys.CreatePrivateKey();

    public ulong Epoch { get; set; } = 2;

    public TimeSpan Lease { get; set; } = TimeSpan.FromDays(7);

    public bool Reachable { get; set; } = true;

    public List<long> CheckedIn { get; } = [];

    public TicketVerifier Verifier() => new([_key], TimeProvider.System);

    public Task<DeviceEnrollment> EnrollAsync(string server, string userName, string password, string deviceName, CancellationToken cancellationToken) =>
        Answer(new DeviceEnrollment(server, DeviceId, "secret", _key.ExportSubjectPublicKeyInfoPem()));

    public Task<CheckOutGrant> RequestCheckOutAsync(DeviceEnrollment device, string desktop, CancellationToken cancellationToken) =>
        Answer(new CheckOutGrant(desktopId, desktop, Epoch, hostId, time.GetUtcNow() + Lease));

    public Task<SignedTicket> IssueTicketAsync(DeviceEnrollment device, string desktop, TransferDirection direction, ulong epoch, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        return Answer(new TicketSigner(_key).Sign(new Ticket
        {
            DesktopId = desktop,
            HostId = hostId,
            DeviceId = DeviceId,
            Direction = direction,
            Epoch = epoch,
            IssuedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = Timestamp.FromDateTimeOffset(now.AddMinutes(10)),
        }));
    }

    public Task<DateTimeOffset> RenewLeaseAsync(DeviceEnrollment device, string desktop, ulong epoch, CancellationToken cancellationToken) =>
        Answer(time.GetUtcNow() + Lease);

    public Task ReportCheckedInAsync(DeviceEnrollment device, string desktop, ulong epoch, long layerId, CancellationToken cancellationToken)
    {
        CheckedIn.Add(layerId);
        return Answer(true);
    }

    public void Dispose() => _key.Dispose();

    private Task<T> Answer<T>(T value) =>
        Reachable ? Task.FromResult(value) : Task.FromException<T>(new HttpRequestException("Connection refused (stand-in broker is down)"));
}
