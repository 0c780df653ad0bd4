using Broker.Disks.Transfer;

namespace Broker.Transfer;

/// <summary>
/// HTTP/2 and gRPC sizes for bulk chunk traffic, the one place both agents take them from: the host
/// agent applies them to Kestrel and its gRPC service, clients through
/// <see cref="TransferChannelOptions"/>. Kestrel's default 768 KiB stream window cuts uploads by a
/// third on loopback; a window of several chunks keeps a stream busy while the receiver verifies.
/// </summary>
public static class TransferLimits
{
    /// <summary>HTTP/2 per-stream receive window: 8 chunks.</summary>
    public const int StreamWindowBytes = 8 * ChunkLayout.MaxChunkLength;

    /// <summary>HTTP/2 connection receive window: room for several streams at full window.</summary>
    public const int ConnectionWindowBytes = 4 * StreamWindowBytes;

    /// <summary>
    /// Largest gRPC message: a push header carries the whole chunk list (about 80 bytes per chunk on
    /// the wire, so 16 MiB holds a 200 GiB layer); a chunk message is at most 1 MiB plus framing.
    /// </summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Default number of parallel <c>PullChunks</c> streams a client opens.</summary>
    public const int DefaultPullStreams = 4;

    /// <summary>Default number of concurrent pull and push calls a host serves.</summary>
    public const int DefaultMaxConcurrentTransfers = 20;
}
