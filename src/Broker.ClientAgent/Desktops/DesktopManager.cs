using System.Collections.Concurrent;
using Broker.ClientAgent.Brokers;
using Broker.ClientAgent.Hosts;
using Broker.ClientAgent.Leases;
using Broker.ClientAgent.State;
using Broker.Contracts.Tls;
using Broker.Contracts.V1;
using Broker.Disks.Images;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// The client agent's desktops: check-out (pull), local runs, background sync, check-in, driven by
/// the broker's commands on the device session. Durable facts live in the
/// <see cref="AgentStateStore"/>; everything in memory (<see cref="DesktopLive"/>) is rebuilt from
/// them after a restart, an interrupted pull resumes from its durable progress, and the reports the
/// broker still needs are derived from them again at every connection.
/// </summary>
internal sealed partial class DesktopManager : IAsyncDisposable
{
    private readonly AgentStateStore _state;
    private readonly BaseImageStore _bases;
    private readonly IBrokerLink _broker;
    private readonly ReportOutbox _outbox;
    private readonly HostChannels _hosts;
    private readonly LeaseGuard _lease;
    private readonly SyncSchedule _syncs;
    private readonly ClientAgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DesktopLive> _live = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<DeviceEnrollment> _enrolled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DesktopManager(AgentStateStore state, BaseImageStore bases, IBrokerLink broker, ReportOutbox outbox, ClientAgentOptions options, TimeProvider time)
    {
        _state = state;
        _bases = bases;
        _broker = broker;
        _outbox = outbox;
        _options = options;
        _time = time;
        _hosts = new HostChannels(options);
        _lease = new LeaseGuard(state, time, options);
        _syncs = new SyncSchedule(time);
        if (state.Current.Enrollment is { } enrollment)
        {
            _ = _enrolled.TrySetResult(enrollment);
        }
    }

    private string WorkDirectory => Path.Combine(_options.DataDirectory, "work");

