namespace Broker.Vhdx;

/// <summary>Why the parent of a differencing file could not be used.</summary>
public enum VhdxParentFailure
{
    /// <summary>No file exists at any path of the parent locator.</summary>
    Missing,

    /// <summary>A file exists but its DataWriteGuid is not the child's <c>parent_linkage</c>: the parent was changed or replaced.</summary>
    Changed,

    /// <summary>The chain leads back to a file already in it.</summary>
    Loop,

    /// <summary>The chain is longer than <see cref="VhdxOpenOptions.MaxChainDepth"/>.</summary>
    TooDeep,

    /// <summary>The parent's virtual size or logical sector size differs from the child's.</summary>
    Incompatible,
}
