using Broker.Hosting;

namespace Broker.HostAgent;

/// <summary>The agent version the host agent announces in Hello.</summary>
internal static class HostAgentVersion
{
    public static readonly string Text = "broker-host " + HostingDefaults.ProductVersion(typeof(HostAgentVersion).Assembly);
}
