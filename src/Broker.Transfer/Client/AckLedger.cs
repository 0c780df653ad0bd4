namespace Broker.Transfer.Client;

/// <summary>Layers the host has acknowledged, per desktop (twin-copy store <c>acks</c> in the client's work directory).</summary>
/// <param name="Acked">Entries <c>&lt;desktop&gt;/&lt;layer id&gt;</c>.</param>
internal sealed record AckLedger(IReadOnlyList<string> Acked)
{
    public static string Key(string desktopId, long layerId) => $"{desktopId}/{LayerIds.Format(layerId)}";
}
