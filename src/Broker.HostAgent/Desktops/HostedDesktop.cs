using Broker.Disks.Layers;
using Broker.Disks.State;
using Broker.Qemu;
using Broker.Transfer.Host;
using Broker.Vhdx.Storage;

namespace Broker.HostAgent.Desktops;

/// <summary>
/// One desktop on this host: its chain (<see cref="LayerStore"/>), its quarantine
/// (<see cref="LayerQuarantine"/>), its durable record, and its VM while it runs. Every change runs
/// under <see cref="Gate"/>, one at a time.
/// </summary>
internal sealed class HostedDesktop : IAsyncDisposable
{
    private readonly TwinCopyJsonStore<DesktopRecord> _state;
    private readonly TimeProvider _time;
    private DesktopVm? _vm;

    private HostedDesktop(DesktopPaths paths, LayerStore layers, LayerQuarantine quarantine, TwinCopyJsonStore<DesktopRecord> state, DesktopRecord record, TimeProvider time)
    {
        Paths = paths;
        Layers = layers;
        Quarantine = quarantine;
        _state = state;
        Record = record;
        _time = time;
    }

    public DesktopPaths Paths { get; }

    /// <summary>The chain; a reset replaces it.</summary>
    public LayerStore Layers { get; private set; }

    /// <summary>Layers a revoked device pushed late, kept beside the chain.</summary>
    public LayerQuarantine Quarantine { get; }

    /// <summary>The last committed record.</summary>
    public DesktopRecord Record { get; private set; }

    /// <summary>Serialises the desktop's changes (commands, seals, pushes' bookkeeping).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool Running => _vm?.Running == true;

    /// <summary>The desktop as the transfer service sees it.</summary>
    public TransferDesktop ForTransfer => new(
        Record.DesktopId,
        Layers,
        Record.Epoch,
        Record.DeviceId,
        Record is { RevokedEpoch: { } revokedEpoch, RevokedDeviceId: { } revokedDevice } ? new RevokedCheckOut(revokedEpoch, revokedDevice, Quarantine) : null);

    /// <summary>Builds the chain over <paramref name="basePath"/>, then commits the record: a crash in between leaves no record, and the next provision starts over.</summary>
    public static async Task<HostedDesktop> CreateAsync(DesktopPaths paths, DesktopRecord record, string basePath, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Directory.Exists(paths.Directory))
        {
            Directory.Delete(paths.Directory, recursive: true); // an unfinished earlier provision
        }

