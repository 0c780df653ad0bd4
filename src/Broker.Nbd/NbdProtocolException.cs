namespace Broker.Nbd;

/// <summary>
/// A peer sent bytes that break the NBD protocol; names the structure and the byte offset in it.
/// Derives from <see cref="IOException"/> because <see cref="InvalidDataException"/> is sealed.
/// </summary>
public sealed class NbdProtocolException : IOException
{
    public NbdProtocolException(string structure, int offset, string message)
        : base($"{structure} at byte {offset}: {message}")
    {
        Structure = structure;
        Offset = offset;
    }

    /// <summary>The protocol structure that was malformed.</summary>
    public string Structure { get; }

    /// <summary>The offset of the bad field inside <see cref="Structure"/>.</summary>
    public int Offset { get; }
}
