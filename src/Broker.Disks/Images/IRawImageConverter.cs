namespace Broker.Disks.Images;

/// <summary>Converts a disk image of another format (qcow2, …) into a raw image: the process seam for <c>qemu-img</c>.</summary>
public interface IRawImageConverter
{
    /// <summary>Writes the virtual content of <paramref name="sourcePath"/> (format <paramref name="sourceFormat"/>) as a raw file at <paramref name="rawPath"/>.</summary>
    Task ConvertToRawAsync(string sourcePath, string sourceFormat, string rawPath, CancellationToken cancellationToken);
}
