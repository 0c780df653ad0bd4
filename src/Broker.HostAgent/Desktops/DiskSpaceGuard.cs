namespace Broker.HostAgent.Desktops;

/// <summary>Free space in the data directory against <see cref="HostAgentOptions.MinFreeBytes"/>.</summary>
internal sealed class DiskSpaceGuard(string dataDirectory, long minFreeBytes)
{
    public long FreeBytes => new DriveInfo(Path.GetFullPath(dataDirectory)).AvailableFreeSpace;

    /// <summary>Why new work must be refused, or null when there is room.</summary>
    public string? Refusal()
    {
        var free = FreeBytes;
        return free < minFreeBytes
            ? $"Only {free} bytes are free in {dataDirectory}; the host takes new work above {minFreeBytes}."
            : null;
    }
}
