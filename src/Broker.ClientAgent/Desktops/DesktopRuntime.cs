using System.Net.Sockets;
using Broker.Disks.Layers;
using Broker.Nbd;
using Broker.Qemu;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// An open local copy: its layer store, our NBD server exporting the store's live device on a unix
/// socket for as long as the copy is open, and the QEMU VM over that export while it runs. Seals
/// always go through the export (<see cref="LayerStoreNbdExtensions.SealServedAsync"/>), so they are
/// safe whether the VM runs or not.
/// </summary>
internal sealed class DesktopRuntime : IAsyncDisposable
{
    private const string Export = "live";

    private readonly NbdServer _nbd;
    private readonly DesktopPaths _paths;
    private QemuVm? _vm;

    private DesktopRuntime(LayerStore store, NbdServer nbd, DesktopPaths paths)
    {
        Store = store;
        _nbd = nbd;
        _paths = paths;
    }

    /// <summary>The layer store; the runtime owns it.</summary>
    public LayerStore Store { get; }

    /// <summary>True while QEMU runs.</summary>
    public bool Running => _vm is { } vm && !vm.Exited.IsCompleted;

    /// <summary>Serves <paramref name="store"/> (taking ownership of it) from <paramref name="paths"/>.</summary>
    public static async Task<DesktopRuntime> ServeAsync(LayerStore store, DesktopPaths paths, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Run);
        File.Delete(paths.NbdSocket);
        var nbd = new NbdServer();
        try
        {
            nbd.AddExport(Export, store.LiveDevice ?? await store.OpenLiveDeviceAsync(cancellationToken).ConfigureAwait(false));
            nbd.Start(new UnixDomainSocketEndPoint(paths.NbdSocket));
            return new DesktopRuntime(store, nbd, paths);
        }
        catch
        {
            await nbd.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the VM over the export; a no-op while it runs.</summary>
    public async Task StartAsync(string name, ClientAgentOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Running)
        {
            return;
        }

        if (_vm is { } exited)
        {
            await exited.DisposeAsync().ConfigureAwait(false);
        }

        var spec = new VmSpec
        {
            Name = name,
            MemoryMiB = options.MemoryMiB,
            Disk = new NbdDisk(_paths.NbdSocket, Export),
            SerialLogPath = _paths.SerialLog,
            QmpSocketPath = _paths.QmpSocket,
            PidFilePath = _paths.PidFile,
            Display = options.Display,
            VncSocketPath = options.Display is null ? _paths.VncSocket : null,
        };
        _vm = await QemuVm.StartAsync(spec, new QemuOptions { PowerdownTimeout = options.StopTimeout }, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the VM powers off by itself (the guest shut down).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _vm?.Exited.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops the VM: ACPI power-down, forced after the stop timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_vm is { } vm)
        {
            _ = await vm.ShutdownAsync(cancellationToken).ConfigureAwait(false);
            await vm.DisposeAsync().ConfigureAwait(false);
            _vm = null;
        }
    }

    /// <summary>Seals the top under the export; the VM keeps running.</summary>
    public Task<LayerRecord> SealAsync(CancellationToken cancellationToken) => Store.SealServedAsync(_nbd, Export, cancellationToken);

    /// <summary>Stops the VM (forced), the NBD server and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_vm is { } vm)
        {
            await vm.DisposeAsync().ConfigureAwait(false);
        }

        await _nbd.DisposeAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
    }
}
