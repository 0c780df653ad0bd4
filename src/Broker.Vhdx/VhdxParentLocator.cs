namespace Broker.Vhdx;

/// <summary>The parent locator of a differencing file (all key/value pairs, and the well-known ones parsed).</summary>
public sealed record VhdxParentLocator
{
    /// <summary>The parent's DataWriteGuid when the child was created (<c>parent_linkage</c>).</summary>
    public required Guid ParentLinkage { get; init; }

    /// <summary>A second acceptable parent identity (<c>parent_linkage2</c>), or null when absent or zero.</summary>
    public Guid? ParentLinkage2 { get; init; }

    /// <summary><c>relative_path</c>, as stored (Windows separators).</summary>
    public string? RelativePath { get; init; }

    /// <summary><c>volume_path</c>, as stored.</summary>
    public string? VolumePath { get; init; }

    /// <summary><c>absolute_win32_path</c>, as stored.</summary>
    public string? AbsoluteWin32Path { get; init; }

    /// <summary>Every key/value pair in stored order, including unknown keys.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Entries { get; init; }
}
