using System.Diagnostics;

namespace Broker.Transfer;

/// <summary>
/// The <see cref="ActivitySource"/> of transfers (<c>Broker.Transfer</c>): a pull's phases as
/// activities, so a trace (or the transfer bench) sees where a check-out spends its time.
/// </summary>
public static class TransferActivities
{
    /// <summary>The source's name, for an <see cref="ActivityListener"/> or OpenTelemetry.</summary>
    public const string SourceName = "Broker.Transfer";

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

    internal static ActivitySource Source { get; } = new(SourceName);
}
