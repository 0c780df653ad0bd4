namespace Broker.Vhdx;

/// <summary>The kind of a VHDX file.</summary>
public enum VhdxDiskType
{
    /// <summary>All blocks allocated at creation (LeaveBlocksAllocated).</summary>
    Fixed,

    /// <summary>Blocks allocated on first write.</summary>
    Dynamic,

    /// <summary>A child over a parent (HasParent); absent sectors read from the parent.</summary>
    Differencing,
}
