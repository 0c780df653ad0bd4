using System.Collections.Concurrent;
using System.Security.Cryptography;
using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Contracts;
using Broker.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// <see cref="IBrokerLink"/> over the broker's <c>AgentGateway</c>: Enroll by user login,
/// IssueTransferTicket and RenewLease with the device credential. The gateway has no device call to
/// request a check-out or report a check-in yet (the broker drives both by commands on Connect, see
/// the README), so those two are refused with a sentence saying so.
/// </summary>
internal sealed class GatewayBrokerLink : IBrokerLink, IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public async Task<DeviceEnrollment> EnrollAsync(string server, string userName, string password, string deviceName, CancellationToken cancellationToken)
    {
        var request = new EnrollRequest
        {
            Kind = AgentKind.Device,
            UserLogin = new UserLogin { UserName = userName, Password = password },
            Name = deviceName,
            Hello = new Hello { CapabilityVersion = ContractVersion.Capability, AgentVersion = "broker-client" },
        };
        var response = await CallAsync(() => Gateway(server).EnrollAsync(request, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return new DeviceEnrollment(server, response.AgentId, response.Credential, response.SigningPublicKeyPem);
    }

    public Task<CheckOutGrant> RequestCheckOutAsync(DeviceEnrollment device, string desktop, CancellationToken cancellationToken) =>
        throw new ClientRefusedException(ClientRefusal.NotSupportedByBroker, $"This broker cannot check '{desktop}' out on a device's request: check it out to this device in the portal.");

    public async Task<SignedTicket> IssueTicketAsync(DeviceEnrollment device, string desktopId, TransferDirection direction, ulong epoch, CancellationToken cancellationToken)
    {
        var request = new IssueTransferTicketRequest { DesktopId = desktopId, Direction = direction, Epoch = epoch };
        var response = await CallAsync(() => Gateway(device.Server).IssueTransferTicketAsync(request, Credential(device), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return response.Ticket;
    }

    public async Task<DateTimeOffset> RenewLeaseAsync(DeviceEnrollment device, string desktopId, ulong epoch, CancellationToken cancellationToken)
    {
        var request = new RenewLeaseRequest { DesktopId = desktopId, Epoch = epoch };
        var response = await CallAsync(() => Gateway(device.Server).RenewLeaseAsync(request, Credential(device), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        var lease = VerifiedLease(device, response.Lease);
        return lease.DesktopId == desktopId && lease.Epoch == epoch && lease.DeviceId == device.DeviceId
            ? lease.ExpiresAt.ToDateTimeOffset()
            : throw new ClientRefusedException(ClientRefusal.NotEntitled, "The broker's lease names another desktop, device or epoch.");
    }

    public Task ReportCheckedInAsync(DeviceEnrollment device, string desktopId, ulong epoch, long layerId, CancellationToken cancellationToken) =>
        throw new ClientRefusedException(ClientRefusal.NotSupportedByBroker, "This broker takes no check-in report from a device: check the desktop in from the portal.");

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    /// <summary>The lease in <paramref name="signed"/> once its signature by the broker's key checks out.</summary>
    private static OfflineLease VerifiedLease(DeviceEnrollment device, SignedLease signed)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(device.SigningKeyPem);
        return key.VerifyData(signed.Lease.Span, signed.Signature.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? OfflineLease.Parser.ParseFrom(signed.Lease)
            : throw new ClientRefusedException(ClientRefusal.NotEntitled, "The broker's lease is not signed by the key this device enrolled with.");
    }

    private static Metadata Credential(DeviceEnrollment device) => [new("authorization", $"Bearer {device.Credential}")];

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            throw exception.StatusCode switch
            {
                StatusCode.Unauthenticated => new ClientRefusedException(ClientRefusal.NotEnrolled, $"The broker does not accept this device: {exception.Status.Detail} Run 'brokerctl login' again.", exception),
                StatusCode.PermissionDenied or StatusCode.FailedPrecondition or StatusCode.NotFound => new ClientRefusedException(ClientRefusal.NotEntitled, $"The broker refused: {exception.Status.Detail}", exception),
                _ => new ClientRefusedException(ClientRefusal.BrokerUnreachable, $"The broker cannot be reached: {exception.Status.Detail}", exception),
            };
        }
        catch (HttpRequestException exception)
        {
            throw new ClientRefusedException(ClientRefusal.BrokerUnreachable, $"The broker cannot be reached: {exception.Message}", exception);
        }
    }

    private AgentGateway.AgentGatewayClient Gateway(string server) =>
        new(_channels.GetOrAdd(server, static address => GrpcChannel.ForAddress(address)));
}
