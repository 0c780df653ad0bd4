namespace Broker.Disks.Layers;

/// <summary>
/// The durable truth about one desktop's chain (design §4), kept in a twin-copy store: the base
/// image, every sealed layer (the current chain and branches kept by a restore) and the writable
/// top. The current chain is the top's ancestry; sealed layers not on it are branches.
/// </summary>
public sealed record ChainManifest
{
    /// <summary>The format version this code writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Content address of the base image in the base image store.</summary>
    public required string BaseAddress { get; init; }

    /// <summary>Full path of the base image file.</summary>
    public required string BasePath { get; init; }

    /// <summary>Virtual size of every file of the chain, bytes.</summary>
    public required long VirtualSize { get; init; }

    /// <summary>Logical sector size of every file of the chain.</summary>
    public required int LogicalSectorSize { get; init; }

    /// <summary>Incremented by every committed change.</summary>
    public required long Epoch { get; init; }

    /// <summary>Next number used for a layer id or a rebuilt file's name.</summary>
    public required long NextSerial { get; init; }

    /// <summary>Every sealed layer, in creation order.</summary>
    public required IReadOnlyList<LayerRecord> Layers { get; init; }

    /// <summary>The writable top.</summary>
    public required LayerRecord Top { get; init; }

    /// <summary>The sealed layers under the top, base side first.</summary>
    public IReadOnlyList<LayerRecord> CurrentChain() => Ancestry(Top.ParentId);

    /// <summary>Layer <paramref name="id"/> and its ancestors, base side first.</summary>
    /// <exception cref="KeyNotFoundException">No sealed layer has that id.</exception>
    public IReadOnlyList<LayerRecord> Ancestry(long? id)
    {
        var chain = new List<LayerRecord>();
        for (var current = id; current is { } value;)
        {
            var layer = Find(value) ?? throw new KeyNotFoundException($"No sealed layer {value} in the chain manifest.");
            chain.Add(layer);
            current = layer.ParentId;
            if (chain.Count > Layers.Count)
            {
                throw new InvalidOperationException("The chain manifest's parent links loop.");
            }
        }

        chain.Reverse();
        return chain;
    }

    /// <summary>The sealed layer with <paramref name="id"/>, or null.</summary>
    public LayerRecord? Find(long id) => Layers.FirstOrDefault(layer => layer.Id == id);
}
