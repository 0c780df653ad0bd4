namespace Broker.Contracts;

/// <summary>Version of the wire contracts in <c>protos/</c>, exchanged in <c>broker.v1.Hello</c>.</summary>
public static class ContractVersion
{
    /// <summary>
    /// Raised whenever a message, field or RPC is added that a peer must know about to use it.
    /// Fields are only ever added, never renumbered or reused.
    /// </summary>
    public const int Capability = 1;
}
