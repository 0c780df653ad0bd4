namespace Broker.Hosting;

/// <summary>Tags that decide which endpoint runs a health check.</summary>
public static class HealthTags
{
    /// <summary>Checks that must pass before the process takes traffic (<see cref="HostingDefaults.ReadyPath"/>), such as the database.</summary>
    public const string Ready = "ready";
}
