using System.Net.Sockets;
using Broker.Disks.Layers;
using Broker.Nbd;
using Broker.Qemu;
using Broker.Testing;
using Broker.Testing.Qemu;
using Broker.Vhdx;
using Broker.Vhdx.Storage;

namespace Broker.Disks.Tests.Boot;

/// <summary>
/// A test guest's desktop: a base VHDX holding the guest's boot image, a layer store over it, and
/// our <see cref="NbdServer"/> serving the store's live device as <see cref="LiveExport"/> on a
/// unix socket. Boots real QEMU (KVM when available, else TCG) from any export of that server.
/// </summary>
internal sealed class GuestChain : IAsyncDisposable
{
    /// <summary>The export serving the store's live device.</summary>
    public const string LiveExport = "live";

    /// <summary>Guests power off in about a second under TCG; this only bounds a hang on a loaded machine.</summary>
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory;
    private int _boots;

    private GuestChain(TempDirectory directory, LayerStore store, NbdServer server, string socketPath)
    {
        _directory = directory;
        Store = store;
        Server = server;
        SocketPath = socketPath;
    }

    public LayerStore Store { get; }

    public NbdServer Server { get; }

    public string SocketPath { get; }

    /// <summary>Creates the base (the guest image, then zeros up to <paramref name="diskBytes"/>), the chain over it, and serves the live device.</summary>
    public static async Task<GuestChain> CreateAsync(string guest, long diskBytes, CancellationToken cancellationToken)
    {
        var directory = new TempDirectory("broker-boot-");
        LayerStore? store = null;
        try
        {
            var storage = FileStorage.Instance;
            var basePath = directory.File("base.vhdx");
            await using (var baseFile = await VhdxFile.CreateAsync(storage, basePath, VhdxCreateOptions.Dynamic(diskBytes, blockSize: 1024 * 1024), cancellationToken))
            {
                await baseFile.WriteAsync(0, await File.ReadAllBytesAsync(TestGuests.ImagePath(guest), cancellationToken), cancellationToken);
                await baseFile.FlushAsync(cancellationToken);
            }

            store = await LayerStore.CreateAsync(storage, directory.File("desktop"), basePath, new string('0', 64), null, cancellationToken);
            var server = new NbdServer();
            server.AddExport(LiveExport, await store.OpenLiveDeviceAsync(cancellationToken));
            var socketPath = directory.File("nbd.sock");
            server.Start(new UnixDomainSocketEndPoint(socketPath));
            return new GuestChain(directory, store, server, socketPath);
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync();
            }

            directory.Dispose();
            throw;
        }
    }

    /// <summary>Boots the live chain until the guest powers off; returns its serial output, trimmed.</summary>
    public Task<string> BootToPowerOffAsync(CancellationToken cancellationToken) =>
        BootToPowerOffAsync(LiveExport, static _ => Task.CompletedTask, cancellationToken);

    /// <summary>
    /// Boots <paramref name="export"/> until the guest powers off, running <paramref name="whileRunning"/>
    /// (given QEMU's exit) alongside; returns the serial output, trimmed.
    /// </summary>
    public async Task<string> BootToPowerOffAsync(string export, Func<Task, Task> whileRunning, CancellationToken cancellationToken)
    {
        var boot = Interlocked.Increment(ref _boots);
        var spec = new VmSpec
        {
            Name = $"chain-guest-{boot}",
            MemoryMiB = 32,
            Disk = new NbdDisk(SocketPath, export),
            SerialLogPath = _directory.File($"serial-{boot}.log"),
            QmpSocketPath = _directory.File("qmp.sock"),
            PidFilePath = _directory.File("qemu.pid"),
        };
        var options = new QemuOptions { PowerdownTimeout = TimeSpan.FromSeconds(1), QuitTimeout = TimeSpan.FromSeconds(10) };
        await using var vm = await QemuVm.StartAsync(spec, options, TimeProvider.System, cancellationToken);
        await whileRunning(vm.Exited);
        var exitCode = await vm.Exited.WaitAsync(BootTimeout, cancellationToken);
        var serial = SerialLog.Read(spec.SerialLogPath);
        exitCode.ShouldBe(0, $"QEMU output:\n{vm.Output}\nserial:\n{serial}");
        return serial.Trim();
    }

    /// <summary>
    /// Boots snapshot <paramref name="layerId"/> (<see cref="LayerStore.BootSnapshotAsync"/>) served
    /// as a second export of the same server; its throwaway top is gone afterwards.
    /// </summary>
    public async Task<string> BootSnapshotToPowerOffAsync(long layerId, CancellationToken cancellationToken)
    {
        var export = $"snapshot-{layerId}-{_boots}";
        await using var device = await Store.BootSnapshotAsync(layerId, cancellationToken);
        Server.AddExport(export, device);
        try
        {
            return await BootToPowerOffAsync(export, static _ => Task.CompletedTask, cancellationToken);
        }
        finally
        {
            _ = Server.RemoveExport(export);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        _directory.Dispose();
    }
}
