using System.Net.Sockets;
using Broker.Disks.Layers;
using Broker.Nbd;
using Broker.Qemu;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// An open local copy: its layer store, our NBD server exporting the store's live device on a unix
/// socket for as long as the copy is open, and the QEMU VM over that export while it runs. Seals and
/// merges always go through the export (<see cref="LayerStoreNbdExtensions.SealServedAsync"/>,
/// <see cref="LayerStoreNbdExtensions.MergeServedAsync"/>), so they are safe whether the VM runs or not.
/// </summary>
internal sealed class DesktopRuntime : IAsyncDisposable
{
    private const string Export = "live";

    private readonly NbdServer _nbd;
    private readonly DesktopPaths _paths;
    private QemuVm? _vm;

    // The length of the top file while it held nothing (see TopWritten); null while unknown.
    private long? _emptyTopLength;

    private DesktopRuntime(LayerStore store, NbdServer nbd, DesktopPaths paths)
    {
        Store = store;
        _nbd = nbd;
        _paths = paths;
    }

    /// <summary>The layer store; the runtime owns it.</summary>
    public LayerStore Store { get; }

    /// <summary>True while QEMU runs (paused or not).</summary>
    public bool Running => _vm is { } vm && !vm.Exited.IsCompleted;

    /// <summary>True while the running VM's CPUs are stopped by <see cref="PauseAsync"/>; its memory and disk stay as they were.</summary>
    public bool Paused { get; private set; }

    /// <summary>Serves <paramref name="store"/> (taking ownership of it) from <paramref name="paths"/>.</summary>
    public static async Task<DesktopRuntime> ServeAsync(LayerStore store, DesktopPaths paths, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Run);
        File.Delete(paths.NbdSocket);
        var nbd = new NbdServer();
        try
        {
            // Only a top no device holds yet can be read to see whether it is empty.
            var emptyTopLength = store.LiveDevice is null && await store.PresentBytesAsync(store.Manifest.Top, cancellationToken).ConfigureAwait(false) == 0
                ? TopLengthOf(store)
                : (long?)null;
            nbd.AddExport(Export, store.LiveDevice ?? await store.OpenLiveDeviceAsync(cancellationToken).ConfigureAwait(false));
            nbd.Start(new UnixDomainSocketEndPoint(paths.NbdSocket));
            return new DesktopRuntime(store, nbd, paths) { _emptyTopLength = emptyTopLength };
        }
        catch
        {
            await nbd.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the VM over the export; resumes it when paused; a no-op while it runs.</summary>
    public async Task StartAsync(string name, ClientAgentOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Running)
        {
            if (Paused)
            {
                await _vm!.Qmp.ContinueAsync(cancellationToken).ConfigureAwait(false);
                Paused = false;
            }

            return;
        }

        Paused = false;

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

    /// <summary>Stops the running VM's CPUs (QMP <c>stop</c>): nothing runs or writes until <see cref="StartAsync"/> resumes it.</summary>
    public async Task PauseAsync(CancellationToken cancellationToken)
    {
        if (Running && !Paused)
        {
            await _vm!.Qmp.StopAsync(cancellationToken).ConfigureAwait(false);
            Paused = true;
        }
    }

    /// <summary>Waits until the VM powers off by itself (the guest shut down).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _vm?.Exited.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops the VM: ACPI power-down, forced after the stop timeout. A paused VM is resumed for it, so the guest shuts down cleanly.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_vm is { } vm)
        {
            if (Paused && Running)
            {
                await vm.Qmp.ContinueAsync(cancellationToken).ConfigureAwait(false);
            }

            _ = await vm.ShutdownAsync(cancellationToken).ConfigureAwait(false);
            await vm.DisposeAsync().ConfigureAwait(false);
            _vm = null;
            Paused = false;
        }
    }

    /// <summary>Seals the top under the export; the VM keeps running.</summary>
    public async Task<LayerRecord> SealAsync(CancellationToken cancellationToken)
    {
        var sealedLayer = await Store.SealServedAsync(_nbd, Export, cancellationToken).ConfigureAwait(false);
        var length = TopLengthOf(Store);
        _emptyTopLength = Math.Min(_emptyTopLength ?? length, length);
        return sealedLayer;
    }

    /// <summary>
    /// Whether anything was written to the top since it was made: the served top is locked by its
    /// device, so this compares its length with the length of an empty top of this chain (every
    /// write the guest made to a new block grows the file at once: payload goes to the file before
    /// its BAT entry), and asks the live device whether its top holds anything: either saying so
    /// counts, since a write taken for none is lost from the sync while an empty seal only costs a
    /// layer. While that length is unknown (the copy was open when served) the device alone answers.
    /// </summary>
    public async Task<bool> TopWrittenAsync(CancellationToken cancellationToken) =>
        (await CheckTopAsync(cancellationToken).ConfigureAwait(false)).Written;

    /// <summary>The measurements behind <see cref="TopWrittenAsync"/>, both always taken (they are kept in the status when nothing was written).</summary>
    public async Task<TopWriteCheck> CheckTopAsync(CancellationToken cancellationToken) =>
        new(TopLengthOf(Store), _emptyTopLength, Store.LiveDevice is { } live ? await live.TopHoldsDataAsync(cancellationToken).ConfigureAwait(false) : null);

    private static long TopLengthOf(LayerStore store) => new FileInfo(store.PathOf(store.Manifest.Top)).Length;

    /// <summary>Merges sealed layers <paramref name="lowerId"/> to <paramref name="upperId"/> under the export; the VM keeps running.</summary>
    public Task<LayerRecord> MergeAsync(long lowerId, long upperId, CancellationToken cancellationToken) =>
        Store.MergeServedAsync(_nbd, Export, lowerId, upperId, cancellationToken);

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
