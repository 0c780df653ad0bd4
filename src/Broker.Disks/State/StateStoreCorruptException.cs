namespace Broker.Disks.State;

/// <summary>
/// A state store exists but holds no usable state: neither copy passes its checks, or the newest
/// valid copy does not deserialise. The message names each copy file and what is wrong with it.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed in
/// the BCL (the same choice as <c>VhdxFormatException</c>); it is this store's malformed-data error.
/// </remarks>
public sealed class StateStoreCorruptException : IOException
{
    public StateStoreCorruptException()
    {
    }

    public StateStoreCorruptException(string message)
        : base(message)
    {
    }

    public StateStoreCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The store's path (without the copy suffix), when known.</summary>
    public string? StorePath { get; init; }
}
