using System.Collections.Concurrent;
using System.Threading.Channels;
using Broker.Contracts.V1;
using Broker.HostAgent.Broker;
using Broker.HostAgent.Images;
using Broker.Qemu;
using Broker.Transfer;
using Broker.Transfer.Host;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.HostAgent.Desktops;

/// <summary>
/// The host's desktops: adopts what it finds at start, applies the broker's commands idempotently
/// (a repeat or an older epoch changes nothing), says what it observes, queues the reports the
/// broker must hear, and is the <see cref="IDesktopRegistry"/> the transfer service reads.
/// </summary>
internal sealed partial class DesktopManager(
    HostAgentPaths paths,
    IOptions<HostAgentOptions> options,
    TimeProvider time,
    ILogger<DesktopManager> logger) : IDesktopRegistry, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HostedDesktop> _desktops = new(StringComparer.Ordinal);
    private readonly Channel<DesktopReport> _reports = Channel.CreateUnbounded<DesktopReport>();
    private readonly DiskSpaceGuard _space = new(paths.DataDirectory, options.Value.MinFreeBytes);
    private ImageCatalog? _images;

    /// <summary>Reports for the broker, in order; the connection sends them and re-queues those not acked.</summary>
    public Channel<DesktopReport> Reports => _reports;

    public ImageCatalog Images => _images ?? throw new InvalidOperationException("The desktop manager has not started.");

    /// <summary>Why new work is refused (disk nearly full), or null.</summary>
    public string? Unhealthy => _space.Refusal();

    public long FreeBytes => _space.FreeBytes;

    public int RunningVms => _desktops.Values.Count(desktop => desktop.Running);

    /// <summary>
    /// Opens the image catalog and every desktop on disk; each chain recovers itself on open, and the
    /// base references are settled to the desktops and image names found. A QEMU of an earlier agent
    /// process died with it (QEMU runs with a parent-death signal), and a start kills any survivor
    /// named by the desktop's pid file before booting. Reports a kill may have lost are queued again.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _images = await ImageCatalog.OpenAsync(paths, cancellationToken).ConfigureAwait(false);
        if (Directory.Exists(paths.Desktops))
        {
            foreach (var directory in Directory.EnumerateDirectories(paths.Desktops))
            {
                if (await HostedDesktop.OpenAsync(new DesktopPaths(directory), time, cancellationToken).ConfigureAwait(false) is { } desktop)
                {
                    _desktops[desktop.Record.DesktopId] = desktop;
                    LogAdopted(logger, desktop.Record.DesktopId, desktop.Record.Epoch);
                    ReportUnheardQuarantine(desktop);
                    ReportUnheardResume(desktop);
                }
            }
        }

        var moved = await _images.SettleReferencesAsync(_desktops.Values.Select(desktop => desktop.Record.BaseAddress), cancellationToken).ConfigureAwait(false);
        if (moved > 0)
        {
            LogReferencesSettled(logger, moved);
        }
    }

    /// <summary>The ids of every desktop held here.</summary>
    public IEnumerable<string> DesktopIds => _desktops.Keys;

    /// <inheritdoc />
    public TransferDesktop? Find(string desktopId) => _desktops.GetValueOrDefault(desktopId)?.ForTransfer;

    /// <inheritdoc />
    /// <remarks>Any base of the host's base store: another host copies gold images from here.</remarks>
    public string? FindBase(string contentAddress) => _images?.Bases.Find(contentAddress)?.Path;

    /// <inheritdoc />
    /// <remarks>Holds the desktop's command gate: every change of epoch, device or revoke is a command.</remarks>
    public async Task WithSettledAuthorityAsync(string desktopId, Func<TransferDesktop?, Task> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!_desktops.TryGetValue(desktopId, out var desktop))
        {
            await action(null).ConfigureAwait(false);
            return;
        }

        try
        {
            await desktop.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Deleted meanwhile.
            await action(null).ConfigureAwait(false);
            return;
        }

        try
        {
            await action(_desktops.ContainsKey(desktopId) ? desktop.ForTransfer : null).ConfigureAwait(false);
        }
        finally
        {
            _ = desktop.Gate.Release();
        }
    }

    /// <summary>What the heartbeat tells the broker about every desktop held here.</summary>
    public IEnumerable<ObservedDesktop> Observe() => _desktops.Values.Select(desktop => new ObservedDesktop
    {
        DesktopId = desktop.Record.DesktopId,
        Epoch = desktop.Record.Epoch,
        Locked = desktop.Record.Locked,
        Running = desktop.Running,
        ServingDevice = desktop.Record is { Locked: true, DeviceId: { } device } ? device : string.Empty,
    });

    /// <summary>Applies one broker command. Never throws for a command it cannot carry out: the outcome says why.</summary>
    public async Task<CommandOutcome> ApplyAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Kind == AgentCommandKind.ProvisionDesktop)
        {
            return await ProvisionAsync(command, cancellationToken).ConfigureAwait(false);
        }

        if (!_desktops.TryGetValue(command.DesktopId, out var desktop))
        {
            return CommandOutcome.Refused($"Desktop {command.DesktopId} is not on this host.");
        }

        await desktop.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (command.Epoch < desktop.Record.Epoch)
            {
                return CommandOutcome.NoOp($"Epoch {command.Epoch} is older than the desktop's {desktop.Record.Epoch}.");
            }

            var outcome = await ApplyAsync(desktop, command, cancellationToken).ConfigureAwait(false);
            LogApplied(logger, command.Kind, command.DesktopId, command.Epoch, outcome.Succeeded, outcome.Detail);
            return outcome;
        }
