using Broker.ClientAgent.State;
using Broker.Transfer.Client;
using Broker.Vhdx.Storage;

namespace Broker.ClientAgent.Desktops;

/// <summary>
/// The local branches a resync set aside because they diverged from the server's chain
/// (<see cref="DivergedBranches"/>): listed with what they hold, and deleted only when the user asks.
/// A check-in is refused while any is kept, since releasing the copy would delete them unasked.
/// </summary>
internal sealed partial class DesktopManager
{
    /// <summary>The diverged branches of <paramref name="desktop"/> (name or id), oldest first.</summary>
    /// <exception cref="KeyNotFoundException">This device holds no such desktop.</exception>
    public async Task<IReadOnlyList<DivergedBranch>> DivergedAsync(string desktop, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        var live = LiveOf(record.DesktopId);
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return DivergedBranchesOf(record);
        }
        finally
        {
            _ = live.Gate.Release();
        }
    }

    /// <summary>
    /// Deletes the diverged branch <paramref name="branch"/> of <paramref name="desktop"/>, or every
    /// one when <paramref name="branch"/> is null, with their base references; returns those left.
    /// </summary>
    /// <exception cref="KeyNotFoundException">This device holds no such desktop, or it has no such branch.</exception>
    public async Task<IReadOnlyList<DivergedBranch>> DiscardDivergedAsync(string desktop, string? branch, CancellationToken cancellationToken)
    {
        var record = Find(desktop);
        var live = LiveOf(record.DesktopId);
        await live.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var kept = KeptBranches(record);
            var doomed = branch is null
                ? kept
                : [kept.FirstOrDefault(path => DivergedBranches.NameOf(path) == branch)
                    ?? throw new KeyNotFoundException($"'{record.Name}' has no diverged branch '{branch}'; 'brokerctl desktop diverged {record.Name}' lists them.")];
            foreach (var path in doomed)
            {
                await DivergedBranches.DiscardAsync(FileStorage.Instance, _bases, path, cancellationToken).ConfigureAwait(false);
            }

            return DivergedBranchesOf(record);
        }
        finally
        {
            _ = live.Gate.Release();
        }
    }

    /// <summary>Refuses a check-in while diverged branches are kept: releasing the copy would delete them.</summary>
    private void RequireNoDivergedBranches(LocalDesktopRecord record)
    {
        if (KeptBranches(record) is { Count: > 0 } kept)
        {
            throw new ClientRefusedException(
                ClientRefusal.DivergedBranchesKept,
                $"'{record.Name}' keeps {kept.Count} local branch(es) that diverged from the server's chain, and checking in would delete them. " +
                $"See them with 'brokerctl desktop diverged {record.Name}'; copy out what you need, then 'brokerctl desktop discard {record.Name} --all' and check in again.");
        }
    }

    /// <summary>The directories of <paramref name="record"/>'s diverged branches, oldest first.</summary>
    private IReadOnlyList<string> KeptBranches(LocalDesktopRecord record) =>
        DivergedBranches.List(DesktopPaths.Of(_options.DataDirectory, record.DesktopId).Chain);

    private List<DivergedBranch> DivergedBranchesOf(LocalDesktopRecord record) =>
        [.. KeptBranches(record).Select(DivergedBranch.Describe)];
}
