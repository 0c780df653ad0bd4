namespace Broker.Nbd.Tests;

/// <summary>What NBD_OPT_INFO or NBD_OPT_GO told the raw client.</summary>
internal sealed record ExportDescription
{
    public uint FinalReply { get; init; }

    public ulong Size { get; init; }

    public ushort TransmissionFlags { get; init; }

    public uint MinimumBlock { get; init; }

    public uint PreferredBlock { get; init; }

    public uint MaximumBlock { get; init; }
}
