namespace Broker.Transfer.Client;

/// <summary>One source being pulled: which of its manifest's chunks are durable in the staging file.</summary>
/// <param name="Key">Which source (<c>layer:&lt;id&gt;</c> or <c>base:&lt;address&gt;</c>) of which desktop.</param>
/// <param name="ManifestHash">The manifest the bitmap indexes; another one starts afresh.</param>
/// <param name="Done">Bit i set: chunk i is flushed into the staging file.</param>
internal sealed record PullEntry(string Key, byte[] ManifestHash, byte[] Done);
