using Broker.Nbd.Protocol;

namespace Broker.Nbd.Internal;

/// <summary>
/// One named export. Its shape (size, block sizes, advertised flags) is fixed when it is added,
/// because clients negotiate it once per connection; a replacement device must fit that shape.
/// </summary>
internal sealed class NbdExport
{
    public NbdExport(string name, IBlockDevice device, bool readOnly, string? description)
    {
        Name = name;
        Description = description;
        Size = device.Size;
        BlockSizes = device.BlockSizes;
        IsReadOnly = readOnly || device.IsReadOnly;
        Flags = ComputeFlags(device.Capabilities, IsReadOnly);
        Gate = new ExportGate(device);
    }

    public string Name { get; }

    public string? Description { get; }

    public long Size { get; }

    public BlockSizeConstraints BlockSizes { get; }

    public bool IsReadOnly { get; }

    /// <summary>The transmission flags every connection to this export is told.</summary>
    public TransmissionFlags Flags { get; }

    public ExportGate Gate { get; }

    /// <summary>Throws unless <paramref name="device"/> can serve every request valid for this export's shape.</summary>
    public void CheckReplacement(IBlockDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Size != Size)
        {
            throw new ArgumentException($"The replacement device is {device.Size} bytes; export '{Name}' is {Size}.", nameof(device));
        }

        if (device.BlockSizes != BlockSizes)
        {
            throw new ArgumentException($"The replacement device's block sizes differ from export '{Name}'.", nameof(device));
        }

        if (device.IsReadOnly && !IsReadOnly)
        {
            throw new ArgumentException($"Export '{Name}' is writable; the replacement device is read-only.", nameof(device));
        }

        var needed = ComputeFlags(device.Capabilities, IsReadOnly);
        if ((needed & Flags) != Flags)
        {
            throw new ArgumentException($"The replacement device lacks capabilities export '{Name}' advertises.", nameof(device));
        }
    }

    private static TransmissionFlags ComputeFlags(BlockDeviceCapabilities capabilities, bool readOnly)
    {
        var flags = TransmissionFlags.HasFlags;
        if (readOnly)
        {
            flags |= TransmissionFlags.ReadOnly;
        }

        if ((capabilities & BlockDeviceCapabilities.Flush) != 0)
        {
            flags |= TransmissionFlags.SendFlush;
        }

        if ((capabilities & BlockDeviceCapabilities.ForceUnitAccess) != 0)
        {
            flags |= TransmissionFlags.SendFua;
        }

        if (!readOnly && (capabilities & BlockDeviceCapabilities.Trim) != 0)
        {
            flags |= TransmissionFlags.SendTrim;
        }

        if (!readOnly && (capabilities & BlockDeviceCapabilities.WriteZeroes) != 0)
        {
            flags |= TransmissionFlags.SendWriteZeroes;
        }

        if ((capabilities & BlockDeviceCapabilities.MultipleConnections) != 0)
        {
            flags |= TransmissionFlags.CanMultiConnection;
        }

        return flags;
    }
}
