using Broker.Contracts.V1;
using Google.Protobuf;

namespace Broker.Transfer.Host;

/// <summary>
/// Where a push lands: the desktop's chain (<see cref="ChainPushTarget"/>) or, for a revoked
/// device's late push, its quarantine (<see cref="QuarantinePushTarget"/>). Staging, verification
/// and resume are the same for both; the target says which epoch counts, what it holds already,
/// what the staged file is a child of, and how a verified layer is committed.
/// </summary>
internal abstract class PushTarget(TransferDesktop desktop)
{
    public TransferDesktop Desktop => desktop;

    /// <summary>The epoch a push to this target carries.</summary>
    public abstract ulong Epoch { get; }

    /// <summary>Full path of the staging file <paramref name="name"/> (beside where the layer will live).</summary>
    public abstract string StagingPathOf(string name);

    /// <summary>The directory of the staging files, flushed after one is created.</summary>
    public abstract string StagingDirectory { get; }

    /// <summary>The answer to a push of layer <paramref name="layerId"/> under this target.</summary>
    public abstract PushResult NewResult(string layerId);

    /// <summary>
    /// True when the target holds layer <paramref name="id"/> with <paramref name="manifestHash"/>
    /// already (<paramref name="result"/> is then marked so); <c>LAYER_CONFLICT</c> when it holds
    /// another layer under that id.
    /// </summary>
    public abstract Task<bool> HoldsAsync(long id, ByteString manifestHash, LayerManifestCache manifests, PushResult result, CancellationToken cancellationToken);

    /// <summary>Fills in <paramref name="status"/> when the layer is committed to this target.</summary>
    public abstract void DescribeCommitted(long id, PushStatus status);

    /// <summary>
    /// The file a push's staged layer will be a child of as far as it is known before the push's
    /// header arrives (then <see cref="StagingParentPath"/> decides); null when it cannot be known.
    /// </summary>
    public virtual string? LikelyStagingParentPath => null;

    /// <summary>The file the staged layer must be a differencing child of; <c>WRONG_PARENT</c> when <paramref name="parentId"/> cannot be one.</summary>
    public abstract string StagingParentPath(long id, long? parentId, string parentText);

    /// <summary>
    /// Throws <c>STALE_EPOCH</c> unless <paramref name="current"/> (the desktop now, null when the host
    /// no longer holds it) still takes pushes to this target under <see cref="Epoch"/>.
    /// </summary>
    public abstract void EnsureStillCurrent(TransferDesktop? current);

    /// <summary>Commits the staged, verified and flushed layer.</summary>
    /// <exception cref="InvalidOperationException">The layer does not fit (anymore).</exception>
    /// <exception cref="IOException">The staged file is damaged.</exception>
    public abstract Task CommitAsync(string stagedPath, PushHeader header, long id, long? parentId, CancellationToken cancellationToken);

    /// <summary>True when the held manifest of <paramref name="path"/> has <paramref name="manifestHash"/>.</summary>
    protected static async Task<bool> SameLayerAsync(string path, ByteString manifestHash, LayerManifestCache manifests, CancellationToken cancellationToken)
    {
        var held = await manifests.GetAsync(path, cancellationToken).ConfigureAwait(false);
        return held.Hash.Span.SequenceEqual(manifestHash.Span);
    }
}
