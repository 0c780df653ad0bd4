using System.Text.Json.Serialization;

namespace Broker.Disks.Layers;

/// <summary>What a <see cref="LayerQuarantine"/> durably holds (twin-copy store <c>index</c>).</summary>
/// <param name="Layers">Every quarantined layer, in arrival order.</param>
internal sealed record QuarantineIndex(IReadOnlyList<QuarantinedLayerRecord> Layers)
{
    public QuarantinedLayerRecord? Find(long id) => Layers.FirstOrDefault(layer => layer.Id == id);

    /// <summary>Adds <paramref name="layer"/>, or replaces the record of its id in place.</summary>
    public QuarantineIndex With(QuarantinedLayerRecord layer) =>
        Find(layer.Id) is null ? new([.. Layers, layer]) : new([.. Layers.Select(other => other.Id == layer.Id ? layer : other)]);
}

[JsonSerializable(typeof(QuarantineIndex))]
internal sealed partial class QuarantineIndexJsonContext : JsonSerializerContext;
