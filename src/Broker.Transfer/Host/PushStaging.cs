using Broker.Vhdx;

namespace Broker.Transfer.Host;

/// <summary>A push's open staging file, its durable chunk count and whether the push ledger records it yet.</summary>
internal sealed class PushStaging(VhdxFile file, long durable, bool recorded)
{
    public VhdxFile File { get; } = file;

    /// <summary>Chunks [0, n) are flushed into <see cref="File"/> (and recorded when <see cref="Recorded"/>).</summary>
    public long Durable { get; set; } = durable;

    public bool Recorded { get; set; } = recorded;
}
