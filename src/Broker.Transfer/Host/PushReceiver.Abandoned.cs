using Broker.Disks.Layers;

namespace Broker.Transfer.Host;

/// <summary>Removing the staging of pushes whose client will not come back.</summary>
internal sealed partial class PushReceiver
{
    private const string StagedPushPrefix = LayerStore.StagingPrefix + "push-";

    /// <summary>
    /// Removes the push staging files of <paramref name="desktop"/> (in its layer directory and its
    /// quarantine) and their ledger entries, except those of a push its client may still resume: one
    /// under the desktop's current epoch while it is checked out, or under its revoked epoch (a late
    /// push bound for quarantine). Any other recorded push is removed once its last checkpoint is
    /// <see cref="TransferHostOptions.AbandonedPushAge"/> old, or at once when
    /// <paramref name="hostStarting"/>; a staging file no ledger entry names is a push that never
    /// reached its first checkpoint and cannot be resumed. Skips the desktop while a push of it runs
    /// (its files are in use). Returns how many files were removed.
    /// </summary>
    public async Task<int> RemoveAbandonedAsync(TransferDesktop desktop, bool hostStarting, CancellationToken cancellationToken)
    {
        var gate = _desktopLocks.GetOrAdd(desktop.DesktopId, _ => new SemaphoreSlim(1, 1));
        if (!await gate.WaitAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        try
        {
            if (TakePrepared(desktop.DesktopId) is { } prepared)
            {
                // Created ahead for a push that has not come yet: unrecorded, removed below like any.
                await prepared.File.DisposeAsync().ConfigureAwait(false);
            }

            await using var ledger = await OpenLedgerAsync(desktop.Layers, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            bool Keep(PushProgress push) => Resumable(desktop, push) || (!hostStarting && now - push.CheckpointedAt < options.AbandonedPushAge);
            var pushes = ledger.Read()?.Pushes ?? [];
            var kept = pushes.Where(Keep).ToList();
            if (kept.Count < pushes.Count)
            {
                _ = await ledger.UpdateAsync(current => new PushLedger([.. (current?.Pushes ?? []).Where(Keep)]), cancellationToken).ConfigureAwait(false);
            }

            var keptFiles = kept.SelectMany(push => FilesOf(desktop, push)).ToHashSet(StringComparer.Ordinal);
            var removed = 0;
            foreach (var directory in StagingDirectories(desktop))
            {
                var abandoned = storage.ListFiles(directory)
                    .Where(path => Path.GetFileName(path).StartsWith(StagedPushPrefix, StringComparison.Ordinal) && !keptFiles.Contains(path))
                    .ToList();
                foreach (var path in abandoned)
                {
                    await storage.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
                }

                if (abandoned.Count > 0)
                {
                    await storage.FlushDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
                    removed += abandoned.Count;
                }
            }

            return removed;
        }
        finally
        {
            _ = gate.Release();
        }
    }

    /// <summary>Whether a client may still continue <paramref name="push"/>: its epoch is the live check-out's or the revoked one's.</summary>
    private static bool Resumable(TransferDesktop desktop, PushProgress push) =>
        (push.Epoch == desktop.Epoch && desktop.DeviceId is not null) || push.Epoch == desktop.Revoked?.Epoch;

    /// <summary>The staging file and chunk list of <paramref name="push"/>: in the quarantine for the revoked epoch, else beside the chain.</summary>
    private static IEnumerable<string> FilesOf(TransferDesktop desktop, PushProgress push)
    {
        PushTarget target = desktop.Revoked is { } revoked && revoked.Epoch == push.Epoch
            ? new QuarantinePushTarget(desktop, revoked)
            : new ChainPushTarget(desktop);
        return [StagedPath(target, push.LayerId), ChunkListPath(target, push.LayerId)];
    }

    private static IEnumerable<string> StagingDirectories(TransferDesktop desktop) =>
        desktop.Revoked is { } revoked ? [desktop.Layers.Directory, revoked.Quarantine.Directory] : [desktop.Layers.Directory];
}