    /// <summary>Opens the data directory and resumes the pulls and revokes a previous run left unfinished.</summary>
    public static async Task<DesktopManager> OpenAsync(IBrokerLink broker, ReportOutbox outbox, ClientAgentOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var state = await AgentStateStore.OpenAsync(FileStorage.Instance, options.DataDirectory, cancellationToken).ConfigureAwait(false);
        BaseImageStore bases;
        try
        {
            bases = await BaseImageStore.OpenAsync(FileStorage.Instance, Path.Combine(options.DataDirectory, "bases"), null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await state.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var manager = new DesktopManager(state, bases, broker, outbox, options, time);
        foreach (var desktop in state.Current.Desktops.Where(desktop => desktop.Phase == DesktopPhase.Pulling))
        {
            manager.BeginPull(desktop);
        }

        foreach (var desktop in state.Current.Desktops.Where(desktop => desktop.Phase is DesktopPhase.Revoking or DesktopPhase.Quarantining))
        {
            manager.BeginRevocation(desktop.DesktopId);
        }

        return manager;
    }

    /// <summary>Enrolls this device by the user's login and keeps the enrollment (with <paramref name="pin"/>, the broker certificate it trusts).</summary>
    public async Task<DeviceEnrollment> LoginAsync(string server, CertificatePin? pin, string userName, string password, string deviceName, CancellationToken cancellationToken)
    {
        var enrollment = await _broker.EnrollAsync(server, pin, userName, password, deviceName, cancellationToken).ConfigureAwait(false);
        _ = await _state.UpdateAsync(state => state with { Enrollment = enrollment }, cancellationToken).ConfigureAwait(false);
        await _lease.TrustClockAsync(cancellationToken).ConfigureAwait(false);
        _ = _enrolled.TrySetResult(enrollment);
        return enrollment;
    }

    /// <summary>This device's enrollment, once there is one.</summary>
    public async Task<DeviceEnrollment> WaitForEnrollmentAsync(CancellationToken cancellationToken)
    {
        _ = await _enrolled.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Enrollment();
    }

    /// <summary>Every desktop held.</summary>
    public async Task<IReadOnlyList<DesktopStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var statuses = new List<DesktopStatus>();
        foreach (var desktop in _state.Current.Desktops.OrderBy(desktop => desktop.Name, StringComparer.Ordinal))
        {
            statuses.Add(await StatusOfAsync(desktop, cancellationToken).ConfigureAwait(false));
        }

        return statuses;
    }

    /// <summary>The local copies for the device heartbeat: every desktop with data here that the broker should account for.</summary>
    public IReadOnlyList<LocalCopy> LocalCopies() =>
        [.. _state.Current.Desktops.Where(desktop => desktop.HoldsCopy).Select(desktop => new LocalCopy { DesktopId = desktop.DesktopId, Epoch = desktop.Epoch })];

    /// <summary>The status of <paramref name="desktop"/> (name or id).</summary>
    /// <exception cref="KeyNotFoundException">This device holds no such desktop.</exception>
    public Task<DesktopStatus> StatusAsync(string desktop, CancellationToken cancellationToken) =>
        StatusOfAsync(Find(desktop), cancellationToken);

    /// <summary>Whether this device holds desktop <paramref name="desktopId"/> (in any phase).</summary>
    public bool Holds(string desktopId) => _state.Current.ById(desktopId) is not null;

    /// <summary>The sealed layers of the local chain and whether the host holds each.</summary>
    public IReadOnlyList<(Disks.Layers.LayerRecord Layer, bool Acknowledged)> Snapshots(string desktop)
    {
        var record = Find(desktop);
        var store = LiveOf(record.DesktopId).Runtime?.Store;
        return store is null ? [] : [.. store.Manifest.CurrentChain().Select(layer => (layer, record.HostLayers.Contains(layer.Id)))];
    }

    /// <summary>Where <paramref name="desktop"/>'s files live.</summary>
    public DesktopPaths PathsOf(string desktop) => DesktopPaths.Of(_options.DataDirectory, Find(desktop).DesktopId);

    public async ValueTask DisposeAsync()
    {
        foreach (var live in _live.Values)
        {
            await live.DisposeAsync().ConfigureAwait(false);
        }

        _hosts.Dispose();
        await _bases.DisposeAsync().ConfigureAwait(false);
        await _state.DisposeAsync().ConfigureAwait(false);
    }

    private LocalDesktopRecord Find(string desktop) =>
        _state.Current.Find(desktop) ?? throw new KeyNotFoundException($"This device holds no desktop '{desktop}'.");

    private DesktopLive LiveOf(string desktopId) => _live.GetOrAdd(desktopId, static _ => new DesktopLive());

    private DeviceEnrollment Enrollment() =>
        _state.Current.Enrollment ?? throw new ClientRefusedException(ClientRefusal.NotEnrolled, "This device is not enrolled: run 'brokerctl login --server URL --user NAME'.");

    /// <summary>Where the local branches a resync found diverged from the host's chain are kept, or null when there are none.</summary>
    private string? DivergedNote(LocalDesktopRecord desktop) =>
        KeptBranches(desktop) is { Count: > 0 } branches
            ? $"{branches.Count} local branch(es) diverged from the server's chain; kept unchanged at {string.Join(", ", branches)} ('brokerctl desktop diverged {desktop.Name}')."
            : null;

    private async Task<DesktopStatus> StatusOfAsync(LocalDesktopRecord desktop, CancellationToken cancellationToken)
    {
        var live = LiveOf(desktop.DesktopId);
        var pending = live.Runtime is { } runtime ? PendingOf(desktop, runtime) : 0;
        var ready = desktop.Phase == DesktopPhase.Ready;
        var lease = ready ? await _lease.JudgeAsync(desktop, cancellationToken).ConfigureAwait(false) : LeaseVerdict.Valid;
        var message = live.Message ?? desktop.Revocation?.Note() ?? (lease == LeaseVerdict.ExpiringSoon ? $"The offline lease ends at {desktop.LeaseExpiresAt:u}; connect to the broker to renew it." : null) ?? DivergedNote(desktop);
        var sync = ready ? new SyncOutlook(NextSyncAt(desktop), IsSyncDeferred(desktop)) : null;
        return new DesktopStatus(desktop, live.Runtime?.Running == true, live.Activity, live.Transfer, pending, lease, message, sync, live.Runtime?.Paused == true);
    }
}
