namespace Broker.Vhdx.Format;

/// <summary>One replayed change: <see cref="Data"/> at <see cref="FileOffset"/>, or zeros over <see cref="Length"/> when it is null.</summary>
internal sealed record LogUpdate(long FileOffset, long Length, byte[]? Data);
