namespace Broker.Testing.Storage;

/// <summary>An unflushed change to a file's bytes: a write (with its data) or a length change.</summary>
internal sealed record DataOperation(long Sequence, long Offset, byte[]? Data)
{
    public bool IsWrite => Data is not null;

    public static DataOperation Write(long sequence, long offset, byte[] data) => new(sequence, offset, data);

    /// <summary>A length change; <see cref="Offset"/> is the new length.</summary>
    public static DataOperation SetLength(long sequence, long length) => new(sequence, length, null);

    public void ApplyTo(SparseContent content)
    {
        if (Data is null)
        {
            content.SetLength(Offset);
        }
        else
        {
            content.Write(Offset, Data);
        }
    }
}
