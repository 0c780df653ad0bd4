namespace Broker.Cli.Disk;

/// <summary>One present range of a file: "data" (stored) or "zero" (declared zero).</summary>
internal sealed record MapExtent(long Offset, long Length, string Kind);
