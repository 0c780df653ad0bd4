using Broker.Contracts;
using Broker.Contracts.V1;

namespace Broker.ClientAgent.Brokers;

/// <summary>What the client agent says of itself in Enroll and on Connect.</summary>
internal static class ClientAgentHello
{
    /// <summary>The agent's capability and version.</summary>
    public static Hello Create() => new() { CapabilityVersion = ContractVersion.Capability, AgentVersion = "broker-client" };
}
