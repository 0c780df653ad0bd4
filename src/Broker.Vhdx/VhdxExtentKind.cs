namespace Broker.Vhdx;

/// <summary>What a present extent of a file holds.</summary>
public enum VhdxExtentKind
{
    /// <summary>The sectors' data is stored in this file.</summary>
    Data,

    /// <summary>
    /// The file declares the range zero (block state ZERO, UNMAPPED or UNDEFINED): it reads as
    /// zeros and, in a differencing file, hides the parent's data.
    /// </summary>
    Zero,
}
