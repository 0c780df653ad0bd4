using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Disks.Layers;
using Broker.HostAgent.Desktops;
using Broker.Qemu;
using Broker.Testing;
using Broker.Testing.Qemu;
using Broker.Transfer;
using Broker.Transfer.Client;
using Broker.Vhdx.Storage;

namespace Broker.HostAgent.Tests.Integration;

/// <summary>
/// What a client agent keeps of a checked-out desktop, built from the Broker.Transfer client library:
/// the chain pulled from the host into a local <see cref="LayerStore"/> (base in a local base store),
/// booted in real QEMU over our NBD server (the host agent's <see cref="DesktopVm"/>), sealed, and
/// its layers pushed back. Every transfer call goes to the address the broker handed out, under a
/// ticket the broker signed.
/// </summary>
internal sealed class LaptopCopy : IAsyncDisposable
{
    private readonly TestDevice _device;
    private readonly string _desktopId;
    private readonly DesktopPaths _paths;
    private readonly string _workDirectory;
    private readonly BaseImageStore _bases;
    private int _boots;

    private LaptopCopy(TestDevice device, string desktopId, DesktopPaths paths, string workDirectory, BaseImageStore bases, LayerStore layers)
    {
        _device = device;
        _desktopId = desktopId;
        _paths = paths;
        _workDirectory = workDirectory;
        _bases = bases;
        Layers = layers;
    }

    /// <summary>The local chain.</summary>
    public LayerStore Layers { get; }

    /// <summary>
    /// Carries out <paramref name="startPull"/>: a PULL ticket at its epoch, then the whole chain from
    /// the host address the ticket answer names (which must be the one START_PULL named).
    /// </summary>
    public static async Task<LaptopCopy> PullAsync(TestDevice device, AgentCommand startPull, TempDirectory directory, CancellationToken cancellationToken)
    {
        var ticket = await TicketAsync(device, startPull.DesktopId, TransferDirection.Pull, startPull.Epoch, cancellationToken);
        ticket.HostTransferAddress.ShouldBe(startPull.HostTransferAddress, "the ticket and START_PULL name the same host address");
        var paths = new DesktopPaths(directory.File("laptop"));
        var workDirectory = directory.File("laptop-work");
        var bases = await BaseImageStore.OpenAsync(FileStorage.Instance, directory.File("laptop-bases"), null, cancellationToken);
        try
        {
            using var channel = TransferChannelOptions.CreateChannel(new Uri(ticket.HostTransferAddress));
            var client = new TransferClient(channel.CreateCallInvoker(), startPull.DesktopId, ticket.Ticket);
            var layers = await new ChainPuller(client, bases, workDirectory).PullAsync(paths.Layers(DesktopPaths.DefaultLayerDirectory), null, cancellationToken);
            return new LaptopCopy(device, startPull.DesktopId, paths, workDirectory, bases, layers);
        }
        catch
        {
            await bases.DisposeAsync();
            throw;
        }
    }

    /// <summary>Boots the local chain until the guest powers off; returns its serial output.</summary>
    public async Task<string> BootToPowerOffAsync(int memoryMiB, CancellationToken cancellationToken)
    {
        var boot = ++_boots;
        var vm = await DesktopVm.StartAsync($"laptop-{boot}", await Layers.OpenLiveDeviceAsync(cancellationToken), _paths, new QemuOptions(), memoryMiB, TimeProvider.System, cancellationToken);
        await using (vm)
        {
            await HostAgentWorld.WaitUntilAsync(() => Task.FromResult(!vm.Running), "the laptop's guest powers off", cancellationToken);
        }

        return SerialLog.Read(_paths.SerialLog).Trim();
    }

    /// <summary>Pushes sealed layer <paramref name="layerId"/> under a PUSH ticket of <paramref name="ticketEpoch"/>, its header naming <paramref name="pushEpoch"/>.</summary>
    public Task<PushResult> PushAsync(long layerId, ulong ticketEpoch, ulong pushEpoch, CancellationToken cancellationToken) =>
        PushAsync(layerId, ticketEpoch, pushEpoch, final: false, cancellationToken);

    /// <summary>Pushes sealed layer <paramref name="layerId"/> under <paramref name="epoch"/> as a check-in's final layer.</summary>
    public Task<PushResult> PushFinalAsync(long layerId, ulong epoch, CancellationToken cancellationToken) =>
        PushAsync(layerId, epoch, epoch, final: true, cancellationToken);

    private async Task<PushResult> PushAsync(long layerId, ulong ticketEpoch, ulong pushEpoch, bool final, CancellationToken cancellationToken)
    {
        var ticket = await TicketAsync(_device, _desktopId, TransferDirection.Push, ticketEpoch, cancellationToken);
        using var channel = TransferChannelOptions.CreateChannel(new Uri(ticket.HostTransferAddress));
        var client = new TransferClient(channel.CreateCallInvoker(), _desktopId, ticket.Ticket);
        var pusher = new LayerPusher(client, _workDirectory);
        return final
            ? await pusher.PushFinalAsync(Layers, layerId, pushEpoch, null, cancellationToken)
            : await pusher.PushAsync(Layers, layerId, pushEpoch, null, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Layers.DisposeAsync();
        await _bases.DisposeAsync();
    }

    private static async Task<IssueTransferTicketResponse> TicketAsync(TestDevice device, string desktopId, TransferDirection direction, ulong epoch, CancellationToken cancellationToken) =>
        await device.Gateway.IssueTransferTicketAsync(
            new IssueTransferTicketRequest { DesktopId = desktopId, Direction = direction, Epoch = epoch },
            device.Credential,
            cancellationToken: cancellationToken);
}
