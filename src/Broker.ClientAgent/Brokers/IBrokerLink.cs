using Broker.ClientAgent.State;
using Broker.Contracts.V1;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// What the client agent asks of the broker. Every call may fail with
/// <see cref="Desktops.ClientRefusedException"/> (<see cref="Desktops.ClientRefusal.BrokerUnreachable"/>
/// when there is no network): callers queue what they can and retry later.
/// </summary>
internal interface IBrokerLink
{
    /// <summary>Enrolls this device by the user's login.</summary>
    Task<DeviceEnrollment> EnrollAsync(string server, string userName, string password, string deviceName, CancellationToken cancellationToken);

    /// <summary>Asks for <paramref name="desktop"/> (name or id) to be checked out to this device.</summary>
    Task<CheckOutGrant> RequestCheckOutAsync(DeviceEnrollment device, string desktop, CancellationToken cancellationToken);

    /// <summary>A transfer ticket for the desktop's host.</summary>
    Task<SignedTicket> IssueTicketAsync(DeviceEnrollment device, string desktopId, TransferDirection direction, ulong epoch, CancellationToken cancellationToken);

    /// <summary>Slides the lease forward; returns its new end.</summary>
    Task<DateTimeOffset> RenewLeaseAsync(DeviceEnrollment device, string desktopId, ulong epoch, CancellationToken cancellationToken);

    /// <summary>Reports that the final layer <paramref name="layerId"/> is acknowledged by the host and the local copy is released.</summary>
    Task ReportCheckedInAsync(DeviceEnrollment device, string desktopId, ulong epoch, long layerId, CancellationToken cancellationToken);
}
