namespace Broker.Core.Access;

/// <summary>Which kind of agent a credential belongs to.</summary>
public enum AgentKind
{
    /// <summary>A host agent (<c>broker-host</c>); its subject is a host id.</summary>
    Host,

    /// <summary>A client agent (<c>broker-client</c>); its subject is a device id.</summary>
    Device,
}
