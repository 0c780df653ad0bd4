namespace Broker.HostAgent;

/// <summary>Entry point of <c>broker-host</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => HostAgentCommandLine.Create().Parse(args).InvokeAsync();
}
