namespace Broker.Vhdx;

/// <summary>What <see cref="VhdxMerge.MergeAsync"/> did.</summary>
/// <param name="ParentPath">The parent the child was merged into (full path).</param>
/// <param name="BytesMerged">Bytes of the virtual disk the child held and the parent now holds.</param>
/// <param name="Resumed">True when an interrupted merge of the same child was completed.</param>
public sealed record VhdxMergeResult(string ParentPath, long BytesMerged, bool Resumed);
