namespace Broker.Cli.Disk;

/// <summary>The parent locator of a differencing file and whether the parent it names can be used.</summary>
/// <param name="Linkage">The parent DataWriteGuid the child links to.</param>
/// <param name="Linkage2">The second acceptable identity, if any.</param>
/// <param name="RelativePath">relative_path as stored.</param>
/// <param name="VolumePath">volume_path as stored.</param>
/// <param name="AbsoluteWin32Path">absolute_win32_path as stored.</param>
/// <param name="ResolvedPath">The parent file found, when the chain opens.</param>
/// <param name="Status">"ok", or why the parent cannot be used ("missing", "changed", "loop", "tooDeep", "incompatible", "malformed").</param>
/// <param name="Problem">The error when the status is not "ok".</param>
internal sealed record ParentInfo(
    Guid Linkage,
    Guid? Linkage2,
    string? RelativePath,
    string? VolumePath,
    string? AbsoluteWin32Path,
    string? ResolvedPath,
    string Status,
    string? Problem);
