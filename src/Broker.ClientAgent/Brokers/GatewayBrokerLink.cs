using System.Collections.Concurrent;
using Broker.ClientAgent.Desktops;
using Broker.ClientAgent.State;
using Broker.Contracts.Tls;
using Broker.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Broker.ClientAgent.Brokers;

/// <summary>
/// <see cref="IBrokerLink"/> over the broker's <c>AgentGateway</c>: Enroll by user login, then the
/// device calls and the <c>Connect</c> stream with the device credential as bearer. One channel per
/// broker address and pinned certificate, with HTTP/2 keep-alive pings so a broker that vanished
/// ends the stream. With a pin, the broker's certificate is trusted by its fingerprint alone, and a
/// certificate that is not the pinned one is refused before anything is sent.
/// </summary>
internal sealed class GatewayBrokerLink : IBrokerLink, IDisposable
{
    /// <summary>The trailer in which the broker names why it refused (FAILED_PRECONDITION).</summary>
    private const string ReasonTrailer = "broker-reason";

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public async Task<DeviceEnrollment> EnrollAsync(string server, CertificatePin? pin, string userName, string password, string deviceName, CancellationToken cancellationToken)
    {
        var request = new EnrollRequest
        {
            Kind = AgentKind.Device,
            UserLogin = new UserLogin { UserName = userName, Password = password },
            Name = deviceName,
            Hello = ClientAgentHello.Create(),
        };
        var response = await CallAsync(server, pin, gateway => gateway.EnrollAsync(request, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return new DeviceEnrollment(server, response.AgentId, response.Credential, response.SigningPublicKeyPem, pin?.ToString());
    }

    public async Task<IReadOnlyList<DeviceDesktop>> ListDesktopsAsync(DeviceEnrollment device, CancellationToken cancellationToken)
    {
        var response = await CallAsync(device, gateway => gateway.ListDesktopsAsync(new ListDesktopsRequest(), Credential(device), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return response.Desktops;
    }

    public async Task<DeviceDesktop> RequestCheckOutAsync(DeviceEnrollment device, string desktop, CancellationToken cancellationToken)
    {
        var request = new RequestCheckOutRequest { Desktop = desktop };
        var response = await CallAsync(device, gateway => gateway.RequestCheckOutAsync(request, Credential(device), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return response.Desktop;
    }

    public async Task<DeviceDesktop> RequestCheckInAsync(DeviceEnrollment device, string desktopId, ulong epoch, CancellationToken cancellationToken)
    {
        var request = new RequestCheckInRequest { DesktopId = desktopId, Epoch = epoch };
        var response = await CallAsync(device, gateway => gateway.RequestCheckInAsync(request, Credential(device), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return response.Desktop;
    }

    public async Task<DeviceDesktop> CancelCheckOutAsync(DeviceEnrollment device, string desktopId, ulong epoch, CancellationToken cancellationToken)
    {
        var request = new CancelCheckOutRequest { DesktopId = desktopId, Epoch = epoch };
        var response = await CallAsync(device, gateway => gateway.CancelCheckOutAsync(request, Credential(device), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return response.Desktop;
    }

    public Task<IssueTransferTicketResponse> IssueTicketAsync(DeviceEnrollment device, string desktopId, TransferDirection direction, ulong epoch, CancellationToken cancellationToken)
    {
        var request = new IssueTransferTicketRequest { DesktopId = desktopId, Direction = direction, Epoch = epoch };
        return CallAsync(device, gateway => gateway.IssueTransferTicketAsync(request, Credential(device), cancellationToken: cancellationToken).ResponseAsync);
    }

    public AsyncDuplexStreamingCall<AgentMessage, BrokerMessage> Connect(DeviceEnrollment device, CancellationToken cancellationToken) =>
        Gateway(device.Server, CertificatePin.ParseOptional(device.BrokerCertificate)).Connect(Credential(device), cancellationToken: cancellationToken);

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private static Metadata Credential(DeviceEnrollment device) => [new("authorization", $"Bearer {device.Credential}")];

    private Task<T> CallAsync<T>(DeviceEnrollment device, Func<AgentGateway.AgentGatewayClient, Task<T>> call) =>
        CallAsync(device.Server, CertificatePin.ParseOptional(device.BrokerCertificate), call);

    /// <summary>Makes <paramref name="call"/> on the broker at <paramref name="server"/>; a failure becomes a <see cref="ClientRefusedException"/> saying what the user can do.</summary>
    private async Task<T> CallAsync<T>(string server, CertificatePin? pin, Func<AgentGateway.AgentGatewayClient, Task<T>> call)
    {
        try
        {
            return await call(Gateway(server, pin)).ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            var reason = exception.Trailers.GetValue(ReasonTrailer) is { Length: > 0 } given ? $" ({given})" : string.Empty;
            throw exception.StatusCode switch
            {
                StatusCode.Unauthenticated => new ClientRefusedException(ClientRefusal.NotEnrolled, $"The broker does not accept this device: {exception.Status.Detail} Run 'brokerctl login' again.", exception),
                StatusCode.PermissionDenied or StatusCode.FailedPrecondition or StatusCode.NotFound => new ClientRefusedException(ClientRefusal.NotEntitled, $"The broker refused{reason}: {exception.Status.Detail}", exception),
                _ => new ClientRefusedException(ClientRefusal.BrokerUnreachable, pin?.DescribeRefusal(exception) ?? $"The broker cannot be reached: {exception.Status.Detail}", exception),
            };
        }
        catch (HttpRequestException exception)
        {
            throw new ClientRefusedException(ClientRefusal.BrokerUnreachable, pin?.DescribeRefusal(exception) ?? $"The broker cannot be reached: {exception.Message}", exception);
        }
    }

    private AgentGateway.AgentGatewayClient Gateway(string server, CertificatePin? pin) =>
        new(_channels.GetOrAdd($"{server} {pin}", _ => GrpcChannel.ForAddress(server, new GrpcChannelOptions { HttpHandler = Handler(pin) })));

    private static SocketsHttpHandler Handler(CertificatePin? pin)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            EnableMultipleHttp2Connections = true,
        };
        return pin?.Apply(handler) ?? handler;
    }
}
