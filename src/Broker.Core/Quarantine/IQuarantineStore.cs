using Broker.Core.Desktops;

namespace Broker.Core.Quarantine;

/// <summary>Where the broker keeps what hosts report of their quarantines, one record per desktop and layer.</summary>
public interface IQuarantineStore
{
    /// <summary>
    /// Adds <paramref name="layer"/> unless the desktop already has a record of that layer, which is
    /// then left as it is (hosts repeat reports): answers <see cref="WriteOutcome.Saved"/> either way.
    /// </summary>
    Task<WriteResult> RecordAsync(QuarantinedLayer layer, CancellationToken cancellationToken);

    /// <summary>The record of <paramref name="layer"/> of <paramref name="desktop"/>, or <see langword="null"/>.</summary>
    Task<QuarantinedLayer?> FindAsync(DesktopId desktop, LayerId layer, CancellationToken cancellationToken);

    /// <summary>The quarantined layers of the given desktops, oldest received first.</summary>
    Task<IReadOnlyList<QuarantinedLayer>> ListAsync(IReadOnlyCollection<DesktopId> desktops, CancellationToken cancellationToken);

    /// <summary>Every layer whose promotion was asked for and not yet reported done.</summary>
    Task<IReadOnlyList<QuarantinedLayer>> ListAwaitingPromotionAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the stored record of the same desktop and layer; <see cref="WriteOutcome.NotFound"/> when there is none.</summary>
    Task<WriteResult> UpdateAsync(QuarantinedLayer layer, CancellationToken cancellationToken);
}
