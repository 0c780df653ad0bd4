namespace Broker.Transfer.Client;

/// <summary>How far a pull or push is.</summary>
/// <param name="BytesDone">Present bytes durable or verified so far (uncompressed), including those found already held.</param>
/// <param name="BytesTotal">Present bytes the transfer moves in all.</param>
/// <param name="BytesPerSecond">Average rate of this run.</param>
/// <param name="EstimatedRemaining">Time left at that rate; null until the rate is known.</param>
public sealed record TransferProgress(long BytesDone, long BytesTotal, double BytesPerSecond, TimeSpan? EstimatedRemaining);
