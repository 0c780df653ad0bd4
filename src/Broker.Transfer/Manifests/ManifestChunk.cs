using Broker.Disks.Transfer;

namespace Broker.Transfer.Manifests;

/// <summary>One chunk of a layer manifest: where it lies and the hash of its data.</summary>
/// <param name="Span">Virtual offset and length.</param>
/// <param name="Hash"><see cref="ChunkHasher.HashLength"/> bytes.</param>
public readonly record struct ManifestChunk(ChunkSpan Span, ReadOnlyMemory<byte> Hash);
