using Broker.Contracts.Tickets;
using Broker.Contracts.V1;
using Broker.HostAgent.Snapshots;
using Broker.Transfer.Host;
using Grpc.Core;

namespace Broker.HostAgent.SerialConsole;

/// <summary>
/// The host's <c>HostConsole</c> service: a desktop's serial log and its snapshot list for any broker
/// instance that signs a console grant for this host and that desktop. The grant is checked before
/// anything else, so an unauthorised caller learns nothing, not even whether the desktop is held here.
/// </summary>
internal sealed class HostConsoleService(ISerialLogs logs, IDesktopRegistry desktops, TicketVerifier verifier, string hostId) : HostConsole.HostConsoleBase
{
    public override async Task<ConsoleText> ReadConsole(ReadConsoleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authorise(request.DesktopId, context);
        var path = logs.SerialLogPath(request.DesktopId) ?? throw NotHeld(request.DesktopId);
        return await ConsoleLogReader.ReadAsync(path, request, context.CancellationToken).ConfigureAwait(false);
    }

    public override Task<HostSnapshotList> ListSnapshots(ListSnapshotsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authorise(request.DesktopId, context);
        var desktop = desktops.Find(request.DesktopId) ?? throw NotHeld(request.DesktopId);
        return Task.FromResult(SnapshotLister.List(desktop.Layers));
    }

    private void Authorise(string desktopId, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var grant = context.RequestHeaders.GetValue(ConsoleGrants.MetadataKey);
        switch (verifier.CheckConsoleGrant(grant, hostId, desktopId))
        {
            case TicketVerification.Unauthenticated failure:
                throw new RpcException(new Status(StatusCode.Unauthenticated, failure.Detail));
            case TicketVerification.PermissionDenied denied:
                throw new RpcException(new Status(StatusCode.PermissionDenied, denied.Detail));
        }
    }

    private static RpcException NotHeld(string desktopId) => new(new Status(StatusCode.NotFound, $"This host holds no desktop {desktopId}."));
}
