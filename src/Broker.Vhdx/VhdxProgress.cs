namespace Broker.Vhdx;

/// <summary>How far a long operation (merge, convert) is, in bytes of the virtual disk.</summary>
/// <param name="Completed">Bytes handled so far.</param>
/// <param name="Total">Bytes the operation will handle in all.</param>
public sealed record VhdxProgress(long Completed, long Total);