        Directory.CreateDirectory(paths.Directory);
        var layers = await LayerStore.CreateAsync(FileStorage.Instance, paths.Layers(record.LayerDirectory), basePath, record.BaseAddress, time, cancellationToken).ConfigureAwait(false);
        var quarantine = await LayerQuarantine.OpenAsync(FileStorage.Instance, paths.Quarantine, time, cancellationToken).ConfigureAwait(false);
        var state = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, paths.State, DesktopRecordJsonContext.Default.DesktopRecord, cancellationToken).ConfigureAwait(false);
        await state.CommitAsync(record, cancellationToken).ConfigureAwait(false);
        return new HostedDesktop(paths, layers, quarantine, state, record, time);
    }

    /// <summary>
    /// Opens a desktop found on disk (the chain recovers itself); null when its provision never
    /// committed. A chain directory the record does not name is what a reset left (the new chain
    /// before its switch, or the old one after it) and is removed.
    /// </summary>
    public static async Task<HostedDesktop?> OpenAsync(DesktopPaths paths, TimeProvider time, CancellationToken cancellationToken)
    {
        var state = await TwinCopyStore.OpenJsonAsync(FileStorage.Instance, paths.State, DesktopRecordJsonContext.Default.DesktopRecord, cancellationToken).ConfigureAwait(false);
        if (state.Read() is not { } record)
        {
            await state.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        LayerStore? layers = null;
        try
        {
            RemoveUnnamedChains(paths, record.LayerDirectory);
            layers = await LayerStore.OpenAsync(FileStorage.Instance, paths.Layers(record.LayerDirectory), time, cancellationToken).ConfigureAwait(false);
            var quarantine = await LayerQuarantine.OpenAsync(FileStorage.Instance, paths.Quarantine, time, cancellationToken).ConfigureAwait(false);
            return new HostedDesktop(paths, layers, quarantine, state, record, time);
        }
        catch
        {
            if (layers is not null)
            {
                await layers.DisposeAsync().ConfigureAwait(false);
            }

            await state.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Commits <paramref name="change"/> of the record.</summary>
    public async Task UpdateAsync(Func<DesktopRecord, DesktopRecord> change, CancellationToken cancellationToken) =>
        Record = await _state.UpdateAsync(current => change(current ?? Record), cancellationToken).ConfigureAwait(false);

    /// <summary>Boots the chain; a no-op while it runs.</summary>
    public async Task StartAsync(QemuOptions options, int memoryMiB, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Running)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false); // the previous run's export, if its guest powered off by itself
        var device = await Layers.OpenLiveDeviceAsync(cancellationToken).ConfigureAwait(false);
        _vm = await DesktopVm.StartAsync("desktop-" + Record.DesktopId, device, Paths, options, memoryMiB, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Shuts the VM down gracefully (ACPI, timeout, quit, kill) and stops its export; a no-op when none runs.</summary>
    public async Task StopAsync()
    {
        if (_vm is { } vm)
        {
            _vm = null;
            await vm.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Seals the top, under the running export when the VM runs.</summary>
    public Task<LayerRecord> SealAsync(CancellationToken cancellationToken) =>
        Running && _vm is { } vm
            ? Layers.SealServedAsync(vm.Server, DesktopVm.Export, cancellationToken)
            : Layers.SealAsync(cancellationToken);

    /// <summary>Merges sealed layers <paramref name="lowerId"/> to <paramref name="upperId"/>, under the running export when the VM runs.</summary>
    public Task<LayerRecord> MergeAsync(long lowerId, long upperId, CancellationToken cancellationToken) =>
        Running && _vm is { } vm
            ? Layers.MergeServedAsync(vm.Server, DesktopVm.Export, lowerId, upperId, cancellationToken)
            : Layers.MergeAsync(lowerId, upperId, cancellationToken);

    /// <summary>Whether anything was written to the top since it was created (the last seal); false when the VM does not run.</summary>
    public async Task<bool> TopHoldsDataAsync(CancellationToken cancellationToken) =>
        Running && Layers.LiveDevice is { } live && await live.TopHoldsDataAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Replaces the chain with a new empty top over <paramref name="basePath"/> (the VM must be
    /// stopped). The new chain is built beside the old one and durable before the record names it;
    /// that commit is the switch, after which the old chain's files go. A crash leaves the old chain
    /// or the new one, never neither (<see cref="OpenAsync"/> removes the other).
    /// </summary>
    public async Task ReplaceChainAsync(string basePath, string baseAddress, string resetId, CancellationToken cancellationToken)
    {
        var name = $"{DesktopPaths.DefaultLayerDirectory}-{Guid.NewGuid():N}";
        var fresh = await LayerStore.CreateAsync(FileStorage.Instance, Paths.Layers(name), basePath, baseAddress, _time, cancellationToken).ConfigureAwait(false);
        try
        {
            await UpdateAsync(record => record with { BaseAddress = baseAddress, LayerDirectory = name, LastReset = resetId }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await fresh.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var old = Layers;
        Layers = fresh;
        await old.DisposeAsync().ConfigureAwait(false);
        RemoveUnnamedChains(Paths, name);
    }

    private static void RemoveUnnamedChains(DesktopPaths paths, string named)
    {
        foreach (var directory in Directory.EnumerateDirectories(paths.Directory, DesktopPaths.DefaultLayerDirectory + "*"))
        {
            if (Path.GetFileName(directory) != named)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await Layers.DisposeAsync().ConfigureAwait(false);
        await Quarantine.DisposeAsync().ConfigureAwait(false);
        await _state.DisposeAsync().ConfigureAwait(false);
        Gate.Dispose();
    }
}