#pragma warning disable CA1031 // A failed command is reported to the broker, which retries; it must not end the connection.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogCommandFailed(logger, exception, command.Kind, command.DesktopId);
            return CommandOutcome.Refused(exception.Message);
        }
        finally
        {
            _ = desktop.Gate.Release();
        }
    }

    /// <summary>
    /// A device's push joined the chain, or named a layer the chain holds as a check-in's final one:
    /// a new layer is reported as acknowledged, a final one (new or held) as the check-in's final
    /// layer. A revoked device's late push kept in quarantine is reported as quarantined, and only so.
    /// </summary>
    public void OnPushCommitted(string desktopId, PushResult result)
    {
        if (!_desktops.TryGetValue(desktopId, out var desktop) || !LayerIds.TryParse(result.LayerId, out var layer))
        {
            return;
        }

        if (result.Quarantined)
        {
            if (!result.AlreadyPresent)
            {
                ReportQuarantined(desktop, layer);
            }

            return;
        }

        if (!result.AlreadyPresent)
        {
            Report(desktop, result.Epoch, DesktopReportKind.SyncAcknowledged, layer);
        }

        if (result.Final)
        {
            Report(desktop, result.Epoch, DesktopReportKind.FinalLayerUploaded, layer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var desktop in _desktops.Values)
        {
            await desktop.DisposeAsync().ConfigureAwait(false);
        }

        if (_images is not null)
        {
            await _images.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<CommandOutcome> ApplyAsync(HostedDesktop desktop, AgentCommand command, CancellationToken cancellationToken)
    {
        switch (command.Kind)
        {
            case AgentCommandKind.StartDesktop:
                if (desktop.Record.Locked)
                {
                    return CommandOutcome.Refused($"Desktop {desktop.Record.DesktopId} is checked out; its server copy is locked.");
                }

                if (_space.Refusal() is { } full)
                {
                    return CommandOutcome.Refused(full);
                }

                await KeepScheduleAsync(desktop, command, cancellationToken).ConfigureAwait(false);
                await desktop.StartAsync(QemuOptions(), options.Value.VmMemoryMiB, time, cancellationToken).ConfigureAwait(false);
                return CommandOutcome.Done;

            case AgentCommandKind.StopDesktop:
                await desktop.StopAsync().ConfigureAwait(false);
                return CommandOutcome.Done;

            case AgentCommandKind.StopAndSeal:
                return await PrepareCheckOutAsync(desktop, command.Epoch, cancellationToken).ConfigureAwait(false);

            case AgentCommandKind.LockServerCopy:
                // Locked before stopping: from here on a start is refused, whatever happens next.
                await desktop.UpdateAsync(record => record with { Locked = true, Epoch = command.Epoch }, cancellationToken).ConfigureAwait(false);
                await desktop.StopAsync().ConfigureAwait(false);
                return CommandOutcome.Done;

            case AgentCommandKind.ServeTransfer:
            case AgentCommandKind.AcceptDevicePushes:
                await desktop.UpdateAsync(record => record with { Locked = true, Epoch = command.Epoch, DeviceId = command.DeviceId }, cancellationToken).ConfigureAwait(false);
                return CommandOutcome.Done;

            case AgentCommandKind.CommitCheckIn:
                if (!WireLayerIds.TryFromWire(command.LayerId, out var final) || desktop.Layers.Manifest.Find(final) is null)
                {
                    return CommandOutcome.Refused($"The chain holds no layer {command.LayerId}.");
                }

                HostCrashPoints.CheckInCommitted.Hit();
                Report(desktop, command.Epoch, DesktopReportKind.CheckInCommitted, null);
                return CommandOutcome.Done;

            case AgentCommandKind.QuarantineLatePushes:
                return await QuarantineLatePushesAsync(desktop, command, cancellationToken).ConfigureAwait(false);

            case AgentCommandKind.PromoteQuarantinedLayer:
                return await PromoteAsync(desktop, command, cancellationToken).ConfigureAwait(false);

            case AgentCommandKind.UnlockAndResume:
                return await UnlockAsync(desktop, command.Epoch, cancellationToken).ConfigureAwait(false);

            case AgentCommandKind.RollBackToSnapshot:
                if (!WireLayerIds.TryFromWire(command.LayerId, out var snapshot))
                {
                    return CommandOutcome.Refused($"'{command.LayerId}' is not a layer of this host.");
                }

                // Each restore has its own epoch, recorded once the restore is done: a repeat (the
                // broker re-sends until it hears ROLLBACK_COMPLETED) only reports completion again.
                if (desktop.Record.Epoch == command.Epoch)
                {
                    Report(desktop, command.Epoch, DesktopReportKind.RollbackCompleted, null);
                    return CommandOutcome.NoOp("Already restored at this epoch.");
                }

                await desktop.StopAsync().ConfigureAwait(false);
                _ = await desktop.Layers.RestoreAsync(snapshot, cancellationToken).ConfigureAwait(false);
                await desktop.UpdateAsync(record => record with { Epoch = command.Epoch }, cancellationToken).ConfigureAwait(false);
                Report(desktop, command.Epoch, DesktopReportKind.RollbackCompleted, null);
                return CommandOutcome.Done;

            case AgentCommandKind.ResetToImage:
                return await ResetAsync(desktop, command, cancellationToken).ConfigureAwait(false);

            case AgentCommandKind.DeleteDesktop:
                return await DeleteAsync(desktop, cancellationToken).ConfigureAwait(false);

            default:
                return CommandOutcome.Refused($"The host agent does not carry out {command.Kind}.");
        }
    }

    private async Task<CommandOutcome> ProvisionAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        if (_desktops.TryGetValue(command.DesktopId, out var existing))
        {
            Report(existing, existing.Record.Epoch, DesktopReportKind.ProvisioningCompleted, null);
            return CommandOutcome.NoOp("Already provisioned.");
        }

        if (!Guid.TryParse(command.DesktopId, out var id) || id.ToString() != command.DesktopId)
        {
            return CommandOutcome.Refused($"'{command.DesktopId}' is not a desktop id.");
        }

        if (_space.Refusal() is { } full)
        {
            return CommandOutcome.Refused(full);
        }

        if (Images.Resolve(command.ImageId, command.ContentAddress) is not { } image)
        {
            return CommandOutcome.Refused($"Image {command.ImageId} is not on this host yet; the broker offers it to every host (or import it with 'broker-host image import').");
        }

        _ = await Images.Bases.AddReferenceAsync(image.Address, cancellationToken).ConfigureAwait(false);
        var desktop = await HostedDesktop.CreateAsync(paths.Desktop(command.DesktopId), new DesktopRecord(command.DesktopId, image.Address, command.Epoch, Snapshots: SnapshotSchedule.From(command.Retention)), image.Path, time, cancellationToken).ConfigureAwait(false);
        _desktops[command.DesktopId] = desktop;
        Report(desktop, command.Epoch, DesktopReportKind.ProvisioningCompleted, null);
        LogApplied(logger, command.Kind, command.DesktopId, command.Epoch, true, image.Address);
        return CommandOutcome.Done;
    }

    /// <summary>
    /// Check-out prepare: lock (durable first, so nothing starts the copy again), graceful stop, seal,
    /// record the sealed layer. A repeat at the same epoch reports the recorded layer again.
    /// </summary>
    private async Task<CommandOutcome> PrepareCheckOutAsync(HostedDesktop desktop, ulong epoch, CancellationToken cancellationToken)
    {
        if (desktop.Record is { Locked: true, PreparedLayer: { } prepared } record && record.Epoch == epoch)
        {
            Report(desktop, epoch, DesktopReportKind.ServerCopyPrepared, prepared);
            return CommandOutcome.NoOp("Already prepared.");
        }

        await desktop.UpdateAsync(r => r with { Locked = true, Epoch = epoch }, cancellationToken).ConfigureAwait(false);
        HostCrashPoints.CheckOutLocked.Hit();
        await desktop.StopAsync().ConfigureAwait(false);
        var layer = (await desktop.SealAsync(cancellationToken).ConfigureAwait(false)).Id;
        HostCrashPoints.CheckOutSealed.Hit();
        await desktop.UpdateAsync(r => r with { PreparedLayer = layer }, cancellationToken).ConfigureAwait(false);
        Report(desktop, epoch, DesktopReportKind.ServerCopyPrepared, layer);
        return CommandOutcome.Done;
    }

    /// <summary>
    /// Unlocks the server copy at <paramref name="epoch"/>. After a revoke the resume is reported, and
    /// the record keeps <see cref="DesktopRecord.ResumePending"/> until the broker acknowledges that
    /// report, so a repeat or a restart reports it again rather than losing it.
    /// </summary>
    private async Task<CommandOutcome> UnlockAsync(HostedDesktop desktop, ulong epoch, CancellationToken cancellationToken)
    {
        var revoked = desktop.Record.ResumePending;
        if (!desktop.Record.Locked && desktop.Record.Epoch == epoch && !revoked)
        {
            return CommandOutcome.NoOp("Already unlocked.");
        }

        await desktop.UpdateAsync(r => r with { Locked = false, Epoch = epoch, DeviceId = null, PreparedLayer = null }, cancellationToken).ConfigureAwait(false);
        HostCrashPoints.Unlocked.Hit();
        if (revoked)
        {
            Report(desktop, epoch, DesktopReportKind.ServerCopyResumed, null);
        }

        return CommandOutcome.Done;
    }

    private async Task<CommandOutcome> DeleteAsync(HostedDesktop desktop, CancellationToken cancellationToken)
    {
        _ = _desktops.TryRemove(desktop.Record.DesktopId, out _);
        var address = desktop.Record.BaseAddress;
        await desktop.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(desktop.Paths.Directory, recursive: true);
        _ = await Images.Bases.ReleaseAsync(address, cancellationToken).ConfigureAwait(false);
        return CommandOutcome.Done;
    }

    private void Report(HostedDesktop desktop, ulong epoch, DesktopReportKind kind, long? layer) =>
        _reports.Writer.TryWrite(NewReport(desktop, epoch, kind, layer));

    private static DesktopReport NewReport(HostedDesktop desktop, ulong epoch, DesktopReportKind kind, long? layer) => new()
    {
        DesktopId = desktop.Record.DesktopId,
        Epoch = epoch,
        Kind = kind,
        LayerId = layer is { } id ? WireLayerIds.ToWire(id) : string.Empty,
    };

    private QemuOptions QemuOptions() => new() { PowerdownTimeout = options.Value.PowerdownTimeout };

    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Adopted desktop {DesktopId} at epoch {Epoch}")]
    private static partial void LogAdopted(ILogger logger, string desktopId, ulong epoch);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "{Kind} for desktop {DesktopId} at epoch {Epoch}: succeeded {Succeeded} {Detail}")]
    private static partial void LogApplied(ILogger logger, AgentCommandKind kind, string desktopId, ulong epoch, bool succeeded, string detail);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning, Message = "Settled {Moved} base image references an interrupted provision or reset left behind")]
    private static partial void LogReferencesSettled(ILogger logger, int moved);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Error, Message = "{Kind} for desktop {DesktopId} failed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception, AgentCommandKind kind, string desktopId);
}
