using Broker.ClientAgent.Desktops;
using Broker.Contracts.Tls;
using Broker.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using LocalApi = Broker.Contracts.V1.ClientAgent;

namespace Broker.ClientAgent.Api;

/// <summary>The local API (<c>client_agent.proto</c>) over the <see cref="DesktopManager"/>; refusals are mapped by <see cref="RefusalInterceptor"/>.</summary>
internal sealed class ClientAgentApiService(AgentDesktops desktops, IOptions<ClientAgentOptions> options, TimeProvider time) : LocalApi.ClientAgentBase
{
    /// <summary>How often <see cref="Watch"/> looks for a change.</summary>
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromMilliseconds(500);

    private DesktopManager Manager => desktops.Manager;

    public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
    {
        var deviceName = string.IsNullOrEmpty(request.DeviceName) ? Environment.MachineName : request.DeviceName;
        CertificatePin? pin;
        try
        {
            pin = CertificatePin.ParseOptional(request.BrokerCertificate);
        }
        catch (FormatException exception)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, exception.Message));
        }

        var enrollment = await Manager.LoginAsync(request.Server, pin, request.UserName, request.Password, deviceName, context.CancellationToken).ConfigureAwait(false);
        return new LoginResponse { DeviceId = enrollment.DeviceId, Server = enrollment.Server };
    }

    public override async Task<ListLocalDesktopsResponse> List(ListLocalDesktopsRequest request, ServerCallContext context)
    {
        var response = new ListLocalDesktopsResponse();
        response.Desktops.AddRange((await Manager.ListAsync(context.CancellationToken).ConfigureAwait(false)).Select(LocalDesktopMapping.ToMessage));
        return response;
    }

    public override async Task<LocalDesktop> Status(DesktopRequest request, ServerCallContext context) =>
        (await Manager.StatusAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> CheckOut(DesktopRequest request, ServerCallContext context) =>
        (await Manager.CheckOutAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> Pause(DesktopRequest request, ServerCallContext context) =>
        (await Manager.PauseAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> Resume(DesktopRequest request, ServerCallContext context) =>
        (await Manager.ResumeAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> Cancel(DesktopRequest request, ServerCallContext context)
    {
        var before = await Manager.StatusAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false);
        await Manager.CancelAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false);
        return before.ToMessage().Released();
    }

    public override async Task<LocalDesktop> Start(DesktopRequest request, ServerCallContext context) =>
        (await Manager.StartAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> Stop(DesktopRequest request, ServerCallContext context) =>
        (await Manager.StopAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> Sync(DesktopRequest request, ServerCallContext context) =>
        (await Manager.SyncAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> DeferSync(DeferSyncRequest request, ServerCallContext context) =>
        (await Manager.DeferSyncAsync(request.Desktop, request.Duration?.ToTimeSpan() ?? TimeSpan.Zero, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override async Task<LocalDesktop> CheckIn(DesktopRequest request, ServerCallContext context) =>
        (await Manager.CheckInAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false)).ToMessage();

    public override Task<ConsoleInfo> Console(DesktopRequest request, ServerCallContext context)
    {
        var paths = Manager.PathsOf(request.Desktop);
        var display = options.Value.Display;
        return Task.FromResult(new ConsoleInfo
        {
            DesktopId = Path.GetFileName(paths.Root),
            VncSocketPath = display is null ? paths.VncSocket : string.Empty,
            SerialLogPath = paths.SerialLog,
            Display = display ?? "vnc",
        });
    }

    public override Task<SnapshotList> Snapshots(DesktopRequest request, ServerCallContext context)
    {
        var list = new SnapshotList();
        foreach (var (layer, acknowledged) in Manager.Snapshots(request.Desktop).Where(snapshot => snapshot.Layer.SealedAt is not null))
        {
            list.Snapshots.Add(new Snapshot { LayerId = layer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), SealedAt = Timestamp.FromDateTimeOffset(layer.SealedAt!.Value), Acknowledged = acknowledged });
        }

        return Task.FromResult(list);
    }

    public override async Task<DivergedBranchList> Diverged(DesktopRequest request, ServerCallContext context) =>
        ToList(await Manager.DivergedAsync(request.Desktop, context.CancellationToken).ConfigureAwait(false));

    public override async Task<DivergedBranchList> DiscardDiverged(DiscardDivergedRequest request, ServerCallContext context)
    {
        if (request.All == (request.Branch.Length > 0))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Name one diverged branch to discard, or ask for all of them."));
        }

        return ToList(await Manager.DiscardDivergedAsync(request.Desktop, request.All ? null : request.Branch, context.CancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Sends the status now and at every change; ends when the check-out, check-in or operation that
    /// was in progress settles (ready, revoked, or released: then a last CHECKED_IN status).
    /// </summary>
    public override async Task Watch(DesktopRequest request, IServerStreamWriter<LocalDesktop> responseStream, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var status = await Manager.StatusAsync(request.Desktop, cancellationToken).ConfigureAwait(false);
        var busy = status.InProgress();
        var sent = status.ToMessage();
        await responseStream.WriteAsync(sent, cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(WatchPeriod, time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!Manager.Holds(sent.DesktopId))
            {
                await responseStream.WriteAsync(sent.Released(), cancellationToken).ConfigureAwait(false);
                return;
            }

            status = await Manager.StatusAsync(sent.DesktopId, cancellationToken).ConfigureAwait(false);
            var current = status.ToMessage();
            if (!current.Equals(sent))
            {
                await responseStream.WriteAsync(current, cancellationToken).ConfigureAwait(false);
                sent = current;
            }

            if (busy && !status.InProgress())
            {
                return;
            }
        }
    }

    private static DivergedBranchList ToList(IReadOnlyList<Desktops.DivergedBranch> branches)
    {
        var list = new DivergedBranchList();
        list.Branches.AddRange(branches.Select(branch => new Contracts.V1.DivergedBranch
        {
            Name = branch.Name,
            Path = branch.Path,
            Layers = (uint)branch.Layers,
            Bytes = (ulong)branch.Bytes,
            LastWrittenAt = Timestamp.FromDateTimeOffset(branch.LastWrittenAt),
        }));
        return list;
    }
}
