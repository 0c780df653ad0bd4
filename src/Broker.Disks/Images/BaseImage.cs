namespace Broker.Disks.Images;

/// <summary>A base image in the <see cref="BaseImageStore"/>.</summary>
/// <param name="Address">Content address: lowercase hex SHA-256 (see <see cref="BaseImageStore"/>).</param>
/// <param name="Path">The image file, a dynamic VHDX named by its address; open it read-only.</param>
/// <param name="VirtualSize">Virtual size in bytes.</param>
/// <param name="LogicalSectorSize">Logical sector size in bytes.</param>
/// <param name="References">How many references hold the image; it can be removed only at 0.</param>
public sealed record BaseImage(string Address, string Path, long VirtualSize, int LogicalSectorSize, int References);
