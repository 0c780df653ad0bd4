namespace Broker.Cli.Disk;

/// <summary>What <c>disk info</c> reports about one file.</summary>
internal sealed record DiskInfo(
    string Path,
    string Type,
    long VirtualSize,
    int BlockSize,
    int LogicalSectorSize,
    int PhysicalSectorSize,
    long FileSize,
    Guid VirtualDiskId,
    Guid DataWriteGuid,
    Guid FileWriteGuid,
    Guid LogGuid,
    string LogState,
    string Creator,
    bool SharedBase,
    ParentInfo? Parent);
