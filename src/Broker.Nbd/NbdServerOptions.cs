namespace Broker.Nbd;

/// <summary>Limits of an <see cref="NbdServer"/>; every limit bounds what a hostile client can make it hold.</summary>
public sealed class NbdServerOptions
{
    /// <summary>Connections served at once; more are closed on accept.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>
    /// Requests one connection may have executing at once. When reached the server stops reading
    /// that socket until one finishes (back-pressure). Memory held per connection is at most this
    /// many request buffers of the export's maximum block size.
    /// </summary>
    public int MaxInFlightRequestsPerConnection { get; init; } = 64;

    /// <summary>Time a client has to finish option haggling.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Options one client may send before the server hangs up on it.</summary>
    public int MaxOptionsPerConnection { get; init; } = 128;

    /// <summary>Longest option data accepted; longer options end the session.</summary>
    public int MaxOptionLength { get; init; } = 16 * 1024;

    /// <summary>Throws when a limit is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlightRequestsPerConnection, 1, nameof(MaxInFlightRequestsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero, nameof(HandshakeTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOptionsPerConnection, 1, nameof(MaxOptionsPerConnection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOptionLength, 4096 + 6, nameof(MaxOptionLength));
    }
}
