namespace Broker.Disks.Images;

/// <summary>One image as the base store's index records it.</summary>
internal sealed record BaseImageEntry(string Address, long VirtualSize, int LogicalSectorSize, int References);
