using System.Diagnostics;

namespace Broker.Transfer;

/// <summary>
/// The <see cref="ActivitySource"/> of transfers (<c>Broker.Transfer</c>): a pull's phases as
/// activities and a push's, so a trace (or the transfer bench) sees where a check-out or a sync
/// spends its time.
/// </summary>
public static class TransferActivities
{
    /// <summary>The source's name, for an <see cref="ActivityListener"/> or OpenTelemetry.</summary>
    public const string SourceName = "Broker.Transfer";

    /// <summary>A whole pull of a chain, from the call until its base and every layer pulled are durable and adopted.</summary>
    public const string Pull = "pull.chain";

    /// <summary>Fetching a layer or base manifest from the host.</summary>
    public const string Manifest = "pull.manifest";

    /// <summary>Fetching, verifying and writing the chunks of one source, ending with its final checkpoint.</summary>
    public const string Chunks = "pull.chunks";

    /// <summary>The final flush and ledger record of one source (inside <see cref="Chunks"/>).</summary>
    public const string FinalCheckpoint = "pull.final-checkpoint";

    /// <summary>Verifying the pulled base's content address and adding it to the base store.</summary>
    public const string AdoptBase = "pull.adopt-base";

    /// <summary>Adopting a pulled layer into the layer store.</summary>
    public const string AdoptLayer = "pull.adopt-layer";

    /// <summary>A whole push of one layer, from the call to the durable record of the host's ack.</summary>
    public const string Push = "push.layer";

    /// <summary>Building the pushed layer's manifest (overlaps the host's push status).</summary>
    public const string PushManifest = "push.manifest";

    /// <summary>Sending the header and the chunks the host lacks, up to the commit message.</summary>
    public const string PushChunks = "push.chunks";

    /// <summary>Waiting for the host's ack after the commit message (its verification, flushes and commit).</summary>
    public const string PushAck = "push.ack";

    /// <summary>Recording the host's ack durably on the client.</summary>
    public const string PushRecord = "push.record";

    internal static ActivitySource Source { get; } = new(SourceName);
}
