namespace Broker.Transfer.Host;

/// <summary>A push in progress as the host records it durably (twin-copy store <c>staging-pushes</c> in the layer directory).</summary>
/// <param name="LayerId">The pushed layer.</param>
/// <param name="ParentId">Its parent; null for the base.</param>
/// <param name="Epoch">The desktop epoch the push runs under.</param>
/// <param name="ManifestHash">The layer's manifest hash: a push with another one starts afresh.</param>
/// <param name="DurableChunks">Chunks [0, n) are flushed into the staging file.</param>
/// <param name="CheckpointedAt">When the push last recorded progress: how long its client has been away.</param>
internal sealed record PushProgress(long LayerId, long? ParentId, ulong Epoch, byte[] ManifestHash, long DurableChunks, DateTimeOffset CheckpointedAt);

/// <summary>
/// Every push in progress of one desktop, by layer and epoch (a revoked device's late push of a layer
/// id and a current push of the same id are two pushes).
/// </summary>
internal sealed record PushLedger(IReadOnlyList<PushProgress> Pushes)
{
    public PushProgress? Find(long layerId, ulong epoch) => Pushes.FirstOrDefault(push => push.LayerId == layerId && push.Epoch == epoch);

    public PushLedger With(PushProgress progress) => new([.. Pushes.Where(push => !SamePush(push, progress)), progress]);

    public PushLedger Without(PushProgress progress) => new([.. Pushes.Where(push => !SamePush(push, progress))]);

    private static bool SamePush(PushProgress one, PushProgress other) => one.LayerId == other.LayerId && one.Epoch == other.Epoch;
}
