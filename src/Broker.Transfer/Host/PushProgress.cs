namespace Broker.Transfer.Host;

/// <summary>A push in progress as the host records it durably (twin-copy store <c>staging-pushes</c> in the layer directory).</summary>
/// <param name="LayerId">The pushed layer.</param>
/// <param name="ParentId">Its parent; null for the base.</param>
/// <param name="Epoch">The desktop epoch the push runs under.</param>
/// <param name="ManifestHash">The layer's manifest hash: a push with another one starts afresh.</param>
/// <param name="DurableChunks">Chunks [0, n) are flushed into the staging file.</param>
internal sealed record PushProgress(long LayerId, long? ParentId, ulong Epoch, byte[] ManifestHash, long DurableChunks);

/// <summary>Every push in progress of one desktop.</summary>
internal sealed record PushLedger(IReadOnlyList<PushProgress> Pushes)
{
    public PushProgress? Find(long layerId) => Pushes.FirstOrDefault(push => push.LayerId == layerId);

    public PushLedger With(PushProgress progress) => new([.. Pushes.Where(push => push.LayerId != progress.LayerId), progress]);

    public PushLedger Without(long layerId) => new([.. Pushes.Where(push => push.LayerId != layerId)]);
}
