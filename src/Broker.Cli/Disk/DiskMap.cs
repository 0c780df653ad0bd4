namespace Broker.Cli.Disk;

/// <summary>What <c>disk map</c> reports: the ranges one file holds itself.</summary>
internal sealed record DiskMap(string Path, long VirtualSize, IReadOnlyList<MapExtent> Extents);
