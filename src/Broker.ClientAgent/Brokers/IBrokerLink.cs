using Broker.ClientAgent.State;
using Broker.Contracts.Tls;
using Broker.Contracts.V1;
using Grpc.Core;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// What the client agent asks of the broker. Every call may fail with
/// <see cref="Desktops.ClientRefusedException"/> (<see cref="Desktops.ClientRefusal.BrokerUnreachable"/>
/// when there is no network): callers queue what they can and retry later.
/// </summary>
internal interface IBrokerLink
{
    /// <summary>Enrolls this device by the user's login; with <paramref name="pin"/>, trusting exactly that broker certificate from then on.</summary>
    Task<DeviceEnrollment> EnrollAsync(string server, CertificatePin? pin, string userName, string password, string deviceName, CancellationToken cancellationToken);

    /// <summary>The desktops of the device's user, as the broker sees them.</summary>
    Task<IReadOnlyList<DeviceDesktop>> ListDesktopsAsync(DeviceEnrollment device, CancellationToken cancellationToken);

    /// <summary>Asks for <paramref name="desktop"/> (name or id) to be checked out to this device; the broker then drives it by commands.</summary>
    Task<DeviceDesktop> RequestCheckOutAsync(DeviceEnrollment device, string desktop, CancellationToken cancellationToken);

    /// <summary>Asks to check in <paramref name="desktopId"/>, held at <paramref name="epoch"/>; the broker answers with BEGIN_CHECK_IN.</summary>
    Task<DeviceDesktop> RequestCheckInAsync(DeviceEnrollment device, string desktopId, ulong epoch, CancellationToken cancellationToken);

    /// <summary>Tells the broker this device cancelled the check-out of <paramref name="desktopId"/> at <paramref name="epoch"/>; the desktop is Available again there.</summary>
    Task<DeviceDesktop> CancelCheckOutAsync(DeviceEnrollment device, string desktopId, ulong epoch, CancellationToken cancellationToken);

    /// <summary>A transfer ticket for the desktop's host, with the host's transfer address when the broker knows it.</summary>
    Task<IssueTransferTicketResponse> IssueTicketAsync(DeviceEnrollment device, string desktopId, TransferDirection direction, ulong epoch, CancellationToken cancellationToken);

    /// <summary>Opens the device's <c>Connect</c> stream (the caller sends Hello first).</summary>
    AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> Connect(DeviceEnrollment device, CancellationToken cancellationToken);
}
