namespace Broker.ClientAgent.Desktops;

/// <summary>A request the agent refuses for a stated reason, with what the user can do next.</summary>
internal sealed class ClientRefusedException(ClientRefusal reason, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The reason.</summary>
    public ClientRefusal Reason { get; } = reason;
}
